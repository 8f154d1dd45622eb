import { TestScheduler } from 'rxjs/testing';
import { ConnectionQuality, qualityFrom } from '../../src/index';
import { initialQuality } from '../../src/model/ConnectionQuality';
import { QualitySample } from '../../src/model/QualitySample';
import { updateQuality } from '../../src/model/updateQuality';

const h: QualitySample = { kind: 'heartbeat', rttMs: 40 };
const e: QualitySample = { kind: 'error' };
const t: QualitySample = { kind: 'throughput', messagesPerSecond: 100 };
const l: QualitySample = { kind: 'lost' };
const d: QualitySample = { kind: 'disconnect' };
const samples = { h, e, t, l, d };

/** The figures after folding `folded` into `from`, by the model's reducer. */
const after = (from: ConnectionQuality, ...folded: QualitySample[]): ConnectionQuality =>
  folded.reduce(updateQuality, from);

describe('qualityFrom', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('should match the marble diagram in its doc comment', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const samples$ = cold('--h---e---t--', samples);
      const expected = '     q-a---b---c--';
      const a = after(initialQuality, h);
      const b = after(a, e);
      const c = after(b, t);
      expectObservable(qualityFrom(samples$)).toBe(expected, { q: initialQuality, a, b, c });
      // The figures the model gives, pinned so that the stream is not only checked against itself.
      expect(a).toMatchObject({ averageLatencyMs: 40, latencySamples: 1, errorRate: 0 });
      expect(b.errorRate).toBeCloseTo(0.05);
      expect(b.connectionStability).toBeCloseTo(95);
      expect(c.dataThroughput).toBeCloseTo(30);
    });
  });

  it('should emit one quality per sample, even when the figures do not move', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      // An invalid rate is ignored by the model: the figures stay the same, but each sample still emits.
      const samples$ = cold('-xx|', { x: { kind: 'throughput', messagesPerSecond: NaN } as QualitySample });
      expectObservable(qualityFrom(samples$)).toBe('qqq|', { q: initialQuality });
    });
  });

  it('should fold each sample into the figures so far', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const samples$ = cold('-hlhd|', samples);
      const expected = '     qabcd|';
      const a = after(initialQuality, h);
      const b = after(a, l);
      const c = after(b, h);
      const dd = after(c, d);
      expectObservable(qualityFrom(samples$)).toBe(expected, { q: initialQuality, a, b, c, d: dd });
      expect(b.packetLossRate).toBeCloseTo(0.05);
      expect(dd.connectionStability).toBeLessThan(c.connectionStability);
    });
  });

  it('should start from the given initial figures', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const start: ConnectionQuality = { ...initialQuality, averageLatencyMs: 100, latencySamples: 1 };
      const expected = after(start, h);
      expect(expected.averageLatencyMs).toBeCloseTo(82);
      expectObservable(qualityFrom(cold('-h|', samples), start)).toBe('sa|', { s: start, a: expected });
    });
  });

  it('should keep state per subscription', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const samples$ = hot('-e--e--', samples);
      const one = after(initialQuality, e);
      const quality$ = qualityFrom(samples$);
      expectObservable(quality$, '^-----!').toBe('qa--b-', { q: initialQuality, a: one, b: after(one, e) });
      expectObservable(quality$, '--^---!').toBe('--q-a-', { q: initialQuality, a: one });
    });
  });

  describe('the RxJS checklist', () => {
    it('should emit only the initial figures for samples that never come', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        expectObservable(qualityFrom(cold('-')), '^ 20ms !').toBe('q', { q: initialQuality });
      });
    });

    it('should emit the initial figures and complete for no samples', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        expectObservable(qualityFrom(cold('|'))).toBe('(q|)', { q: initialQuality });
      });
    });

    it('should complete when the samples complete', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const samples$ = cold('-t-|', samples);
        expectObservable(qualityFrom(samples$)).toBe('qa-|', { q: initialQuality, a: after(initialQuality, t) });
        expectSubscriptions(samples$.subscriptions).toBe('^--!');
      });
    });

    it('should pass an error through', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const samples$ = cold('-h-#', samples, new Error('sampler broke'));
        expectObservable(qualityFrom(samples$)).toBe(
          'qa-#',
          { q: initialQuality, a: after(initialQuality, h) },
          new Error('sampler broke'),
        );
      });
    });

    it('should unsubscribe from the samples when the consumer unsubscribes early', () => {
      testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
        const samples$ = hot('-h---h--|', samples);
        expectObservable(qualityFrom(samples$), '^--!').toBe('qa-', {
          q: initialQuality,
          a: after(initialQuality, h),
        });
        expectSubscriptions(samples$.subscriptions).toBe('^--!');
      });
    });

    // There is no user callback to throw: the reducer is the model's pure updateQuality.
  });
});

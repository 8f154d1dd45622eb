import { TestScheduler } from 'rxjs/testing';
import { forecastDegradation } from '../../src/operators/forecastDegradation';
import { TrendSample } from '../../src/model/latencyTrend';

describe('forecastDegradation', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  const rising = (i: number): TrendSample => ({ at: i * 1000, latencyMs: 200 + 50 * i });
  const config = { latencyWarning: 1000, predictionHorizon: 10_000, predictionWindow: 5 };

  it('should match the marble diagram: one forecast on a steady climb', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const values = Object.fromEntries('abcdefgh'.split('').map((k, i) => [k, rising(i)]));
      const result = cold('-a-b-c-d-e-f-g-h-|', values).pipe(forecastDegradation(config));
      // +50 ms/s: at d, 350 ms now and 850 ms projected in 10 s: not yet; at g, 500 ms projects to 1000.
      expectObservable(result).toBe('-------------F---|', {
        F: { at: 6000, horizonMs: 10_000, currentMs: 500, projectedMs: 1000, slopeMsPerSecond: 50, rSquared: 1 },
      });
    });
  });

  it('should re-arm only after the forecast stops holding', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const v = {
        a: { at: 0, latencyMs: 100 },
        b: { at: 1000, latencyMs: 200 },
        c: { at: 2000, latencyMs: 300 },
        d: { at: 3000, latencyMs: 400 },
        e: { at: 4000, latencyMs: 100 },
        f: { at: 5000, latencyMs: 100 },
        g: { at: 6000, latencyMs: 100 },
        h: { at: 7000, latencyMs: 200 },
        i: { at: 8000, latencyMs: 300 },
        j: { at: 9000, latencyMs: 400 },
      };
      const result = cold('abcdefghij|', v).pipe(
        forecastDegradation({ latencyWarning: 1000, predictionHorizon: 10_000, predictionWindow: 3 }),
      );
      // Raised at c; the drop at e breaks the climb and re-arms it; the new climb is raised at i.
      expectObservable(result).toBe('--F-----F-|', {
        F: expect.objectContaining({ slopeMsPerSecond: 100 }),
      });
    });
  });

  it('should pass errors and completion through, and stay silent on never', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold<TrendSample>('-#', undefined, 'boom').pipe(forecastDegradation(config))).toBe(
        '-#',
        undefined,
        'boom',
      );
      expectObservable(cold<TrendSample>('|').pipe(forecastDegradation(config))).toBe('|');
      expectObservable(cold<TrendSample>('-').pipe(forecastDegradation(config)), '^ 5s !').toBe('-');
    });
  });

  it('should keep its window per subscription', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const values = Object.fromEntries('abcd'.split('').map((k, i) => [k, rising(i + 10)]));
      const source = cold('abcd|', values).pipe(forecastDegradation({ ...config, predictionHorizon: 1000 }));
      expectObservable(source).toBe('----|');
      expectObservable(source).toBe('----|');
    });
  });
});

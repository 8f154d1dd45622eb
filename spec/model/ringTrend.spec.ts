import fc from 'fast-check';
import { latencyTrend, ringTrend } from '../../src/model/latencyTrend';

describe('ringTrend', () => {
  it('should match its doc example', () => {
    expect(ringTrend([2000, 0, 1000], [300, 100, 200], 1, 3, 2000, 10000)?.slopeMsPerSecond).toBeCloseTo(100, 9);
  });

  it('should fit what latencyTrend fits, wherever the ring starts', () => {
    const sample = fc.record({ at: fc.integer({ min: 0, max: 1e6 }), latencyMs: fc.integer({ min: 0, max: 5000 }) });
    fc.assert(
      fc.property(fc.array(sample, { maxLength: 12 }), fc.nat(), (samples, shift) => {
        const n = samples.length;
        const first = n === 0 ? 0 : shift % n;
        // The same samples, oldest at `first`, wrapping.
        const times = new Array<number>(n);
        const latencies = new Array<number>(n);
        samples.forEach((each, k) => {
          times[(first + k) % n] = each.at;
          latencies[(first + k) % n] = each.latencyMs;
        });
        expect(ringTrend(times, latencies, first, n, 5000, 60000)).toEqual(latencyTrend(samples, 5000, 60000));
      }),
    );
  });
});

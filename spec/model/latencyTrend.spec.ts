import { isDegradationForecast, latencyTrend } from '../../src/model/latencyTrend';

const series = (values: number[], stepMs = 1000) => values.map((latencyMs, i) => ({ at: i * stepMs, latencyMs }));

describe('latencyTrend', () => {
  it('should fit a perfect line exactly and project it', () => {
    const trend = latencyTrend(series([100, 200, 300]), 2000, 10_000);
    expect(trend).toEqual({ slopeMsPerSecond: 100, rSquared: 1, currentMs: 300, projectedMs: 1300 });
  });

  it('should need three samples spread in time', () => {
    expect(latencyTrend(series([100, 200]), 1000, 1000)).toBeUndefined();
    expect(
      latencyTrend(
        [0, 0, 0].map(() => ({ at: 5, latencyMs: 10 })),
        5,
        1000,
      ),
    ).toBeUndefined();
  });

  it('should report no fit for a flat series', () => {
    expect(latencyTrend(series([50, 50, 50, 50]), 3000, 1000)?.rSquared).toBe(0);
  });

  describe('isDegradationForecast', () => {
    const rule = { latencyWarning: 1000, predictionHorizon: 60_000 };

    it('should forecast a steady climb that will cross the threshold within the horizon', () => {
      // +10 ms/s from 300 ms: 900 ms projected in 60 s? 300 + 600 = 900: not yet.
      expect(isDegradationForecast(latencyTrend(series([270, 280, 290, 300]), 3000, 60_000), rule)).toBe(false);
      // +20 ms/s: 300 + 1200 = 1500 ms projected.
      expect(isDegradationForecast(latencyTrend(series([240, 260, 280, 300]), 3000, 60_000), rule)).toBe(true);
    });

    it('should not forecast noise, a falling line, or what has already arrived', () => {
      expect(isDegradationForecast(latencyTrend(series([50, 600, 40, 700, 60, 650]), 5000, 60_000), rule)).toBe(false);
      expect(isDegradationForecast(latencyTrend(series([900, 800, 700, 600]), 3000, 60_000), rule)).toBe(false);
      expect(isDegradationForecast(latencyTrend(series([1000, 1100, 1200, 1300]), 3000, 60_000), rule)).toBe(false);
      expect(isDegradationForecast(undefined, rule)).toBe(false);
    });
  });
});

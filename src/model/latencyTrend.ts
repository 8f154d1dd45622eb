/** A least-squares line through recent latency samples, and where it leads. */
export interface LatencyTrend {
  /** Milliseconds of latency gained per second (the regression slope). */
  readonly slopeMsPerSecond: number;
  /** Goodness of fit, 0–1: how much of the variation the line explains. */
  readonly rSquared: number;
  /** The line's latency now, ms. */
  readonly currentMs: number;
  /** The line's latency `horizonMs` from now, ms. */
  readonly projectedMs: number;
}

/** One latency measurement the trend is fitted to. */
export interface TrendSample {
  /** Scheduler time, ms. */
  readonly at: number;
  readonly latencyMs: number;
}

/**
 * Fits `latency = a + b × time` to the samples by least squares and projects it `horizonMs` ahead
 * of `now`. Undefined with fewer than 3 samples or no spread in time.
 *
 * @example
 * latencyTrend([{ at: 0, latencyMs: 100 }, { at: 1000, latencyMs: 200 }, { at: 2000, latencyMs: 300 }], 2000, 10000)
 * // { slopeMsPerSecond: 100, rSquared: 1, currentMs: 300, projectedMs: 1300 }
 */
export function latencyTrend(
  samples: readonly TrendSample[],
  now: number,
  horizonMs: number,
): LatencyTrend | undefined {
  const n = samples.length;
  if (n < 3) return undefined;
  let sumT = 0;
  let sumL = 0;
  for (const { at, latencyMs } of samples) {
    sumT += at;
    sumL += latencyMs;
  }
  const meanT = sumT / n;
  const meanL = sumL / n;
  let sTT = 0;
  let sTL = 0;
  let sLL = 0;
  for (const { at, latencyMs } of samples) {
    const dt = at - meanT;
    const dl = latencyMs - meanL;
    sTT += dt * dt;
    sTL += dt * dl;
    sLL += dl * dl;
  }
  if (sTT === 0) return undefined;
  const slope = sTL / sTT;
  const rSquared = sLL === 0 ? 0 : (sTL * sTL) / (sTT * sLL);
  const at = (t: number): number => meanL + slope * (t - meanT);
  return {
    slopeMsPerSecond: slope * 1000,
    rSquared,
    currentMs: at(now),
    projectedMs: at(now + horizonMs),
  };
}

/** When a latency trend forecasts degradation: the threshold it must cross, how far ahead, and how good a fit. */
export interface ForecastRule {
  /** Latency that counts as degraded, ms. */
  readonly latencyWarning: number;
  /** How far ahead to look, ms. */
  readonly predictionHorizon: number;
  /** Minimum fit (R²) to trust the line. Defaults to `0.6`. */
  readonly minRSquared?: number;
}

/**
 * True when the trend is rising, fits well, is still under the threshold now, and crosses it
 * within the horizon: degradation is coming but has not arrived. Noise (a poor fit), a flat or
 * falling trend, or a link already past the threshold never forecast.
 */
export function isDegradationForecast(trend: LatencyTrend | undefined, rule: ForecastRule): boolean {
  if (trend === undefined) return false;
  const { latencyWarning, minRSquared = 0.6 } = rule;
  return (
    trend.slopeMsPerSecond > 0 &&
    trend.rSquared >= minRSquared &&
    trend.currentMs < latencyWarning &&
    trend.projectedMs >= latencyWarning
  );
}

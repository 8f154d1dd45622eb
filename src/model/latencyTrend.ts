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
  const times = new Array<number>(samples.length);
  const latencies = new Array<number>(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const sample = samples[i] as TrendSample;
    times[i] = sample.at;
    latencies[i] = sample.latencyMs;
  }
  return ringTrend(times, latencies, 0, samples.length, now, horizonMs);
}

/**
 * `latencyTrend` over samples kept in two rings of numbers (times and latencies, the same capacity):
 * the `count` samples from index `first` on, wrapping. A link's forecaster keeps its window so, with
 * no object per sample, and fits it into an object of its own (`into`, rewritten): nothing is
 * allocated per pong.
 *
 * @example
 * ringTrend([2000, 0, 1000], [300, 100, 200], 1, 3, 2000, 10000)?.slopeMsPerSecond // 100
 */
export function ringTrend(
  times: readonly number[],
  latencies: readonly number[],
  first: number,
  count: number,
  now: number,
  horizonMs: number,
  into?: { -readonly [K in keyof LatencyTrend]: LatencyTrend[K] },
): LatencyTrend | undefined {
  if (count < 3) return undefined;
  const capacity = times.length;
  let sumT = 0;
  let sumL = 0;
  for (let k = 0, i = first; k < count; k++, i = i + 1 === capacity ? 0 : i + 1) {
    sumT += times[i] as number;
    sumL += latencies[i] as number;
  }
  const meanT = sumT / count;
  const meanL = sumL / count;
  let sTT = 0;
  let sTL = 0;
  let sLL = 0;
  for (let k = 0, i = first; k < count; k++, i = i + 1 === capacity ? 0 : i + 1) {
    const dt = (times[i] as number) - meanT;
    const dl = (latencies[i] as number) - meanL;
    sTT += dt * dt;
    sTL += dt * dl;
    sLL += dl * dl;
  }
  if (sTT === 0) return undefined;
  const slope = sTL / sTT;
  const trend = into ?? { slopeMsPerSecond: 0, rSquared: 0, currentMs: 0, projectedMs: 0 };
  trend.slopeMsPerSecond = slope * 1000;
  trend.rSquared = sLL === 0 ? 0 : (sTL * sTL) / (sTT * sLL);
  trend.currentMs = meanL + slope * (now - meanT);
  trend.projectedMs = meanL + slope * (now + horizonMs - meanT);
  return trend;
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

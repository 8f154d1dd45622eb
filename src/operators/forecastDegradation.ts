import { Observable, OperatorFunction } from 'rxjs';
import { Forecast, LatencyForecast } from '../model/LatencyForecast';
import { ForecastRule, TrendSample } from '../model/latencyTrend';

export type { Forecast } from '../model/LatencyForecast';

/** The forecast rule of `forecastDegradation`, and how many recent samples the trend is fitted to. */
export interface ForecastConfig extends ForecastRule {
  /** How many recent samples the trend is fitted to. Defaults to `10`. */
  readonly predictionWindow?: number;
}

/**
 * Watches latency samples for a rising trend that will cross the threshold within the horizon,
 * and emits once when that forecast first holds: early warning, before the average gets there.
 *
 * ```
 * latency:   -a-b-c-d-e-f-g-h-|    (200 ms + 50 ms/s; latencyWarning 1000 ms, predictionHorizon 10 s)
 * result:    -------------F---|    (once, when the line first reaches the threshold within the horizon)
 * ```
 *
 * The trend is a least-squares line over the last `predictionWindow` samples; a poor fit (R² under
 * `minRSquared`), a flat or falling line, or a latency already over the threshold do not forecast:
 * noise must not cry wolf, and what has already arrived is the quality stream's business.
 *
 * @example
 * latency$.pipe(map((s) => ({ at: s.at, latencyMs: s.latencyMs })), forecastDegradation({ latencyWarning: 1000, predictionHorizon: 60000 }))
 * // { slopeMsPerSecond: 12.5, projectedMs: 1180, currentMs: 430, rSquared: 0.93, at, horizonMs: 60000 }
 *
 * @param config Threshold, horizon, window and minimum fit.
 * @returns An operator from samples to forecasts, rising edges only.
 */
export function forecastDegradation(config: ForecastConfig): OperatorFunction<TrendSample, Forecast> {
  const { predictionWindow = 10, ...rule } = config;
  return (samples$) =>
    new Observable<Forecast>((subscriber) => {
      const forecast = new LatencyForecast(rule, predictionWindow);
      return samples$.subscribe({
        next: (sample) => {
          const raised = forecast.add(sample.at, sample.latencyMs);
          if (raised) subscriber.next(raised);
        },
        error: (error) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
    });
}

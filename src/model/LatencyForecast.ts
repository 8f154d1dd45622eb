import { appendCompact } from './appendCompact';
import { ForecastRule, LatencyTrend, TrendSample, isDegradationForecast, latencyTrend } from './latencyTrend';

/** A forecast: where the latency trend leads, raised before it gets there. */
export interface Forecast extends LatencyTrend {
  /** Scheduler time of the sample that completed the forecast. */
  readonly at: number;
  readonly horizonMs: number;
}

/**
 * The latency forecaster of one link, as a plain value holder: fits the trend to the last
 * `predictionWindow` samples and reports a forecast on its rising edge only (once, when it first
 * holds; again only after it stopped holding). `forecastDegradation` is the same thing as an operator.
 *
 * @example
 * const forecast = new LatencyForecast({ latencyWarning: 1000, predictionHorizon: 60000 }, 10);
 * forecast.add({ at: 0, latencyMs: 200 }); // undefined until the trend crosses within the horizon
 */
export class LatencyForecast {
  private recent: TrendSample[] = [];
  private raised = false;

  /**
   * @param rule The latency warning and the horizon.
   * @param window How many recent samples the trend is fitted to.
   */
  constructor(
    private readonly rule: ForecastRule,
    private readonly window: number,
  ) {}

  /** Adds a sample; returns the forecast if it just started to hold. */
  add(sample: TrendSample): Forecast | undefined {
    this.recent = appendCompact(this.recent, sample);
    if (this.recent.length > this.window) this.recent.shift();
    const trend = latencyTrend(this.recent, sample.at, this.rule.predictionHorizon);
    const holds = isDegradationForecast(trend, this.rule);
    const rising = holds && !this.raised && trend !== undefined;
    this.raised = holds;
    return rising ? { ...(trend as LatencyTrend), at: sample.at, horizonMs: this.rule.predictionHorizon } : undefined;
  }
}

import { ForecastRule, LatencyTrend, isDegradationForecast, ringTrend } from './latencyTrend';

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
 * forecast.add(0, 200); // undefined until the trend crosses within the horizon
 */
export class LatencyForecast implements LatencyTrend {
  /**
   * The window as two rings of numbers, times and latencies, made at the first sample: no object per
   * sample (a window of ten `{ at, latencyMs }` samples cost ~700 B per link; these, ~200).
   */
  private times: number[] = [];
  private latencies: number[] = [];
  private count = 0;
  /** Where the next sample goes; once the window is full, the oldest. */
  private next = 0;
  private raised = false;
  // The latest fit, rewritten at each sample (on the forecaster itself: no object per link for it);
  // a forecast raised is a copy of it.
  slopeMsPerSecond = 0;
  rSquared = 0;
  currentMs = 0;
  projectedMs = 0;

  /**
   * @param rule The latency warning and the horizon.
   * @param window How many recent samples the trend is fitted to.
   */
  constructor(
    private readonly rule: ForecastRule,
    private readonly window: number,
  ) {}

  /** Adds a sample taken `at` (scheduler time); returns the forecast if it just started to hold. */
  add(at: number, latencyMs: number): Forecast | undefined {
    if (this.count === this.times.length && this.count < this.window) {
      // The window's size at once when it is a usual one; a huge one starts smaller and doubles.
      const size = Math.min(this.window, Math.max(PREALLOCATE_UP_TO, 2 * this.times.length));
      this.times = this.times.concat(new Array<number>(size - this.times.length).fill(0));
      this.latencies = this.latencies.concat(new Array<number>(size - this.latencies.length).fill(0));
    }
    this.times[this.next] = at;
    this.latencies[this.next] = latencyMs;
    this.next = this.next + 1 === this.window ? 0 : this.next + 1;
    if (this.count < this.window) this.count++;
    const first = this.count < this.window ? 0 : this.next;
    const trend = ringTrend(this.times, this.latencies, first, this.count, at, this.rule.predictionHorizon, this);
    const holds = isDegradationForecast(trend, this.rule);
    const rising = holds && !this.raised && trend !== undefined;
    this.raised = holds;
    if (!rising) return undefined;
    const { slopeMsPerSecond, rSquared, currentMs, projectedMs } = trend as LatencyTrend;
    return { slopeMsPerSecond, rSquared, currentMs, projectedMs, at, horizonMs: this.rule.predictionHorizon };
  }
}

/** Windows up to this many samples are made whole at the first sample; a larger one starts this big. */
const PREALLOCATE_UP_TO = 1024;

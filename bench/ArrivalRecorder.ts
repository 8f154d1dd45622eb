import { percentile } from './percentile';
import { sharedClockMicros } from './sharedClockMicros';

/** Send-to-server latencies of the orders received since the last summary. */
export interface ArrivalSummary {
  readonly count: number;
  /** `sharedClockMicros()` at the first and the last arrival, µs. */
  readonly firstAt: number;
  readonly lastAt: number;
  /** Latency quantiles, µs. */
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  /** The smallest latency, µs: negative only if the two processes do not share the clock. */
  readonly min: number;
  /** The server's own CPU time from the first arrival to the summary, per order, µs: is the server the ceiling? */
  readonly serverCpuMicrosPerMessage: number;
}

/**
 * The benchmark server's side of the outbound suite: for every order it receives, arrival time less
 * the send time the order carries (both `sharedClockMicros()`), kept in a growing typed array so that
 * recording costs the server next to nothing; `summary()` sorts them and starts afresh.
 *
 * @example
 * const recorder = new ArrivalRecorder();
 * ws.on('message', (data) => recorder.record(data.toString()));
 * recorder.summary(); // { count: 200000, p50: 310, p99: 1900, … }
 */
export class ArrivalRecorder {
  private latencies = new Float64Array(1 << 16);
  private count = 0;
  private firstAt = 0;
  private lastAt = 0;
  private cpuAtFirst: NodeJS.CpuUsage = { user: 0, system: 0 };

  /**
   * Records one order, `{"t":<µs>,…}` as text.
   *
   * @param text The frame's text.
   * @returns False if it is not an order (a command).
   */
  record(text: string): boolean {
    if (!text.startsWith('{"t":')) return false;
    const now = sharedClockMicros();
    const sentAt = Number(text.slice(5, text.indexOf(',', 5)));
    if (this.count === this.latencies.length) {
      const grown = new Float64Array(this.latencies.length * 2);
      grown.set(this.latencies);
      this.latencies = grown;
    }
    if (this.count === 0) {
      this.firstAt = now;
      this.cpuAtFirst = process.cpuUsage();
    }
    this.lastAt = now;
    this.latencies[this.count++] = now - sentAt;
    return true;
  }

  /**
   * The latencies recorded so far, summarised; the recorder is empty again afterwards.
   *
   * @returns Count, first and last arrival, quantiles.
   */
  summary(): ArrivalSummary {
    const cpu = process.cpuUsage(this.cpuAtFirst);
    const sorted = this.latencies.subarray(0, this.count).sort();
    const summary: ArrivalSummary = {
      count: this.count,
      firstAt: this.firstAt,
      lastAt: this.lastAt,
      p50: percentile(sorted, 0.5),
      p99: percentile(sorted, 0.99),
      p999: percentile(sorted, 0.999),
      max: sorted.length > 0 ? sorted[sorted.length - 1] : NaN,
      min: sorted.length > 0 ? sorted[0] : NaN,
      serverCpuMicrosPerMessage: (cpu.user + cpu.system) / this.count,
    };
    this.count = 0;
    return summary;
  }
}

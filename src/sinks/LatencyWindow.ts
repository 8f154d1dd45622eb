/**
 * The latency samples of one report period in bounded memory: exact count, min, max and mean, plus a
 * series for the sparkline. Past `capacity` points the series halves itself, each pair merged into
 * its larger value, and later samples are folded in that many at a time; so a long period with a
 * fast heartbeat costs at most `capacity` numbers, and a spike survives the folding.
 *
 * @example
 * const window = LatencyWindow.of([44, 47, 180]);
 * window.samples;  // 3
 * window.maxMs;    // 180
 */
export class LatencyWindow {
  /** Samples added. */
  samples = 0;
  minMs = Infinity;
  maxMs = -Infinity;
  sumMs = 0;
  private readonly points: number[] = [];
  private stride = 1;
  private pending = -Infinity;
  private pendingCount = 0;

  /** @param capacity The most series points kept (>= 2). Defaults to `4096`. */
  constructor(readonly capacity = 4096) {
    if (!Number.isInteger(capacity) || capacity < 2) {
      throw new RangeError(`LatencyWindow capacity must be a whole number >= 2, got ${String(capacity)}`);
    }
  }

  /** A window holding `values` (non-finite and negative ones skipped). */
  static of(values: Iterable<number>, capacity?: number): LatencyWindow {
    const window = new LatencyWindow(capacity);
    for (const value of values) window.add(value);
    return window;
  }

  /** Adds a sample in ms; non-finite and negative values are ignored. */
  add(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    this.samples++;
    this.sumMs += ms;
    if (ms < this.minMs) this.minMs = ms;
    if (ms > this.maxMs) this.maxMs = ms;
    this.pending = Math.max(this.pending, ms);
    if (++this.pendingCount < this.stride) return;
    this.points.push(this.pending);
    this.pending = -Infinity;
    this.pendingCount = 0;
    if (this.points.length >= this.capacity) this.halve();
  }

  /** The mean, or undefined without samples. */
  get averageMs(): number | undefined {
    return this.samples === 0 ? undefined : this.sumMs / this.samples;
  }

  /** The series, oldest first, including a partly folded last point. */
  series(): number[] {
    return this.pendingCount > 0 ? [...this.points, this.pending] : [...this.points];
  }

  private halve(): void {
    const merged: number[] = [];
    for (let i = 0; i < this.points.length; i += 2) {
      merged.push(Math.max(this.points[i] as number, this.points[i + 1] ?? -Infinity));
    }
    this.points.length = 0;
    this.points.push(...merged);
    this.stride *= 2;
  }
}

/**
 * The latency samples of one report period in bounded memory: exact count, min, max and mean, plus a
 * series for the sparkline. Past `capacity` points the series halves itself in place, each pair merged
 * into its larger value, and later samples are folded in that many at a time; so a long period with a
 * fast heartbeat costs at most `capacity` numbers, and a spike survives the folding. Adding a sample
 * is O(1) amortised (a halving touches `capacity` points once every `capacity / 2` points).
 *
 * `reports` keeps `2 × sparklineWidth` points per link, not a period's every sample: ten minutes at
 * 1 s heartbeats is 600 samples (some 5 KB per link), and the sparkline draws `sparklineWidth` bars
 * anyway. Up to `capacity` samples the series is every sample, so the bars are exactly those of
 * `sparkline(samples)`; past it each bar is the largest of one or two folded points, so the spans
 * of two bars differ by at most 2× where the exact chart's differ by one sample.
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
  /** The series' points: the first `count` are in use; halving shortens `count`, never the array. */
  private points: number[] = [];
  private count = 0;
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
    if (ms > this.pending) this.pending = ms;
    if (++this.pendingCount < this.stride) return;
    if (this.count === this.points.length) this.points = grown(this.points, this.capacity);
    this.points[this.count] = this.pending;
    this.count++;
    this.pending = -Infinity;
    this.pendingCount = 0;
    if (this.count >= this.capacity) this.halve();
  }

  /** The mean, or undefined without samples. */
  get averageMs(): number | undefined {
    return this.samples === 0 ? undefined : this.sumMs / this.samples;
  }

  /** The series, oldest first, including a partly folded last point. */
  series(): number[] {
    const series = this.points.slice(0, this.count);
    if (this.pendingCount > 0) series.push(this.pending);
    return series;
  }

  /**
   * Merges each pair of points into its larger value, in place: the array keeps its length, so the
   * next points overwrite slots already there instead of growing (and copying) it again.
   */
  private halve(): void {
    const points = this.points;
    const half = Math.ceil(this.count / 2);
    for (let i = 0; i < half; i++) {
      const right = 2 * i + 1 < this.count ? (points[2 * i + 1] as number) : -Infinity;
      points[i] = Math.max(points[2 * i] as number, right);
    }
    this.count = half;
    this.stride *= 2;
  }
}

/** Series points start this many; a series doubles from there, up to its capacity. */
const FIRST_POINTS = 8;

/**
 * `points` in a new array twice as long (at least `FIRST_POINTS`, at most `capacity`), the new
 * slots zero: grown exactly, as V8 grows an array pushed to by half again plus 16 slots, which for a
 * 64-point series reserves 103 (some 300 B per link for the life of the report).
 */
function grown(points: number[], capacity: number): number[] {
  const size = Math.min(capacity, Math.max(FIRST_POINTS, 2 * points.length));
  const next = new Array<number>(size).fill(0);
  for (let i = 0; i < points.length; i++) next[i] = points[i] as number;
  return next;
}

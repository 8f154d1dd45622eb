const BARS = '▁▂▃▄▅▆▇█';

/**
 * A one-line chart of a series, lowest value `▁`, highest `█`, so a latency trend is seen at a glance.
 * A series longer than `width` is bucketed, each bucket showing its largest value: a spike must not
 * be averaged away. A flat series is all `▁`; an empty one is `''`. Non-finite values are skipped.
 *
 * ```
 * values:  12 15 14 40 180 95 30 20
 * result:  ▁▁▁▂█▄▂▁
 * ```
 *
 * @example
 * sparkline([12, 15, 14, 40, 180, 95, 30, 20]); // '▁▁▁▂█▄▂▁'
 *
 * @param values The series, oldest first.
 * @param width The most characters to draw. Defaults to `32`.
 */
export function sparkline(values: readonly number[], width = 32): string {
  const buckets = sparklineBuckets(values, width);
  const min = Math.min(...buckets);
  const max = Math.max(...buckets);
  return buckets.map((value) => bar(value, min, max)).join('');
}

/** The values `sparkline` draws: the series itself, or the largest value of each of `width` buckets. */
export function sparklineBuckets(values: readonly number[], width = 32): number[] {
  const finite = values.filter(Number.isFinite);
  const size = Math.max(1, Math.floor(width));
  if (finite.length <= size) return finite;
  const buckets: number[] = [];
  for (let i = 0; i < size; i++) {
    const from = Math.floor((i * finite.length) / size);
    const to = Math.floor(((i + 1) * finite.length) / size);
    buckets.push(Math.max(...finite.slice(from, to)));
  }
  return buckets;
}

function bar(value: number, min: number, max: number): string {
  if (max === min) return BARS[0] as string;
  const level = Math.round(((value - min) / (max - min)) * (BARS.length - 1));
  return BARS[level] as string;
}

/**
 * The `p`-quantile (0–1) of `sorted` (ascending), by the nearest-rank method: a value that occurred.
 * NaN for an empty list.
 *
 * @example
 * percentile([1, 2, 3, 4], 0.5) // 2
 * percentile([1, 2, 3, 4], 0.99) // 4
 *
 * @param sorted Values in ascending order (a typed array is fine).
 * @param p The quantile, 0–1.
 * @returns The smallest value with at least `p` of the values at or below it.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

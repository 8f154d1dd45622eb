import type { FeedLagState } from './feedLag';

/** A feed's lag figures, for a report, a metric or a status line. */
export interface FeedLagFigures {
  /** Lag of the newest message, ms. */
  readonly lastMs: number;
  /** The smoothed lag (EWMA), ms. */
  readonly smoothedMs: number;
  /** The largest of the recent lags, ms. */
  readonly maxMs: number;
  /** The 95th percentile of the recent lags (nearest rank), ms. */
  readonly p95Ms: number;
  /** How many recent lags the max and p95 cover. */
  readonly recent: number;
  /** Whether the feed is stale for its lag: behind past `maxLag` for a sustained period, not yet caught up. */
  readonly stale: boolean;
}

/**
 * The figures of a `feedLag` state: last, smoothed, recent max and p95. Computed when read (a sort
 * of the recent window), not on every message, so read it on a tick or a report.
 *
 * p95 is the nearest rank: the smallest recent lag with at least 95 % of the recent lags at or
 * under it (with fewer than 20 lags, that is the max).
 *
 * @example
 * const state = [10, 20, 30, 40].reduce<FeedLagState | undefined>(
 *   (s, lag, i) => feedLag(s, { receivedAt: i * 100 + lag, eventTime: i * 100 }),
 *   undefined,
 * );
 * feedLagFigures(state!); // { lastMs: 40, smoothedMs: 20.48, maxMs: 40, p95Ms: 40, recent: 4, stale: false }
 *
 * @param state A state from `feedLag`; `undefined` (no message yet) gives `undefined`.
 * @returns The figures, or `undefined` before the first valid message.
 */
export function feedLagFigures(state: FeedLagState | undefined): FeedLagFigures | undefined {
  if (state === undefined || state.recent.length === 0) return undefined;
  const sorted = [...state.recent].sort((a, b) => a - b);
  return {
    lastMs: state.lastMs,
    smoothedMs: state.smoothedMs,
    maxMs: sorted[sorted.length - 1] as number,
    p95Ms: sorted[Math.ceil(0.95 * sorted.length) - 1] as number,
    recent: sorted.length,
    stale: state.stale,
  };
}

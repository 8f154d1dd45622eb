import type { FeedLagFigures } from './feedLagFigures';

/**
 * One feed's lag as a handle reports it (`feedLag$`, `snapshot().feedLag`, reports, metrics): the
 * figures of its `feedLag` state, with the feed's name and how many messages they rest on. Taken on
 * the sampling tick, not per message.
 */
export interface FeedLagReading extends FeedLagFigures {
  /** The watchdog's name, e.g. `'trades:BTC'`. */
  readonly feed: string;
  /** The bound past which the feed's lag makes it stale, ms. */
  readonly maxLagMs: number;
  /** Messages whose lag was folded (a busy feed's are sampled: at most one per `lagSampling`). */
  readonly samples: number;
  /** Messages whose exchange time was not a finite number, ignored. */
  readonly invalid: number;
}

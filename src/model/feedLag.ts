import { ConfigError } from './ConfigError';
import type { ClockOffsetEstimate } from './clockOffset';

/** One message of a feed: when we received it (local clock) and the exchange's event time in it, epoch ms. */
export interface FeedLagSample {
  readonly receivedAt: number;
  readonly eventTime: number;
}

export interface FeedLagConfig {
  /** Milliseconds of lag past which the feed is behind. Defaults to `1000`. */
  readonly maxLag?: number;
  /** Milliseconds of lag at or under which a stale feed has caught up (the hysteresis). Defaults to `maxLag / 2`. */
  readonly recoverLag?: number;
  /**
   * Milliseconds the lag must stay past `maxLag`, message after message, before the feed is stale;
   * a gap between two messages longer than this restarts the count. Defaults to `3000`.
   */
  readonly sustain?: number;
  /** Consecutive messages past `maxLag` needed to go stale, and at or under `recoverLag` to recover. Defaults to `3`. */
  readonly minSamples?: number;
  /** Weight of the newest lag in the smoothed figure (an EWMA), in (0, 1]. Defaults to `0.2`. */
  readonly smoothing?: number;
  /** Recent lags kept for the max and p95 figures. Defaults to `64`. */
  readonly window?: number;
}

/** A feed's lag, folded message by message. Start from `undefined`. */
export interface FeedLagState {
  /** Lag of the newest message, ms: `receivedAt + offsetMs − eventTime`. */
  readonly lastMs: number;
  /** Exponentially weighted moving average of the lag, ms. */
  readonly smoothedMs: number;
  /** The last `window` lags, oldest first. */
  readonly recent: readonly number[];
  /** Messages folded in (invalid ones excluded). */
  readonly samples: number;
  /** Messages ignored for a non-finite time. */
  readonly invalid: number;
  /** Whether the feed is stale: behind for a sustained period, and not yet caught up. */
  readonly stale: boolean;
  /** Local receive time of the message that made it stale. */
  readonly staleSince: number | undefined;
  /** What the newest message changed: `'stale'` when it made the feed stale, `'recovered'` when it caught up. */
  readonly change: 'stale' | 'recovered' | undefined;
  /** The current run of messages past `maxLag` (while fresh) or at or under `recoverLag` (while stale). */
  readonly run: { readonly since: number; readonly count: number } | undefined;
  /** Local receive time of the newest message. */
  readonly lastAt: number;
}

/**
 * A feed's lag from the exchange's own timestamps, as a pure reducer: fold each message's receive
 * time and event time in with `scan`, read the figures (see `feedLagFigures`) and `stale`.
 *
 * - **Lag** = receive time − exchange event time, with the receive time moved onto the exchange's
 *   clock by the clock offset (`clockOffset`): `lag = receivedAt + offsetMs − eventTime`. A local
 *   clock 2 s fast adds no lag.
 * - **Smoothed**: an EWMA, `smoothed ← smoothed + smoothing × (lag − smoothed)`, seeded with the
 *   first lag. **Recent max and p95** come from the last `window` lags.
 * - **Stale** (hysteresis): the judged lag is `lag − uncertaintyMs`, the smallest lag the clock
 *   estimate allows. A fresh feed goes stale when at least `minSamples` consecutive messages are
 *   judged past `maxLag` and the run spans at least `sustain` ms; one message at or under `maxLag`
 *   ends the run, and so does a gap between messages longer than `sustain`. A stale feed recovers
 *   after `minSamples` consecutive messages at or under `recoverLag`.
 *
 * Gotchas: one spike never makes a feed stale, and neither do isolated late messages on a quiet
 * feed (the gap rule). A feed that goes silent is not judged at all: silence is the feed
 * watchdog's business (`watchdogs`), lag is about messages that do arrive, late. Negative lags
 * (an event time ahead of our corrected clock, within the clock's uncertainty) are kept as they are.
 * Each message copies the `window` (64 numbers by default): on a very busy feed, fold a sample of
 * its messages.
 *
 * ```
 * lag (ms): 40    2500  40    40    2600  2700  2800  2900  300   200   100   40
 * change:   ·     ·     ·     ·     ·     ·     stale ·     ·     ·     recov ·
 *           (maxLag 1000, recoverLag 500, minSamples 3, sustain 200 ms, a message every 100 ms:
 *            the lone 2500 is a spike; 2600–2800 span 200 ms; 300 is not yet ≤ 500 ×3 until 100)
 * ```
 *
 * @example
 * let lag: FeedLagState | undefined;
 * lag = feedLag(lag, { receivedAt: 10_050, eventTime: 10_000 }, { maxLag: 1000 });
 * lag.lastMs; // 50
 * // The local clock is 2 s ahead of the exchange (offset −2000 ± 5):
 * lag = feedLag(lag, { receivedAt: 12_100, eventTime: 10_050 }, {}, { offsetMs: -2000, uncertaintyMs: 5 });
 * lag.lastMs; // 50
 *
 * @param state The previous state, `undefined` to start.
 * @param sample One message's receive and event times.
 * @param config Bound, hysteresis, sustain, smoothing and window.
 * @param offset The exchange clock's offset from ours (`clockOffset(...).estimate`); none means the clocks agree.
 * @returns The next state.
 * @throws ConfigError for a bound, sustain or window out of range, or `recoverLag` above `maxLag`.
 */
export function feedLag(
  state: FeedLagState | undefined,
  sample: FeedLagSample,
  config: FeedLagConfig = {},
  offset?: Pick<ClockOffsetEstimate, 'offsetMs' | 'uncertaintyMs'>,
): FeedLagState {
  const {
    maxLag = 1000,
    recoverLag = maxLag / 2,
    sustain = 3000,
    minSamples = 3,
    smoothing = 0.2,
    window = 64,
  } = config;
  check(maxLag, recoverLag, sustain, minSamples, smoothing, window);
  const { receivedAt, eventTime } = sample;
  const { offsetMs = 0, uncertaintyMs = 0 } = offset ?? {};
  const lag = receivedAt + offsetMs - eventTime;
  if (!Number.isFinite(lag) || !Number.isFinite(receivedAt)) {
    return state === undefined
      ? { ...initial(receivedAt), invalid: 1 }
      : { ...state, invalid: state.invalid + 1, change: undefined };
  }
  const previous = state ?? initial(receivedAt);
  const judged = lag - uncertaintyMs;
  const first = previous.samples === 0;
  const counts = previous.stale ? judged <= recoverLag : judged > maxLag;
  const gapTooLong = !first && receivedAt - previous.lastAt > sustain;
  const run = !counts
    ? undefined
    : previous.run === undefined || (!previous.stale && gapTooLong)
      ? { since: receivedAt, count: 1 }
      : { since: previous.run.since, count: previous.run.count + 1 };
  const flips = run !== undefined && run.count >= minSamples && (previous.stale || receivedAt - run.since >= sustain);
  const stale = flips ? !previous.stale : previous.stale;
  return {
    lastMs: lag,
    smoothedMs: first ? lag : previous.smoothedMs + smoothing * (lag - previous.smoothedMs),
    recent: [...previous.recent.slice(Math.max(0, previous.recent.length + 1 - window)), lag],
    samples: previous.samples + 1,
    invalid: previous.invalid,
    stale,
    staleSince: flips ? (stale ? receivedAt : undefined) : previous.staleSince,
    change: flips ? (stale ? 'stale' : 'recovered') : undefined,
    run: flips ? undefined : run,
    lastAt: receivedAt,
  };
}

function initial(at: number): FeedLagState {
  return {
    lastMs: 0,
    smoothedMs: 0,
    recent: [],
    samples: 0,
    invalid: 0,
    stale: false,
    staleSince: undefined,
    change: undefined,
    run: undefined,
    lastAt: at,
  };
}

function check(
  maxLag: number,
  recoverLag: number,
  sustain: number,
  minSamples: number,
  smoothing: number,
  window: number,
): void {
  if (!(maxLag > 0 && Number.isFinite(maxLag))) throw new ConfigError('maxLag', maxLag, 'finite milliseconds, > 0');
  if (!(recoverLag >= 0 && recoverLag <= maxLag)) {
    throw new ConfigError('recoverLag', recoverLag, `milliseconds from 0 to maxLag (${maxLag})`);
  }
  if (!(sustain >= 0 && Number.isFinite(sustain)))
    throw new ConfigError('sustain', sustain, 'finite milliseconds, >= 0');
  if (!Number.isSafeInteger(minSamples) || minSamples < 1) {
    throw new ConfigError('minSamples', minSamples, 'a positive integer');
  }
  if (!(smoothing > 0 && smoothing <= 1)) throw new ConfigError('smoothing', smoothing, 'a weight in (0, 1]');
  if (!Number.isSafeInteger(window) || window < 1) throw new ConfigError('window', window, 'a positive integer');
}

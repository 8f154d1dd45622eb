import { ConfigError } from './ConfigError';

/**
 * One request/reply round trip whose reply carries the server's time, in epoch milliseconds:
 * `t0` local send, `t1` server receive, `t2` server send, `t3` local receive. A reply carrying a
 * single server time (most exchanges: `serverTime`, `ts`) gives it as both `t1` and `t2`.
 */
export interface ClockSample {
  readonly t0: number;
  readonly t1: number;
  readonly t2: number;
  readonly t3: number;
}

/** A sample with its NTP figures (RFC 5905 §8). */
export interface MeasuredClockSample extends ClockSample {
  /** `((t1 − t0) + (t2 − t3)) / 2`: server clock minus local clock, as this round trip saw it. */
  readonly offsetMs: number;
  /** `(t3 − t0) − (t2 − t1)`: time on the wire, both ways (the server's own time excluded). */
  readonly delayMs: number;
}

/** The estimate: how far the exchange's clock is ahead of ours, and how sure we are. */
export interface ClockOffsetEstimate {
  /** Server clock minus local clock, ms: exchange time ≈ `scheduler.now() + offsetMs`. */
  readonly offsetMs: number;
  /** The true offset lies within `offsetMs ± uncertaintyMs`: half the chosen round trip, plus the server's resolution. */
  readonly uncertaintyMs: number;
  /** Round-trip delay of the chosen sample, ms. */
  readonly delayMs: number;
  /** Local receive time (`t3`) of the chosen sample. */
  readonly at: number;
  /** Samples in the window. */
  readonly samples: number;
  /** `true` when the clocks certainly differ by more than `maxOffset`: `|offsetMs| − uncertaintyMs > maxOffset`. */
  readonly pastBound: boolean;
}

/** The estimator's state: the recent samples and the estimate they give. Start from `undefined`. */
export interface ClockOffsetState {
  /** The last `window` valid samples, oldest first. */
  readonly window: readonly MeasuredClockSample[];
  /** `undefined` until the first valid sample. */
  readonly estimate: ClockOffsetEstimate | undefined;
  /** Samples ignored as impossible (a negative round trip, a reply before its request, a non-finite time). */
  readonly rejected: number;
}

export interface ClockOffsetConfig {
  /** Round trips kept; the estimate comes from the one with the smallest delay among them. Defaults to `8`. */
  readonly window?: number;
  /**
   * Milliseconds the clocks may differ by before `pastBound` is raised (e.g. an exchange's
   * `recvWindow`). Defaults to `1000`.
   */
  readonly maxOffset?: number;
  /**
   * Milliseconds of the server's timestamps' resolution (`1` for integer milliseconds, `1000` for
   * seconds), added to the uncertainty. Defaults to `1`.
   */
  readonly resolution?: number;
}

/**
 * The clock-offset estimator, NTP-style (RFC 5905's clock filter), as a pure reducer over round
 * trips: fold samples in with `scan`, read `state.estimate`.
 *
 * For each sample, `offset = ((t1 − t0) + (t2 − t3)) / 2` and `delay = (t3 − t0) − (t2 − t1)`.
 * Whatever the split of the round trip between the two directions, the true offset lies within
 * `offset ± delay / 2`: with one-way delays `d↑`, `d↓` and a server ahead by `S`,
 * `offset = S + (d↑ − d↓) / 2` and `delay = d↑ + d↓`. So the estimate is the sample with the
 * smallest delay in the last `window` samples (the one least disturbed by queueing), and its
 * uncertainty is `delay / 2 + resolution`. `pastBound` says the clocks certainly differ by more than
 * `maxOffset`: sign with `now + offsetMs`, or fix the host's clock.
 *
 * Gotchas: a sample with a negative delay (beyond the resolution) or a non-finite time is
 * impossible (a clock stepped during the round trip, or the reply was matched to the wrong request)
 * and is counted in `rejected`, not used; a negative delay within the resolution counts as 0. Timestamps are whatever clock the caller reads: take `t0`/`t3` from the same
 * `scheduler.now()`. The default resolution of 1 ms covers integer-millisecond timestamps at both
 * ends (each floored time moves the bound by less than the 1 ms added). A fresh minimum-delay sample replaces an older one only while the older is
 * still in the window, so a local clock that steps is followed within `window` samples.
 *
 * ```
 * samples:  a(delay 40, offset +510)  b(delay 8, offset +502)  c(delay 30, offset +495)
 * estimate: +510 ± 21                 +502 ± 5                 +502 ± 5       (resolution 1)
 * ```
 *
 * @example
 * let state: ClockOffsetState | undefined;
 * state = clockOffset(state, { t0: 1000, t1: 1508, t2: 1508, t3: 1016 });
 * state.estimate; // { offsetMs: 500, uncertaintyMs: 9, delayMs: 16, at: 1016, samples: 1, pastBound: false }
 *
 * @param state The previous state, `undefined` to start.
 * @param sample One round trip.
 * @param config Window, bound and resolution.
 * @returns The next state.
 * @throws ConfigError for a window that is not a positive integer, or a negative bound or resolution.
 */
export function clockOffset(
  state: ClockOffsetState | undefined,
  sample: ClockSample,
  config: ClockOffsetConfig = {},
): ClockOffsetState {
  const { window = 8, maxOffset = 1000, resolution = 1 } = config;
  if (!Number.isSafeInteger(window) || window < 1) throw new ConfigError('window', window, 'a positive integer');
  if (!(maxOffset >= 0)) throw new ConfigError('maxOffset', maxOffset, 'milliseconds, >= 0');
  if (!(resolution >= 0 && Number.isFinite(resolution))) {
    throw new ConfigError('resolution', resolution, 'finite milliseconds, >= 0');
  }
  const previous = state ?? { window: [], estimate: undefined, rejected: 0 };
  const { t0, t1, t2, t3 } = sample;
  const rawDelay = t3 - t0 - (t2 - t1);
  // A round trip shorter than zero by more than rounding (the resolution, plus a microsecond of
  // floating-point noise) cannot happen; within it, it is a round trip too short to measure.
  if (![t0, t1, t2, t3].every(Number.isFinite) || t3 < t0 || t2 < t1 || rawDelay < -resolution - 1e-3) {
    return { ...previous, rejected: previous.rejected + 1 };
  }
  const delayMs = Math.max(0, rawDelay);
  const measured: MeasuredClockSample = { t0, t1, t2, t3, offsetMs: (t1 - t0 + (t2 - t3)) / 2, delayMs };
  const kept = [...previous.window.slice(Math.max(0, previous.window.length + 1 - window)), measured];
  // The smallest delay wins; among equals the newest, so a stepped clock is followed.
  const best = kept.reduce((chosen, candidate) => (candidate.delayMs <= chosen.delayMs ? candidate : chosen));
  const uncertaintyMs = best.delayMs / 2 + resolution;
  return {
    window: kept,
    estimate: {
      offsetMs: best.offsetMs,
      uncertaintyMs,
      delayMs: best.delayMs,
      at: best.t3,
      samples: kept.length,
      pastBound: Math.abs(best.offsetMs) - uncertaintyMs > maxOffset,
    },
    rejected: previous.rejected,
  };
}

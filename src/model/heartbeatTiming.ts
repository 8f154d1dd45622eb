/** When to ping and how long a silence may last; the output of the adaptive-heartbeat maths. */
export interface HeartbeatTiming {
  /** Milliseconds between pings now. */
  readonly intervalMs: number;
  /** Milliseconds without a pong or any data after which the link is declared dead. */
  readonly timeoutMs: number;
  /** Smoothed round-trip time (RFC 6298), once measured. */
  readonly srttMs?: number;
  /** Round-trip variation (RFC 6298), once measured. */
  readonly rttVarMs?: number;
  /** The latest quality judgement fed back in. */
  readonly poor: boolean;
}

/** The settings the adaptive heartbeat and the dynamic timeout work from (a subset of `LifelineConfig`), in ms. */
export interface HeartbeatTimingConfig {
  /** The base (and longest) ping interval, ms. */
  readonly heartbeatInterval: number;
  /** The configured timeout: the floor the dynamic timeout never goes under, ms. */
  readonly heartbeatTimeout: number;
  /** Shorten the interval under stress, relax it back when stable. */
  readonly adaptiveHeartbeat: boolean;
  /** Grow the timeout with measured latency. */
  readonly dynamicTimeout: boolean;
  /** The latency warning threshold, ms: stress and calm are judged against it. */
  readonly latencyWarning: number;
}

/** What moves the timing: a round trip, a lost ping, or the quality judgement. */
export type HeartbeatFeedback =
  | { readonly kind: 'rtt'; readonly rttMs: number }
  | { readonly kind: 'lost' }
  | { readonly kind: 'quality'; readonly poor: boolean };

/**
 * The heartbeat timing a new socket starts from: the configured interval and timeout, quality not poor.
 *
 * @example
 * initialHeartbeatTiming({
 *   heartbeatInterval: 30_000,
 *   heartbeatTimeout: 60_000,
 *   adaptiveHeartbeat: true,
 *   dynamicTimeout: true,
 *   latencyWarningMs: 1000,
 * });
 * // { intervalMs: 30000, timeoutMs: 60000, poor: false }
 *
 * @param config The heartbeat settings, in ms.
 * @returns The starting timing for `nextHeartbeatTiming`.
 */
export function initialHeartbeatTiming(config: HeartbeatTimingConfig): HeartbeatTiming {
  return { intervalMs: config.heartbeatInterval, timeoutMs: config.heartbeatTimeout, poor: false };
}

/**
 * The adaptive heartbeat (seed: `adjust_heartbeat_interval`) and dynamic timeout.
 *
 * - Stress halves the interval, down to a quarter of the base: a round trip of at least half the
 *   latency warning (500 ms by default), a lost ping, or quality turning poor.
 * - Calm relaxes it by half again, up to the base: a round trip under a quarter of the warning
 *   (250 ms) while quality is not poor. Anything between holds the interval.
 * - Timeout = max(heartbeatTimeout, interval + SRTT + 4 × RTTVAR): the longest gap one ping and its
 *   answer should take, with TCP's retransmission-timeout margin (RFC 6298), never below the floor
 *   and never above 10 × the floor, so absurd round trips cannot keep a dead link "alive" forever.
 */
export function nextHeartbeatTiming(
  timing: HeartbeatTiming,
  feedback: HeartbeatFeedback,
  config: HeartbeatTimingConfig,
): HeartbeatTiming {
  if (feedback.kind === 'rtt' && !isRoundTrip(feedback.rttMs)) return timing;
  const { intervalMs, timeoutMs, srttMs, rttVarMs, poor } = timing;
  const next: MutableHeartbeatTiming = { intervalMs, timeoutMs, srttMs, rttVarMs, poor };
  foldHeartbeatTiming(next, feedback, config);
  return next;
}

/** A timing a monitor folds in place (see `HeartbeatClock`). */
interface MutableHeartbeatTiming {
  intervalMs: number;
  timeoutMs: number;
  srttMs: number | undefined;
  rttVarMs: number | undefined;
  poor: boolean;
}

const isRoundTrip = (rttMs: number): boolean => Number.isFinite(rttMs) && rttMs >= 0;

/** `nextHeartbeatTiming`'s step, written into `timing` (an invalid round trip changes nothing). */
function foldHeartbeatTiming(
  timing: MutableHeartbeatTiming,
  feedback: HeartbeatFeedback,
  config: HeartbeatTimingConfig,
): void {
  let { intervalMs, srttMs, rttVarMs, poor } = timing;
  let stressed = false;
  let calm = false;
  switch (feedback.kind) {
    case 'rtt': {
      const rtt = feedback.rttMs;
      if (!isRoundTrip(rtt)) return;
      if (srttMs === undefined || rttVarMs === undefined) {
        srttMs = rtt;
        rttVarMs = rtt / 2;
      } else {
        rttVarMs = 0.75 * rttVarMs + 0.25 * Math.abs(srttMs - rtt);
        srttMs = 0.875 * srttMs + 0.125 * rtt;
      }
      stressed = rtt >= config.latencyWarning / 2;
      calm = rtt < config.latencyWarning / 4 && !poor;
      break;
    }
    case 'lost':
      stressed = true;
      break;
    case 'quality':
      stressed = feedback.poor && !poor;
      poor = feedback.poor;
      break;
  }
  if (config.adaptiveHeartbeat) {
    const floor = config.heartbeatInterval / 4;
    if (stressed) intervalMs = Math.max(floor, intervalMs / 2);
    else if (calm) intervalMs = Math.min(config.heartbeatInterval, intervalMs * 1.5);
  }
  const rto = srttMs === undefined || rttVarMs === undefined ? 0 : srttMs + 4 * rttVarMs;
  timing.timeoutMs = config.dynamicTimeout
    ? Math.min(10 * config.heartbeatTimeout, Math.max(config.heartbeatTimeout, intervalMs + rto))
    : config.heartbeatTimeout;
  timing.intervalMs = intervalMs;
  timing.srttMs = srttMs;
  timing.rttVarMs = rttVarMs;
  timing.poor = poor;
}

/**
 * One socket's heartbeat timing, folded in place: `nextHeartbeatTiming`'s maths, with no new object
 * per round trip (a link folds one per pong, and a timing with its two smoothed doubles is ~100 B).
 *
 * @example
 * const clock = new HeartbeatClock(config);
 * clock.feed({ kind: 'rtt', rttMs: 40 }, config);
 * clock.srttMs; // 40
 */
export class HeartbeatClock implements HeartbeatTiming, MutableHeartbeatTiming {
  intervalMs: number;
  timeoutMs: number;
  srttMs: number | undefined = undefined;
  rttVarMs: number | undefined = undefined;
  poor = false;

  constructor(config: HeartbeatTimingConfig) {
    this.intervalMs = config.heartbeatInterval;
    this.timeoutMs = config.heartbeatTimeout;
  }

  /** Folds one piece of feedback, as `nextHeartbeatTiming` would. */
  feed(feedback: HeartbeatFeedback, config: HeartbeatTimingConfig): void {
    foldHeartbeatTiming(this, feedback, config);
  }
}

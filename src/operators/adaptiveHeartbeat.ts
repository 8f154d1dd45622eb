import { OperatorFunction, distinctUntilChanged, scan, startWith } from 'rxjs';
import {
  HeartbeatFeedback,
  HeartbeatTiming,
  HeartbeatTimingConfig,
  initialHeartbeatTiming,
  nextHeartbeatTiming,
} from '../model/heartbeatTiming';

/**
 * Turns heartbeat feedback (round trips, lost pings, quality judgements) into the ping interval and
 * silence timeout to use now: the seed's adaptive heartbeat and dynamic timeout.
 *
 * ```
 * feedback:  ----r----l-----q----
 * result:    i---a----b-----c----     (i = the configured timing; a new value only when interval or timeout moves)
 * ```
 *
 * Starts with the configured timing so a consumer always has one. Stress (a round trip of at least
 * half the latency warning, a lost ping, quality turning poor) halves the interval down to a quarter
 * of the base; calm relaxes it back. The timeout tracks `interval + SRTT + 4 × RTTVAR`, never below
 * the configured floor (see `nextHeartbeatTiming` for the exact rules).
 *
 * @example
 * feedback$.pipe(adaptiveHeartbeat({ heartbeatInterval: 30000, heartbeatTimeout: 60000,
 *   adaptiveHeartbeat: true, dynamicTimeout: true, latencyWarning: 1000 }))
 * // { kind: 'rtt', rttMs: 800 } → { intervalMs: 15000, timeoutMs: 60000, … }
 *
 * @param config The base interval, the timeout floor, the switches and the latency warning.
 * @returns An operator from feedback to timings, distinct by interval and timeout.
 */
export function adaptiveHeartbeat(config: HeartbeatTimingConfig): OperatorFunction<HeartbeatFeedback, HeartbeatTiming> {
  const initial = initialHeartbeatTiming(config);
  return (feedback$) =>
    feedback$.pipe(
      scan(
        (timing: HeartbeatTiming, feedback: HeartbeatFeedback) => nextHeartbeatTiming(timing, feedback, config),
        initial,
      ),
      startWith(initial),
      distinctUntilChanged((a, b) => a.intervalMs === b.intervalMs && a.timeoutMs === b.timeoutMs),
    );
}

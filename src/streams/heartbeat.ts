import { Observable, SchedulerAction, SchedulerLike, Subject, asyncScheduler } from 'rxjs';
import {
  HeartbeatFeedback,
  HeartbeatTiming,
  HeartbeatTimingConfig,
  initialHeartbeatTiming,
} from '../model/heartbeatTiming';
import { adaptiveHeartbeat } from '../operators/adaptiveHeartbeat';

/** What the heartbeat needs from an open link. */
export interface HeartbeatTarget {
  /** Sends one ping: a protocol ping frame or the application ping message. */
  ping(): void;
  /** Answers to pings. */
  readonly pongs$: Observable<unknown>;
  /** Scheduler time of the last sign of life: any inbound data or pong. */
  lastActivityAt(): number;
}

export interface HeartbeatOptions extends HeartbeatTimingConfig {
  /** The quality judgement, fed back into the adaptive interval. Optional. */
  readonly poor$?: Observable<boolean>;
}

/** One heartbeat observation. */
export type HeartbeatSample =
  /** A pong answered the outstanding ping after `rttMs`. */
  | { readonly kind: 'rtt'; readonly rttMs: number; readonly timing: HeartbeatTiming }
  /** The previous ping was still unanswered when the next one was due. */
  | { readonly kind: 'lost'; readonly timing: HeartbeatTiming }
  /** Nothing, neither pong nor data, for `silentMs` >= `timeoutMs`: the link is dead. Last value. */
  | { readonly kind: 'timeout'; readonly silentMs: number; readonly timeoutMs: number };

/**
 * Pings an open link every interval and watches for silence.
 *
 * ```
 * pings:     ----p---p---p---p--       (interval 4, timeout 10, adaptiveHeartbeat and dynamicTimeout off)
 * pongs$:    -----x---x---------
 * result:    -----r---r------l--(t|)   (r = rtt; l = lost: the ping at 12 had no pong by 16;
 *                                       t = timeout: no pong or data since 9, for 10)
 * ```
 *
 * Liveness is any sign of life: a pong or any inbound data (`lastActivityAt`). A link whose pongs
 * are lost while data still flows is alive (losses count against quality); a link whose data has
 * gone quiet while pongs flow is alive too. Only total silence for the timeout ends it: that is how
 * a half-open TCP connection, which never closes by itself, is found. The deadline is checked
 * lazily, one timer at a time, so the per-message path only stores a timestamp.
 *
 * @example
 * heartbeat(target, { heartbeatInterval: 30000, heartbeatTimeout: 60000, adaptiveHeartbeat: true,
 *   dynamicTimeout: true, latencyWarningMs: 1000 })
 * // { kind: 'rtt', rttMs: 42, timing } … { kind: 'timeout', silentMs: 60000, timeoutMs: 60000 } then complete
 *
 * @param target The link to ping.
 * @param options Interval, timeout and the adaptive switches.
 * @param scheduler Schedules pings and deadlines. Defaults to `asyncScheduler`.
 */
export function heartbeat(
  target: HeartbeatTarget,
  options: HeartbeatOptions,
  scheduler: SchedulerLike = asyncScheduler,
): Observable<HeartbeatSample> {
  return new Observable<HeartbeatSample>((subscriber) => {
    const adjustments = new Subject<HeartbeatFeedback>();
    let timing = initialHeartbeatTiming(options);
    let pingSentAt: number | undefined;

    const subscription = adjustments.pipe(adaptiveHeartbeat(options)).subscribe((next) => (timing = next));
    // Errors from the target or its streams end the heartbeat; thrown inside a scheduled action they
    // would escape to the scheduler instead, crashing the process and cancelling unrelated timers.
    const fail = (error: unknown): void => subscriber.error(error);
    if (options.poor$) {
      subscription.add(
        options.poor$.subscribe({ next: (poor) => adjustments.next({ kind: 'quality', poor }), error: fail }),
      );
    }
    subscription.add(
      target.pongs$.subscribe({
        next: () => {
          if (pingSentAt === undefined) return;
          const rttMs = scheduler.now() - pingSentAt;
          pingSentAt = undefined;
          adjustments.next({ kind: 'rtt', rttMs });
          subscriber.next({ kind: 'rtt', rttMs, timing });
        },
        error: fail,
      }),
    );
    subscription.add(
      scheduler.schedule(function (this: SchedulerAction<void>) {
        try {
          if (pingSentAt !== undefined) {
            adjustments.next({ kind: 'lost' });
            subscriber.next({ kind: 'lost', timing });
            // The consumer may have unsubscribed on that sample: then no more pings.
            if (subscriber.closed) return;
          }
          pingSentAt = scheduler.now();
          target.ping();
        } catch (error) {
          return fail(error);
        }
        this.schedule(undefined, timing.intervalMs);
      }, timing.intervalMs),
    );
    subscription.add(
      scheduler.schedule(function (this: SchedulerAction<void>) {
        let silentMs: number;
        try {
          silentMs = scheduler.now() - target.lastActivityAt();
        } catch (error) {
          return fail(error);
        }
        if (silentMs >= timing.timeoutMs) {
          subscriber.next({ kind: 'timeout', silentMs, timeoutMs: timing.timeoutMs });
          subscriber.complete();
        } else {
          this.schedule(undefined, timing.timeoutMs - silentMs);
        }
      }, timing.timeoutMs),
    );
    return subscription;
  });
}

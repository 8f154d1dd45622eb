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
  /** Sends ping number `id`: a protocol ping frame carrying it, or the application ping message. */
  ping(id: number): void;
  /**
   * Answers to pings: the echoed ping id where the protocol carries one (WebSocket ping frames do),
   * or `undefined`, matched to the oldest ping in flight (application pongs).
   */
  readonly pongs$: Observable<number | undefined>;
  /** Scheduler time of the last sign of life, any inbound data or pong, as known when asked. */
  lastActivityAt(): number;
}

/** The heartbeat's settings (ms) and the quality judgement it adapts to. */
export interface HeartbeatOptions extends HeartbeatTimingConfig {
  /** The quality judgement, fed back into the adaptive interval. Optional. */
  readonly poor$?: Observable<boolean>;
  /**
   * Also ping at once on subscribe: a link just opened learns its round trip (and that its outbound
   * path works) without waiting a whole interval. Defaults to `false`.
   */
  readonly pingOnStart?: boolean;
}

/** One heartbeat observation. */
export type HeartbeatSample =
  /** A pong answered a ping in flight after `rttMs`. */
  | { readonly kind: 'rtt'; readonly rttMs: number; readonly timing: HeartbeatTiming }
  /** A ping was given up: a later one was answered first, or it went unanswered for the timeout. */
  | { readonly kind: 'lost'; readonly timing: HeartbeatTiming }
  /** Nothing, neither pong nor data, for `silentMs` >= `timeoutMs`: the link is dead. Last value. */
  | { readonly kind: 'timeout'; readonly silentMs: number; readonly timeoutMs: number };

/** Pings in flight beyond this are given up oldest first; far more than any sane timeout / interval. */
const MAX_IN_FLIGHT = 64;

/**
 * Pings an open link every interval and watches for silence.
 *
 * ```
 * pings:     ----1---2---3---4---5--     (interval 4, timeout 10, adaptiveHeartbeat and dynamicTimeout off)
 * pongs$:    -----1-------3---------     (the pong for ping 2 never comes)
 * result:    -----r-------(lr)------(t|) (r = rtt 1; l = ping 2 lost: ping 3 was answered first;
 *                                         t = timeout: no pong or data since 13, for 10)
 * ```
 *
 * Each ping carries a sequence id. WebSocket pongs echo it, so a round trip longer than the
 * interval is still measured exactly; application pongs carry none and answer the oldest ping in
 * flight. A ping is lost when a later one is answered first (pongs come back in order) or when it
 * has gone unanswered for the timeout.
 *
 * Liveness is any sign of life: a pong or any inbound data (`lastActivityAt`). A link whose pongs
 * are lost while data still flows is alive (losses count against quality); a link whose data has
 * gone quiet while pongs flow is alive too. Only total silence for the timeout ends it: that is how
 * a half-open TCP connection, which never closes by itself, is found. The deadline is checked by
 * one timer at a time, at least every tenth of the timeout: the target may only know when it last
 * saw life as of when it is asked (connect()'s message path counts, it does not read the clock), so
 * a timeout is declared within 10 % of its exact time. A look that runs more than a quarter of the
 * timeout late (the process itself was stalled, and sent no pings meanwhile) sends a fresh ping and
 * looks again one interval later before declaring the link dead: a long handler or a GC pause must
 * not tear down a healthy link. A changed interval or timeout applies from the next ping or check
 * already scheduled.
 *
 * @example
 * heartbeat(target, { heartbeatInterval: 30000, heartbeatTimeout: 60000, adaptiveHeartbeat: true,
 *   dynamicTimeout: true, latencyWarning: 1000 })
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
    const inFlight: Array<{ readonly id: number; readonly sentAt: number }> = [];
    let lastId = 0;

    const subscription = adjustments.pipe(adaptiveHeartbeat(options)).subscribe((next) => (timing = next));
    // Errors from the target or its streams end the heartbeat; thrown inside a scheduled action they
    // would escape to the scheduler instead, crashing the process and cancelling unrelated timers.
    const fail = (error: unknown): void => subscriber.error(error);
    const lose = (): void => {
      adjustments.next({ kind: 'lost' });
      subscriber.next({ kind: 'lost', timing });
    };
    if (options.poor$) {
      subscription.add(
        options.poor$.subscribe({ next: (poor) => adjustments.next({ kind: 'quality', poor }), error: fail }),
      );
    }
    subscription.add(
      target.pongs$.subscribe({
        next: (id) => {
          const index = id === undefined ? 0 : inFlight.findIndex((ping) => ping.id === id);
          if (index < 0 || inFlight.length === 0) return;
          // Pongs come back in order: pings older than the one answered will never be.
          for (const _older of inFlight.splice(0, index)) {
            lose();
            if (subscriber.closed) return;
          }
          const answered = inFlight.shift() as { readonly sentAt: number };
          const rttMs = scheduler.now() - answered.sentAt;
          adjustments.next({ kind: 'rtt', rttMs });
          subscriber.next({ kind: 'rtt', rttMs, timing });
        },
        error: fail,
      }),
    );
    subscription.add(
      scheduler.schedule(function (this: SchedulerAction<void>) {
        try {
          const now = scheduler.now();
          while (inFlight.length > 0) {
            const oldest = inFlight[0] as { readonly sentAt: number };
            if (now - oldest.sentAt < timing.timeoutMs && inFlight.length < MAX_IN_FLIGHT) break;
            inFlight.shift();
            lose();
            // The consumer may have unsubscribed on that sample: then no more pings.
            if (subscriber.closed) return;
          }
          sendPing(now);
        } catch (error) {
          return fail(error);
        }
        this.schedule(undefined, timing.intervalMs);
      }, timing.intervalMs),
    );
    const sendPing = (now: number): void => {
      const id = ++lastId;
      inFlight.push({ id, sentAt: now });
      target.ping(id);
    };
    if (options.pingOnStart) {
      try {
        sendPing(scheduler.now());
      } catch (error) {
        fail(error);
        return subscription;
      }
    }
    // When the next deadline look is due, and whether the current silence already had a second look.
    let lookDueAt = scheduler.now() + timing.timeoutMs;
    let graced = false;
    subscription.add(
      scheduler.schedule(function (this: SchedulerAction<void>) {
        let silentMs: number;
        const now = scheduler.now();
        try {
          silentMs = now - target.lastActivityAt();
        } catch (error) {
          return fail(error);
        }
        if (silentMs >= timing.timeoutMs) {
          // A look that runs late means this process was stalled (a long handler, a GC pause): it sent
          // no pings meanwhile, so its silence proves nothing. Ping now and give the pong an interval.
          if (!graced && now - lookDueAt > timing.timeoutMs / 4) {
            graced = true;
            lookDueAt = now + timing.intervalMs;
            try {
              sendPing(now);
            } catch (error) {
              return fail(error);
            }
            this.schedule(undefined, timing.intervalMs);
            return;
          }
          subscriber.next({ kind: 'timeout', silentMs, timeoutMs: timing.timeoutMs });
          subscriber.complete();
        } else {
          // Look again at the deadline, or within a tenth of the timeout if that is sooner: a target
          // may stamp activity when it is asked (see DataMeter), so looking often bounds the error.
          const delay = Math.min(timing.timeoutMs - silentMs, timing.timeoutMs / 10);
          graced = false;
          lookDueAt = now + delay;
          this.schedule(undefined, delay);
        }
      }, timing.timeoutMs),
    );
    return subscription;
  });
}

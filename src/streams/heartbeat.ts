import { Observable, SchedulerLike, Subscription, asyncScheduler } from 'rxjs';
import { HeartbeatTimingConfig } from '../model/heartbeatTiming';
import { HeartbeatMonitor, HeartbeatMonitorConfig, StallClock } from './HeartbeatMonitor';
import { withFields } from '../model/withFields';

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
  /** Emits when bytes of ours that had waited drained into the kernel (outbound progress). Optional. */
  readonly progress$?: Observable<unknown>;
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
  /**
   * A ping unanswered this long, with no outbound progress, makes the outbound path unconfirmed (an
   * `outbound` sample). Milliseconds. Defaults to `Infinity`: never judged.
   */
  readonly pongTimeout?: number;
  /** The process's own stalls, taken out of round trips and silences. Defaults to none. */
  readonly stalls?: StallClock;
}

/** One heartbeat observation. */
export type HeartbeatSample =
  /** A pong answered a ping in flight after `rttMs`. */
  | { readonly kind: 'rtt'; readonly rttMs: number }
  /** A ping was given up: a later one was answered first, or it went unanswered for the timeout. */
  | { readonly kind: 'lost' }
  /** The outbound path became unconfirmed (no pong, no progress for `pongTimeout`), or confirmed again. */
  | { readonly kind: 'outbound'; readonly confirmed: boolean; readonly silentMs: number }
  /**
   * Silence for `silentMs` >= `timeoutMs`: nothing came in (`inbound`), or nothing went out while data
   * came in (`outbound`). The link is dead. Last value.
   */
  | {
      readonly kind: 'timeout';
      readonly silentMs: number;
      readonly timeoutMs: number;
      readonly direction: 'inbound' | 'outbound';
    };

/**
 * Pings an open link every interval and watches for silence, in both directions (see
 * `HeartbeatMonitor`, which it runs).
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
 * Inbound, any data or pong (`lastActivityAt`) is life, and total silence for the timeout ends the
 * link: that is how a half-open TCP connection, which never closes by itself, is found. Outbound,
 * only a pong or bytes of ours draining (`progress$`) prove the path: with `pongTimeout` set, a ping
 * unanswered that long makes the outbound path unconfirmed (data flowing in proves only the inbound
 * direction), and no pong and no progress for the whole timeout ends the link even while data flows
 * in. The process's own stalls (`stalls`) are taken out of round trips and silences; a look that
 * runs more than a quarter of the timeout late (the process itself was stalled, and sent no pings
 * meanwhile) sends a fresh ping and looks again one interval later before declaring the link dead.
 * A changed interval or timeout applies from the next ping.
 *
 * @example
 * heartbeat(target, { heartbeatInterval: 30000, heartbeatTimeout: 60000, adaptiveHeartbeat: true,
 *   dynamicTimeout: true, latencyWarning: 1000, pongTimeout: 5000 })
 * // { kind: 'rtt', rttMs: 42 } … { kind: 'timeout', silentMs: 60000, timeoutMs: 60000, direction: 'inbound' } then complete
 *
 * @param target The link to ping.
 * @param options Interval, timeouts and the adaptive switches.
 * @param scheduler Schedules pings and deadlines. Defaults to `asyncScheduler`.
 * @returns Round trips, losses, outbound judgements and, last, the timeout.
 */
export function heartbeat(
  target: HeartbeatTarget,
  options: HeartbeatOptions,
  scheduler: SchedulerLike = asyncScheduler,
): Observable<HeartbeatSample> {
  return new Observable<HeartbeatSample>((subscriber) => {
    const { poor$, pingOnStart, pongTimeout = Infinity, stalls } = options;
    // Errors from the target end the heartbeat; thrown inside a scheduled action they would escape
    // to the scheduler instead, crashing the process and cancelling unrelated timers.
    const guarded = (work: () => void): void => {
      try {
        work();
      } catch (error) {
        monitor.stop();
        subscriber.error(error);
      }
    };
    const link = {
      ping: (id: number) => guarded(() => target.ping(id)),
      lastActivityAt: () => {
        try {
          return target.lastActivityAt();
        } catch (error) {
          monitor.stop();
          subscriber.error(error);
          return scheduler.now();
        }
      },
    };
    const monitor = new HeartbeatMonitor(
      link,
      withFields(options as HeartbeatMonitorConfig, { pingOnStart, pongTimeout }),
      scheduler,
      {
        rtt: (rttMs) => subscriber.next({ kind: 'rtt', rttMs }),
        lost: () => subscriber.next({ kind: 'lost' }),
        outbound: (confirmed, silentMs) => subscriber.next({ kind: 'outbound', confirmed, silentMs }),
        timeout: (silentMs, timeoutMs, direction) => {
          subscriber.next({ kind: 'timeout', silentMs, timeoutMs, direction });
          subscriber.complete();
        },
      },
      stalls,
    );
    const fail = (error: unknown): void => {
      monitor.stop();
      subscriber.error(error);
    };
    const inputs = new Subscription();
    inputs.add(target.pongs$.subscribe({ next: (id) => monitor.pong(id), error: fail }));
    if (poor$) inputs.add(poor$.subscribe({ next: (poor) => monitor.quality(poor), error: fail }));
    if (target.progress$) inputs.add(target.progress$.subscribe({ next: () => monitor.progress(), error: fail }));
    if (!subscriber.closed) {
      monitor.start();
      inputs.add(() => monitor.stop());
    }
    return inputs;
  });
}

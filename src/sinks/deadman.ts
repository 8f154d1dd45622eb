import {
  Observable,
  ObservableInput,
  SchedulerLike,
  Subscription,
  Unsubscribable,
  asyncScheduler,
  isObservable,
} from 'rxjs';
import { ConfigError } from '../model/ConfigError';
import { DeadmanState } from '../model/deadmanState';
import { GateState } from '../model/gateState';
import { Duration, parseDuration } from '../model/parseDuration';
import { Connection } from '../streams/Connection';
import { DeadmanEvent } from './DeadmanEvent';
import { DeadmanSwitch, DeadmanSwitchOptions } from './DeadmanSwitch';
import { compactDuration } from './compactDuration';

/** What the switch watches: a `Connection`, or anything with its `ready$`. */
export type DeadmanSource = Pick<Connection, 'ready$'>;

/** How often the switch arms, what arming is, and when it stops counting as armed. */
export interface DeadmanConfig {
  /**
   * Time from the start of one arm to the start of the next, e.g. `'10s'`. Required. Keep the
   * exchange-side countdown your `arm` sets longer than `failAfter` (see there).
   */
  readonly every: Duration;
  /**
   * Pushes the exchange's cancel-all time forward: a REST or WebSocket request such as Hyperliquid's
   * `scheduleCancel` (time: now + countdown), Binance futures' `countdownCancelAll`, OKX's
   * `cancel-all-after` or Bybit's DCP window. Returns a Promise or an Observable: it succeeds when the
   * Promise resolves (the Observable emits or completes), and fails when it rejects, throws or errors,
   * or gives no answer within `timeout`. It must fail when the exchange refuses the request
   * (`link.request()` does, with a profile that knows the error shape). Required.
   */
  readonly arm: () => ObservableInput<unknown>;
  /**
   * How long after its last successful arm the switch still counts as armed, e.g. `'30s'`: a span of
   * time, not a count of failures, because the exchange's countdown is a span of time. Past it, the
   * gate the switch guards closes (reason `deadman`) until an arm succeeds again. Set the exchange-side
   * countdown longer than this, so the gate closes before the exchange could cancel under an open gate.
   * Must be longer than `every`. Defaults to 3 × `every` (two missed arms are tolerated, a third is not).
   */
  readonly failAfter?: Duration;
  /**
   * How long one arm may take before it counts as failed (an Observable is unsubscribed, a Promise is
   * left to settle unheard): a hung arm must not keep the switch armed. Defaults to `every`.
   */
  readonly timeout?: Duration;
  /** Time for every timer and timestamp. Defaults to `asyncScheduler`; pass a TestScheduler in marble specs. */
  readonly scheduler?: SchedulerLike;
}

/**
 * A running dead-man's switch: unsubscribe to stop it (it disarms, and the gate it guards closes). It is
 * an RxJS `Subscription`, so `subscription.add(dms)` stops it with the rest of a bot.
 */
export interface Deadman extends Unsubscribable {
  /** Whether the switch was stopped (unsubscribed, or its link closed). */
  readonly closed: boolean;
  /**
   * Whether the switch protects resting orders: an arm succeeded less than `failAfter` ago. False at
   * first; distinct values, the current one replayed; false, then complete, when the switch stops.
   */
  readonly armed$: Observable<boolean>;
  /** The whole state (arming, failures, last success, the timers it wants), replayed; completes when it stops. */
  readonly state$: Observable<DeadmanState>;
  /** Armed, arm failed, lapsed, stopped re-arming (see `DeadmanEvent`). Hot, not replayed. */
  readonly events$: Observable<DeadmanEvent>;
  /**
   * Makes the switch follow a trade gate: it arms only while the gate is open, settling or closed by
   * the switch itself, and stops the moment it closes for anything else. `tradeGate(link, { deadman })`
   * calls it; a gate of your own may too. One gate at a time; when the followed gate ends (or the
   * returned subscription is unsubscribed) the switch takes it as closed and stops arming.
   *
   * @param gate$ The gate's states; the latest one should be replayed on subscription.
   * @returns The following; unsubscribe to end it.
   * @throws ConfigError when another gate follows the switch already.
   */
  follow(gate$: Observable<GateState>): Subscription;
}

/**
 * A dead-man's switch on the exchange's cancel-all timer: while the link is ready and the trade gate is
 * open, calls `arm()` every `every` to push the exchange-side cancel time forward, and stops the moment
 * the gate closes, so if the bot or its link dies the exchange cancels its resting orders. A failed or
 * hung arm is an event; after `failAfter` without a successful arm the switch no longer counts as armed
 * and the gate closes (reason `deadman`); while the link is ready it keeps trying, and the gate reopens
 * (after its settle time) once an arm succeeds. The transitions are `nextDeadmanState`'s, a pure reducer.
 *
 * ```
 *            (one character: 5 ms; every 10, failAfter 35, settle 5; arms answer in 5, refused from 30 to 70)
 * arm():    aoaoaoaxaxaxaxaoao      (a an arm starts, o it succeeds, x it fails)
 * armed$:   ft----------f--t--
 * gate$:    dso---------d--so-      (d closed: deadman, s settling, o open)
 * events$:  -A-----F-F-FLF-A--      (A armed, F armFailed, L lapsed)
 * risk:     ------------P---R-      (the gate's tradingPaused, tradingResumed)
 * ```
 *
 * Before a gate follows it (`tradeGate(link, { deadman })`, or `follow`), the switch arms whenever the
 * link is ready. Arms never overlap; a restart after a pause waits out the rest of the period, so a
 * flapping gate cannot make it hammer the exchange. Its events go to `events$`, for the link's
 * audience: `logSink(merge(link.events$, riskEvents$, switch.events$), logger)`.
 *
 * @example
 * const link = connect({ ...hyperliquid(), url });
 * const dms = deadman(link, {
 *   every: '10s',
 *   failAfter: '30s',
 *   // the exchange cancels every resting order 60 s after the last arm
 *   arm: () => link.request(signed({ type: 'scheduleCancel', time: link.exchangeNow() + 60_000 })),
 * });
 * const { gate$ } = tradeGate(link, { deadman: dms });
 * dms.events$.subscribe((event) => console.log(event.description));
 * // "dead-man's switch armed", then, if the link goes away:
 * // "dead-man's switch stopped re-arming: the link is not ready; the exchange cancels resting orders …"
 *
 * @param source The link: a `Connection`, or anything with `ready$`.
 * @param config `every`, `arm`, and optionally `failAfter`, `timeout`, `scheduler`.
 * @returns The running switch: `armed$`, `state$`, `events$`, `follow`; unsubscribe to stop it.
 * @throws ConfigError when an option is invalid, before anything is subscribed.
 */
export function deadman(source: DeadmanSource, config: DeadmanConfig): Deadman {
  return new DeadmanSwitch(source, resolveDeadmanConfig(source, config));
}

/** The options checked, with their defaults. */
function resolveDeadmanConfig(source: DeadmanSource, config: DeadmanConfig): DeadmanSwitchOptions {
  if (typeof source !== 'object' || source === null || !isObservable(source.ready$)) {
    throw new ConfigError('source', source, 'a Connection, or an object with ready$');
  }
  if (typeof config !== 'object' || config === null) {
    throw new ConfigError('config', config, 'an object with every and arm');
  }
  const { every, arm, scheduler = asyncScheduler } = config;
  if (typeof arm !== 'function') {
    throw new ConfigError(
      'arm',
      arm,
      'a function returning a Promise or an Observable that pushes the exchange’s cancel time forward',
    );
  }
  const everyMs = parseDuration(every, 'every', { allowZero: false });
  const failAfterMs = parseDuration(config.failAfter ?? 3 * everyMs, 'failAfter', { allowZero: false });
  if (failAfterMs <= everyMs) {
    throw new ConfigError(
      'failAfter',
      config.failAfter,
      `a duration longer than every (${compactDuration(everyMs, 'en')}): one arm must have a chance to succeed before the switch lapses`,
    );
  }
  const timeoutMs = parseDuration(config.timeout ?? everyMs, 'timeout', { allowZero: false });
  if (typeof scheduler !== 'object' || scheduler === null || typeof scheduler.now !== 'function') {
    throw new ConfigError('scheduler', scheduler, 'an RxJS SchedulerLike');
  }
  return { rules: { everyMs, failAfterMs }, timeoutMs, arm, scheduler };
}

import { Observable, SchedulerLike, asyncScheduler } from 'rxjs';
import { getOrMake } from '../model/getOrMake';
import { defaultQualityThresholds } from '../model/ConnectionQuality';
import { ConnectionState } from '../model/ConnectionState';
import { LifelineConfig } from '../model/LifelineConfig';
import { GateRules, GateState } from '../model/gateState';
import { Connection } from '../streams/Connection';
import { NetworkRiskEvent } from './NetworkRiskEvent';
import { SharedGate } from './SharedGate';
import { GateStream } from './GateStream';
import { TradeGateConfig, resolveTradeGateConfig } from './resolveTradeGateConfig';

export type { TradeGateConfig } from './resolveTradeGateConfig';

/**
 * What the gate watches: a `Connection` as it is, a `connectPool`, or cold streams in a marble spec.
 * `ready$`, `state$` and `config` are optional: with `ready$` (a `Connection` from the session engine
 * has it) the gate opens on ready, not on open; with `config` the quality threshold comes from it.
 */
export type GateSource = Pick<Connection, 'status$' | 'quality$'> & {
  /** Whether the link is fit to trade on (see `Connection.ready$`). Without it, Connected counts as ready. */
  readonly ready$?: Observable<boolean>;
  /**
   * Status and readiness together (see `Connection.state$`). With `ready$` too, the gate hears both
   * from this one stream instead of `status$` and `ready$`, so it must agree with them, as a
   * `Connection`'s streams do (they are selections of one state).
   */
  readonly state$?: Observable<Pick<ConnectionState, 'status' | 'ready'>>;
  readonly config?: Pick<LifelineConfig, 'qualityThreshold' | 'latencyWarning' | 'errorRateWarning'>;
};

/** The gate and its risk events. */
export interface TradeGate {
  /**
   * The gate state: closed at first, distinct values only, hot and replayed to late subscribers
   * (`shareReplay({ refCount: true, bufferSize: 1 })`). Emits `{ open: false, reason: 'closed' }` and
   * completes when the source's `status$` completes.
   */
  readonly gate$: Observable<GateState>;
  /**
   * `tradingPaused` when an open gate closes, `tradingResumed` (with the downtime) when it reopens,
   * `hookFailed` when `onOpen` or `onClose` threw. Hot, not replayed. Subscribing also subscribes `gate$`.
   */
  readonly riskEvents$: Observable<NetworkRiskEvent>;
}

/**
 * The trade gate (seed: "连接失败时暂停交易"): from the link's status, readiness and quality, whether
 * orders may go out now. By default it closes whenever the link is not fit to trade on — any status
 * but Connected, `ready$` false (reason `notReady`), or quality under the threshold — and reopens only
 * once the link has been fit for `settle`, so a flapping link does not toggle trading. With
 * `closeOn: ['Failed']` it keeps the seed's behaviour: an open gate closes only when the link fails.
 * Each close and reopen is a network risk event. The transitions are `nextGateState`'s, a pure reducer.
 *
 * ```
 * status$:  c-K-----D-R-K----------F--R--K---      (c Connecting, K Connected, D Disconnected, R Reconnecting, F Failed)
 * gate$:    c-s----od-r-s----o-----f--r--s----o    (settle 5; s settling, o open, d/r/f closed for that status)
 * risk:             P         o    P          o    (P tradingPaused, o tradingResumed + downtime)
 * ```
 *
 * A hook that throws fails closed: the gate stays closed, a `hookFailed` risk event says why, and the
 * stream goes on (a throwing `onOpen` is tried again after the settle time).
 *
 * With `deadman` (a dead-man's switch, `deadman(link, { every, arm })`) the gate also waits for the
 * switch to be armed (reason `deadman` until then) and closes when it lapses, whatever `closeOn` says;
 * the switch follows the gate's states, so it stops re-arming the moment the gate closes for anything else.
 *
 * @example
 * const { gate$, riskEvents$ } = tradeGate(link, {
 *   settle: '5s',
 *   onClose: () => exchange.cancelAll(),
 *   onOpen: (state, risk) => log.info(risk?.description ?? 'trading open'),
 * });
 * riskEvents$.subscribe((risk) => log.warn(risk, risk.description));
 * orders$.pipe(whileGateOpen(gate$, (order, error) => strategy.rejected(order, error))).subscribe(place);
 * // gate$: { open: false, reason: 'Connecting' }, { open: false, reason: 'settling' }, { open: true, reason: 'healthy' }, …
 *
 * @param source A `Connection`, a pool, or any object with `status$` and `quality$` (and `ready$`).
 * @param config What closes it, the settle time, thresholds and hooks.
 * @param scheduler Time for the settle timer and the timestamps. Defaults to `asyncScheduler`.
 * @returns `gate$` and `riskEvents$`, both cold until subscribed and sharing one gate.
 * @throws ConfigError when an option is invalid, before anything is subscribed.
 */
export function tradeGate(
  source: GateSource,
  config: TradeGateConfig = {},
  scheduler: SchedulerLike = asyncScheduler,
): TradeGate {
  const {
    rules: resolved,
    thresholds = source.config ?? defaultQualityThresholds,
    deadman,
    onOpen,
    onClose,
  } = resolveTradeGateConfig(config);
  const rules = gateRules(resolved, source.ready$ !== undefined, deadman !== undefined);
  const hooks = onOpen === undefined && onClose === undefined ? NO_HOOKS : { onOpen, onClose };
  const gate = new SharedGate(source, thresholds, rules, hooks, scheduler, deadman);
  const gate$ = new GateStream<GateState>(gate, 'gate');
  const riskEvents$ = new GateStream<NetworkRiskEvent>(gate, 'risk');
  return { gate$, riskEvents$ };
}

const NO_HOOKS = Object.freeze({});

/** The rules a `closeOn: 'notReady'` gate shares with every gate of the same settings (one object each, frozen). */
const SHARED_RULES = new Map<string, GateRules>();

/** The gate's rules: one literal with every field; shared between gates when `closeOn` is `'notReady'`. */
function gateRules(resolved: Omit<GateRules, 'readiness'>, readiness: boolean, deadman: boolean): GateRules {
  const { closeOn, settleMs, hookRetryMs } = resolved;
  if (closeOn !== 'notReady') return { closeOn, settleMs, hookRetryMs, readiness, deadman };
  const key = `${settleMs}/${hookRetryMs}/${readiness}/${deadman}`;
  return getOrMake(SHARED_RULES, key, () => Object.freeze({ closeOn, settleMs, hookRetryMs, readiness, deadman }));
}

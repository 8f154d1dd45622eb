import {
  BehaviorSubject,
  Observable,
  SchedulerLike,
  Subject,
  Subscription,
  asyncScheduler,
  EMPTY,
  concat,
  defer,
  distinctUntilChanged,
  map,
  merge,
  of,
  shareReplay,
} from 'rxjs';
import { QualityThresholds, defaultQualityThresholds, isGood } from '../model/ConnectionQuality';
import { LifelineConfig } from '../model/LifelineConfig';
import {
  GateInput,
  GateModel,
  GateReason,
  GateRules,
  GateState,
  initialGateModel,
  nextGateState,
} from '../model/gateState';
import { Connection } from '../streams/Connection';
import { NetworkRiskEvent } from './NetworkRiskEvent';
import { compactDuration } from './compactDuration';
import { gateRisk } from './gateRisk';
import { TradeGateConfig, resolveTradeGateConfig } from './resolveTradeGateConfig';

export type { TradeGateConfig } from './resolveTradeGateConfig';

/**
 * What the gate watches: a `Connection` as it is, a `connectPool`, or cold streams in a marble spec.
 * `ready$` and `config` are optional: with `ready$` (a `Connection` from the session engine has it)
 * the gate opens on ready, not on open; with `config` the quality threshold comes from it.
 */
export type GateSource = Pick<Connection, 'status$' | 'quality$'> & {
  /** Whether the link is fit to trade on (see `Connection.ready$`). Without it, Connected counts as ready. */
  readonly ready$?: Observable<boolean>;
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
    ...hooks
  } = resolveTradeGateConfig(config);
  const rules: GateRules = { ...resolved, readiness: source.ready$ !== undefined, deadman: deadman !== undefined };
  const risks = new Subject<NetworkRiskEvent>();
  const gate$ = gateStates(
    gateInputs(source, thresholds, deadman?.armed$, scheduler),
    rules,
    hooks,
    risks,
    scheduler,
    deadman,
  ).pipe(shareReplay({ refCount: true, bufferSize: 1 }));
  // Subscribing to the risk events keeps the gate running; they end when the gate does.
  const riskEvents$ = new Observable<NetworkRiskEvent>((subscriber) => {
    const subscription = risks.subscribe((risk) => subscriber.next(risk));
    subscription.add(
      gate$.subscribe({ error: (error: unknown) => subscriber.error(error), complete: () => subscriber.complete() }),
    );
    return subscription;
  });
  return { gate$, riskEvents$ };
}

/** The facts the gate hears, stamped with the time: quality (as good or not), readiness, status, the switch, the end. */
function gateInputs(
  source: GateSource,
  thresholds: QualityThresholds,
  armed$: Observable<boolean> | undefined,
  scheduler: SchedulerLike,
): Observable<GateInput> {
  const good$ = source.quality$.pipe(
    map((quality) => isGood(quality, thresholds)),
    distinctUntilChanged(),
    map((good): GateInput => ({ type: 'quality', good, at: scheduler.now() })),
  );
  const ready$ = (source.ready$ ?? EMPTY).pipe(
    map((ready): GateInput => ({ type: 'ready', ready, at: scheduler.now() })),
  );
  const deadman$ = (armed$ ?? EMPTY).pipe(map((armed): GateInput => ({ type: 'deadman', armed, at: scheduler.now() })));
  const status$ = concat(
    source.status$.pipe(map((status): GateInput => ({ type: 'status', status, at: scheduler.now() }))),
    defer(() => of<GateInput>({ type: 'end', at: scheduler.now() })),
  );
  // Heard in this order when one step of the link changes several (a connection's streams are
  // selections of one state, notified in the order subscribed): quality, then the status, then
  // readiness, so a drop is said as the status (Disconnected), the more telling reason, and a reopened
  // link not measured yet waits as 'quality' without a settling blip. The switch last: its own streams.
  return merge(good$, status$, ready$, deadman$);
}

type Hooks = Pick<TradeGateConfig, 'onOpen' | 'onClose'>;

/**
 * Drives `nextGateState` with the inputs and the timer it asks for (`wakeAt`), and runs the hooks
 * around each emission: `onOpen` before an opening goes out (a throw is fed back, so the gate fails
 * closed), then the state, then the risk events and `onClose`. A dead-man's switch follows the states
 * (from the one after the inputs' first values). State is per subscription.
 */
function gateStates(
  inputs$: Observable<GateInput>,
  rules: GateRules,
  hooks: Hooks,
  risks: Subject<NetworkRiskEvent>,
  scheduler: SchedulerLike,
  deadman: Pick<NonNullable<TradeGateConfig['deadman']>, 'follow'> | undefined,
): Observable<GateState> {
  return new Observable<GateState>((subscriber) => {
    let model = initialGateModel(scheduler.now());
    let wake: Subscription | undefined;
    const followed = new BehaviorSubject<GateState>(model.gate);
    const subscription = new Subscription(() => {
      wake?.unsubscribe();
      followed.complete();
    });

    const dispatch = (input: GateInput): void => {
      const before = model;
      const { next, after } = openGuarded(before, nextGateState(before, input, rules), input.at, rules, hooks);
      if (next === before) return;
      model = next;
      if (next.wakeAt !== before.wakeAt) {
        wake?.unsubscribe();
        wake = next.wakeAt === undefined ? undefined : scheduler.schedule(guarded(wakeUp), next.wakeAt - input.at);
      }
      if (!sameGate(before.gate, next.gate)) {
        subscriber.next(next.gate);
        followed.next(next.gate);
      }
      const paused = before.gate.open && !next.gate.open ? gateRisk(before, next, rules) : undefined;
      if (paused) {
        risks.next(paused);
        try {
          hooks.onClose?.(next.gate, paused);
        } catch (error) {
          risks.next(hookFailed('onClose', error, next.gate.reason, input.at, rules));
        }
      }
      after.forEach((risk) => risks.next(risk));
      if (next.ended) subscriber.complete();
    };
    const guarded =
      <A extends unknown[]>(action: (...args: A) => void) =>
      (...args: A): void => {
        try {
          action(...args);
        } catch (error) {
          subscriber.error(error);
        }
      };
    const wakeUp = (): void => dispatch({ type: 'wake', at: scheduler.now() });

    subscriber.next(model.gate);
    subscription.add(
      inputs$.subscribe({ next: guarded(dispatch), error: (error: unknown) => subscriber.error(error) }),
    );
    if (deadman !== undefined && !subscription.closed) subscription.add(deadman.follow(followed));
    return subscription;
  });
}

/**
 * An opening, with `onOpen` called before it goes out: when the hook throws, the opening is undone
 * (`onOpenFailed`) and a `hookFailed` risk event follows the state; when it does not, the resume event does.
 */
function openGuarded(
  before: GateModel,
  next: GateModel,
  at: number,
  rules: GateRules,
  hooks: Hooks,
): { next: GateModel; after: NetworkRiskEvent[] } {
  if (before.gate.open || !next.gate.open) return { next, after: [] };
  const resumed = gateRisk(before, next, rules);
  try {
    hooks.onOpen?.(next.gate, resumed);
  } catch (error) {
    const failed = nextGateState(next, { type: 'onOpenFailed', at }, rules);
    return { next: failed, after: [hookFailed('onOpen', error, failed.gate.reason, at, rules)] };
  }
  return { next, after: resumed ? [resumed] : [] };
}

// A throwing hook must not take the gate down with it: the strategy would lose its only guard.
function hookFailed(
  hook: 'onOpen' | 'onClose',
  error: unknown,
  reason: GateReason,
  at: number,
  rules: GateRules,
): NetworkRiskEvent {
  const errorMessage = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const outcome =
    hook === 'onOpen'
      ? `the gate stays closed and tries again in ${compactDuration(rules.hookRetryMs, 'en')}`
      : 'the gate is closed';
  return {
    type: 'hookFailed',
    at,
    severity: 4,
    reason,
    description: `${hook} hook threw: ${errorMessage}; ${outcome}`,
    errorMessage,
  };
}

function sameGate(a: GateState, b: GateState): boolean {
  return a === b || (a.open === b.open && a.reason === b.reason && a.since === b.since);
}

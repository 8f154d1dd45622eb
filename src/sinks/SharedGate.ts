import { BehaviorSubject, Observable, SchedulerLike, Subscription, Unsubscribable } from 'rxjs';
import { ConnectionQuality, QualityThresholds, isGood } from '../model/ConnectionQuality';
import { ConnectionState } from '../model/ConnectionState';
import { ConnectionStatus } from '../model/ConnectionStatus';
import {
  GateInput,
  GateModel,
  GateReason,
  GateRules,
  GateState,
  initialGateModel,
  nextGateState,
} from '../model/gateState';
import { OneOrMany, countOf, itemAt, withItem, withoutItem } from '../model/OneOrMany';
import { NetworkRiskEvent } from './NetworkRiskEvent';
import { compactDuration } from './compactDuration';
import { gateRisk } from './gateRisk';
import { TradeGateConfig } from './resolveTradeGateConfig';
import { ShieldedListener, listenTo } from '../streams/DirectStream';

/** What the gate hears: the link's status (its end closes the gate), quality and readiness. */
export interface GateInputs {
  readonly status$: Observable<ConnectionStatus>;
  readonly quality$: Observable<ConnectionQuality>;
  readonly ready$?: Observable<boolean>;
  /**
   * Status and readiness in one stream, as a `Connection`'s `state$` has them: with `ready$` too, the
   * gate subscribes this instead of `status$` and `ready$` (one subscription, not two).
   */
  readonly state$?: Observable<Pick<ConnectionState, 'status' | 'ready'>>;
}

/** The hooks a gate calls around its openings and closings. */
export type GateHooks = Pick<TradeGateConfig, 'onOpen' | 'onClose'>;

/** Which input a notification comes from. */
type Feed = 'status' | 'quality' | 'ready' | 'state' | 'deadman';

/** What a watcher watches: the states (`gate$`) or the risk events (`riskEvents$`). */
export type WatchedFeed = 'gate' | 'risk';

/** A subscriber of `gate$` or `riskEvents$`: what the gate calls. */
export interface GateWatcher {
  next(value: GateState | NetworkRiskEvent): void;
  error(error: unknown): void;
  complete(): void;
}

/**
 * One trade gate shared by every subscriber of its `gate$` and `riskEvents$`: it subscribes the
 * source while anything watches, drives the pure reducer `nextGateState` with what it hears and the
 * timer it asks for (`wakeAt`), runs the hooks around each emission, replays the current state to a
 * late `gate$` subscriber and hands risk events to the `riskEvents$` subscribers of the moment.
 *
 * ```
 * status$:     -k-------|
 * gate$ (a):   cs----o--(x|)      (settle 5; c Connecting, s settling, o open, x closed)
 * gate$ (b):       s-o--(x|)      (subscribed at 4: the current state at once)
 * risk:                 p         (tradingPaused)
 * ```
 *
 * The semantics are `shareReplay({ refCount: true, bufferSize: 1 })` over a per-subscription fold,
 * which is what it replaced: the source is subscribed on the first watcher and unsubscribed (the fold
 * and its timer dropped) when the last one leaves; an error reaches every watcher and the next
 * subscriber starts afresh; after the end, late subscribers get the final state and complete.
 * Hand-rolled for memory: a bot gates every link it trades on, and at ten thousand links the RxJS
 * graph it was (three operator chains, `merge`, `concat`, `defer`, a ReplaySubject, a Subject and
 * their closures) cost 17 KB per link with `gate$` and `riskEvents$` subscribed; this costs about
 * 1.2 KB with its watchers and inputs (measured with `heapprobe`, a `Connection` as the source). Each
 * input is one plain observer into the reducer; a quality sample that does not change "good" is
 * dropped before any allocation, so a pong is O(1).
 *
 * @example
 * const gate = new SharedGate(link, thresholds, rules, {}, asyncScheduler);
 * const gate$ = new GateStream<GateState>(gate, 'gate');
 */
export class SharedGate {
  /** Nearly always one of each: no array then (see `OneOrMany`). */
  private gateWatchers: OneOrMany<GateWatcher> = undefined;
  private riskWatchers: OneOrMany<GateWatcher> = undefined;
  /** The fold, while the source is subscribed. */
  private model: GateModel | undefined;
  /** The state last emitted: what a late `gate$` subscriber gets. */
  private shown: GateState | undefined;
  /** The source ended: the final state is replayed to late subscribers, and nothing restarts. */
  private finished = false;
  /** Counts the runs, so an input subscribed during a stop and restart is not kept by the wrong run. */
  private run = 0;
  /**
   * The lists here are copied on write with `concat`, which allocates them exactly: V8 grows an array
   * made by spreading, `filter` or `push` to 17 slots at once (150 B for one subscriber).
   */
  private inputs: readonly Unsubscribable[] = [];
  private wake: Subscription | undefined;
  /** The states a dead-man's switch follows, and its following, while the gate runs. */
  private followed: BehaviorSubject<GateState> | undefined;
  private following: Subscription | undefined;

  /**
   * @param source What the gate watches.
   * @param thresholds What makes the quality good.
   * @param rules What closes it, the settle time, the retry wait, whether `ready` counts.
   * @param hooks `onOpen` and `onClose`.
   * @param scheduler Time for the settle timer and the timestamps.
   * @param deadman A dead-man's switch the gate hears (`armed$`) and that follows the gate's states.
   */
  constructor(
    private readonly source: GateInputs,
    private readonly thresholds: QualityThresholds,
    private readonly rules: GateRules,
    private readonly hooks: GateHooks,
    private readonly scheduler: SchedulerLike,
    private readonly deadman?: TradeGateConfig['deadman'],
  ) {}

  /**
   * Adds a watcher: of `gate$` (the current state at once, then each new one) or of `riskEvents$`
   * (the events from now on). The first starts the gate; `leave` is its unsubscription.
   */
  watch(feed: WatchedFeed, watcher: GateWatcher): void {
    if (this.finished) {
      if (feed === 'gate') watcher.next(this.shown as GateState);
      watcher.complete();
      return;
    }
    if (feed === 'gate') this.gateWatchers = withItem(this.gateWatchers, watcher);
    else this.riskWatchers = withItem(this.riskWatchers, watcher);
    if (this.model === undefined) this.start();
    else if (feed === 'gate') watcher.next(this.shown as GateState);
  }

  /** A watcher leaves; when it was the last, the gate stops (to start afresh for the next). */
  leave(watcher: GateWatcher): void {
    this.gateWatchers = withoutItem(this.gateWatchers, watcher);
    this.riskWatchers = withoutItem(this.riskWatchers, watcher);
    if (this.gateWatchers !== undefined || this.riskWatchers !== undefined || this.model === undefined) return;
    this.stop();
    this.shown = undefined;
  }

  /** A notification of one input. */
  hear(feed: Feed, value: unknown): void {
    const model = this.model;
    if (model === undefined) return;
    try {
      const at = this.scheduler.now();
      switch (feed) {
        case 'quality': {
          const good = isGood(value as ConnectionQuality, this.thresholds);
          // distinctUntilChanged, before any allocation: most samples do not change "good".
          if (good !== model.good) this.step({ type: 'quality', good, at });
          return;
        }
        case 'status':
          return this.step({ type: 'status', status: value as ConnectionStatus, at });
        case 'ready':
          return this.step({ type: 'ready', ready: value as boolean, at });
        case 'deadman':
          return this.step({ type: 'deadman', armed: value as boolean, at });
        case 'state': {
          // status$ then ready$, as two distinct selections of it would have said them.
          const { status, ready } = value as Pick<ConnectionState, 'status' | 'ready'>;
          const run = this.run;
          if (status !== model.status) this.step({ type: 'status', status, at });
          const now = this.model;
          if (this.run === run && now !== undefined && ready !== now.ready) this.step({ type: 'ready', ready, at });
          return;
        }
      }
    } catch (error) {
      this.fail(error);
    }
  }

  /** The end of an input: the end of the status is the end of the link, the others end nothing. */
  ended(feed: Feed): void {
    if ((feed === 'status' || feed === 'state') && this.model !== undefined) {
      this.dispatch({ type: 'end', at: this.scheduler.now() });
    }
  }

  /** An input failed, or a step threw: every watcher hears the error, and the next one starts afresh. */
  fail(error: unknown): void {
    if (this.model === undefined) return;
    const gates = this.gateWatchers;
    const risks = this.riskWatchers;
    this.gateWatchers = undefined;
    this.riskWatchers = undefined;
    this.stop();
    this.shown = undefined;
    for (let i = 0; i < countOf(gates); i++) itemAt(gates, i).error(error);
    for (let i = 0; i < countOf(risks); i++) itemAt(risks, i).error(error);
  }

  /** The timer the gate asked for (`wakeAt`) is due. */
  wakeUp(): void {
    if (this.model !== undefined) this.dispatch({ type: 'wake', at: this.scheduler.now() });
  }

  private start(): void {
    const run = ++this.run;
    const model = initialGateModel(this.scheduler.now());
    this.model = model;
    this.emit(model.gate);
    // Heard in this order when one step of the link changes several (a connection's streams are
    // selections of one state, notified in the order subscribed): quality, then the status, then
    // readiness, so a drop is said as the status (Disconnected), the more telling reason, and a reopened
    // link not measured yet waits as 'quality' without a settling blip.
    // The switch last: its own streams.
    const { quality$, status$, ready$, state$ } = this.source;
    this.listen(run, quality$, 'quality');
    if (ready$ !== undefined && state$ !== undefined) this.listen(run, state$, 'state');
    else {
      this.listen(run, status$, 'status');
      if (ready$ !== undefined) this.listen(run, ready$, 'ready');
    }
    const deadman = this.deadman;
    if (deadman === undefined) return;
    this.listen(run, deadman.armed$, 'deadman');
    // The switch follows the states from the one after the inputs' first values.
    if (this.run !== run || this.model === undefined) return;
    this.followed = new BehaviorSubject<GateState>(this.shown as GateState);
    this.following = deadman.follow(this.followed);
  }

  private listen(run: number, input$: Observable<unknown>, feed: Feed): void {
    if (this.run !== run || this.model === undefined) return;
    const subscription = listenTo(input$, new GateFeed(this, feed));
    if (this.run !== run || this.model === undefined) subscription.unsubscribe();
    else this.inputs = this.inputs.concat(subscription);
  }

  /** Unsubscribes the inputs and the timer and drops the fold. */
  private stop(): void {
    this.model = undefined;
    this.run++;
    this.wake?.unsubscribe();
    this.wake = undefined;
    this.followed?.complete();
    this.followed = undefined;
    this.following?.unsubscribe();
    this.following = undefined;
    const inputs = this.inputs;
    this.inputs = [];
    for (const input of inputs) input.unsubscribe();
  }

  /** `step`, where a throw fails the gate. */
  private dispatch(input: GateInput): void {
    try {
      this.step(input);
    } catch (error) {
      this.fail(error);
    }
  }

  /** One step: fold, reschedule the timer, emit, then the risk events and `onClose`. */
  private step(input: GateInput): void {
    const before = this.model as GateModel;
    const { next, after } = this.openGuarded(before, nextGateState(before, input, this.rules), input.at);
    if (next === before) return;
    this.model = next;
    if (next.wakeAt !== before.wakeAt) {
      this.wake?.unsubscribe();
      this.wake =
        next.wakeAt === undefined ? undefined : this.scheduler.schedule(() => this.wakeUp(), next.wakeAt - input.at);
    }
    if (!sameGate(before.gate, next.gate)) this.emit(next.gate);
    const paused = before.gate.open && !next.gate.open ? gateRisk(before, next, this.rules) : undefined;
    if (paused) {
      this.risk(paused);
      try {
        this.hooks.onClose?.(next.gate, paused);
      } catch (error) {
        this.risk(hookFailed('onClose', error, next.gate.reason, input.at, this.rules));
      }
    }
    for (const risk of after) this.risk(risk);
    // Unless the last watcher left while hearing this step: then the gate has stopped, to start afresh.
    if (next.ended && this.model === next) this.finish();
  }

  /**
   * An opening, with `onOpen` called before it goes out: when the hook throws, the opening is undone
   * (`onOpenFailed`) and a `hookFailed` risk event follows the state; when it does not, the resume event does.
   */
  private openGuarded(
    before: GateModel,
    next: GateModel,
    at: number,
  ): { next: GateModel; after: readonly NetworkRiskEvent[] } {
    if (before.gate.open || !next.gate.open) return { next, after: NONE };
    const resumed = gateRisk(before, next, this.rules);
    try {
      this.hooks.onOpen?.(next.gate, resumed);
    } catch (error) {
      const failed = nextGateState(next, { type: 'onOpenFailed', at }, this.rules);
      return { next: failed, after: [hookFailed('onOpen', error, failed.gate.reason, at, this.rules)] };
    }
    return { next, after: resumed ? [resumed] : NONE };
  }

  private emit(gate: GateState): void {
    this.shown = gate;
    this.followed?.next(gate);
    const watchers = this.gateWatchers;
    for (let i = 0, count = countOf(watchers); i < count; i++) itemAt(watchers, i).next(gate);
  }

  private risk(risk: NetworkRiskEvent): void {
    const watchers = this.riskWatchers;
    for (let i = 0, count = countOf(watchers); i < count; i++) itemAt(watchers, i).next(risk);
  }

  /** The source ended: the final state stays for late subscribers; everyone completes. */
  private finish(): void {
    this.finished = true;
    const gates = this.gateWatchers;
    const risks = this.riskWatchers;
    this.gateWatchers = undefined;
    this.riskWatchers = undefined;
    this.stop();
    for (let i = 0; i < countOf(gates); i++) itemAt(gates, i).complete();
    for (let i = 0; i < countOf(risks); i++) itemAt(risks, i).complete();
  }
}

const NONE: readonly NetworkRiskEvent[] = [];

/** One input of the gate: shielded, no closures, no wrapper around it. */
class GateFeed extends ShieldedListener<unknown> {
  constructor(
    private readonly gate: SharedGate,
    private readonly feed: Feed,
  ) {
    super();
  }

  protected hear(value: unknown): void {
    this.gate.hear(this.feed, value);
  }

  protected failed(error: unknown): void {
    this.gate.fail(error);
  }

  protected ended(): void {
    this.gate.ended(this.feed);
  }
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

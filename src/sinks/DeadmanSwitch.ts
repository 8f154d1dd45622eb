import {
  Observable,
  ObservableInput,
  ReplaySubject,
  SchedulerLike,
  Subject,
  Subscription,
  TimeoutError,
  defaultIfEmpty,
  distinctUntilChanged,
  from,
  map,
  take,
  timeout,
} from 'rxjs';
import { ConfigError } from '../model/ConfigError';
import { errorMessage } from '../model/RetryExhaustedError';
import { DeadmanInput, DeadmanRules, DeadmanState, initialDeadmanState, nextDeadmanState } from '../model/deadmanState';
import { GateState } from '../model/gateState';
import { DeadmanEvent } from './DeadmanEvent';
import { compactDuration } from './compactDuration';
import type { Deadman, DeadmanSource } from './deadman';
import { deadmanStepEvent } from './deadmanStepEvent';

/** What a switch runs on, its options checked and defaulted (see `deadman`). */
export interface DeadmanSwitchOptions {
  readonly rules: DeadmanRules;
  readonly timeoutMs: number;
  readonly arm: () => ObservableInput<unknown>;
  readonly scheduler: SchedulerLike;
}

/**
 * One running dead-man's switch, as `deadman` returns it: the pure reducer `nextDeadmanState` driven
 * by the link's readiness, the gate it follows, its arms' answers and the two timers it asks for
 * (`nextArmAt`, `armedUntil`). The switch is the Subscription itself: unsubscribing it ends the
 * reducer's run, then drops the followed gate, the timers and an arm in flight.
 *
 * A class with its state in named fields and its steps as methods, as the closures of `deadman`
 * were; `armed$`, `state$`, `events$` and `follow` stay own properties, as on the object it was.
 *
 * @example
 * const dms = new DeadmanSwitch(link, { rules: { everyMs: 10_000, failAfterMs: 30_000 }, timeoutMs: 10_000, arm, scheduler });
 * dms.unsubscribe(); // disarmed: events$ and state$ complete
 */
export class DeadmanSwitch extends Subscription implements Deadman {
  private readonly states = new ReplaySubject<DeadmanState>(1);
  private readonly events = new Subject<DeadmanEvent>();
  private state = initialDeadmanState;
  /** The timer of the next arm, while one is due. */
  private due: Subscription | undefined;
  /** The timer of the lapse, while the switch counts as armed. */
  private lapse: Subscription | undefined;
  /** The arm in flight. */
  private arming: Subscription | undefined;
  /** The gate followed, if any. */
  private following: Subscription | undefined;
  private readonly queue: DeadmanInput[] = [];
  private draining = false;

  readonly armed$: Observable<boolean> = this.states.pipe(
    map((each) => each.armed),
    distinctUntilChanged(),
  );
  readonly state$: Observable<DeadmanState> = this.states.asObservable();
  readonly events$: Observable<DeadmanEvent> = this.events.asObservable();

  constructor(
    source: DeadmanSource,
    private readonly options: DeadmanSwitchOptions,
  ) {
    super();
    this.add(() => {
      // Ended first, so the gate's last word (closed, as it stops being followed) is not taken for the reason.
      this.end();
      this.following?.unsubscribe();
      this.due?.unsubscribe();
      this.lapse?.unsubscribe();
      this.arming?.unsubscribe();
    });
    this.states.next(this.state);
    this.add(
      source.ready$.subscribe({
        next: (ready) => this.dispatch({ type: 'ready', ready, at: this.options.scheduler.now() }),
        // A link that ends (closed) or fails leaves nothing to arm on: the switch ends, disarmed.
        error: () => this.end(),
        complete: () => this.end(),
      }),
    );
  }

  /**
   * See `Deadman.follow`. An arrow function, so it stays bound when passed on by itself (it was a
   * closure on a plain object).
   */
  readonly follow = (gate$: Observable<GateState>): Subscription => {
    if (this.following !== undefined && !this.following.closed) {
      throw new ConfigError('deadman', 'a switch a gate follows already', 'one trade gate per dead-man’s switch');
    }
    const { scheduler } = this.options;
    // A gate that ends, or stops being followed, counts as closed: the switch stops arming (fail closed).
    const stopped = (): void =>
      this.dispatch({ type: 'gate', gate: { open: false, reason: 'closed' }, at: scheduler.now() });
    const subscription = new Subscription(stopped);
    this.following = subscription;
    subscription.add(
      gate$.subscribe({
        next: (gate) => this.dispatch({ type: 'gate', gate, at: scheduler.now() }),
        error: () => subscription.unsubscribe(),
        complete: () => subscription.unsubscribe(),
      }),
    );
    return subscription;
  };

  /**
   * A trampoline: an answer that comes back synchronously, or a gate that reacts to armed$ at once,
   * is handled after the step that caused it, never inside it.
   */
  private dispatch(input: DeadmanInput): void {
    this.queue.push(input);
    if (this.draining) return;
    this.draining = true;
    try {
      for (let next = this.queue.shift(); next !== undefined; next = this.queue.shift()) this.step(next);
    } finally {
      this.draining = false;
    }
  }

  /** One step of the reducer: the timers and the arm it asks for, its event, its state. */
  private step(input: DeadmanInput): void {
    const { rules, scheduler } = this.options;
    const before = this.state;
    const after = nextDeadmanState(before, input, rules);
    if (after === before) return;
    this.state = after;
    if (after.nextArmAt !== before.nextArmAt) {
      this.due?.unsubscribe();
      this.due = this.at(after.nextArmAt, () => this.dispatch({ type: 'due', at: scheduler.now() }));
    }
    if (after.armedUntil !== before.armedUntil) {
      this.lapse?.unsubscribe();
      this.lapse = this.at(after.armedUntil, () => this.dispatch({ type: 'lapse', at: scheduler.now() }));
    }
    if (before.inFlight && !after.inFlight) {
      this.arming?.unsubscribe();
      this.arming = undefined;
    }
    if (!before.inFlight && after.inFlight) this.arming = this.runArm();
    const event = deadmanStepEvent(before, after, input, rules);
    if (event !== undefined) this.events.next(event);
    this.states.next(after);
    if (after.ended) {
      this.states.complete();
      this.events.complete();
    }
  }

  /** `work` at the scheduler time `when`; nothing when there is no such time. */
  private at(when: number | undefined, work: () => void): Subscription | undefined {
    const { scheduler } = this.options;
    return when === undefined ? undefined : scheduler.schedule(work, Math.max(0, when - scheduler.now()));
  }

  /** Calls `arm()` once: its first answer (or its completion) is armed; an error, a throw or silence past the timeout failed. */
  private runArm(): Subscription {
    const { arm, timeoutMs, scheduler } = this.options;
    const fail = (error: unknown): void =>
      this.dispatch({ type: 'armFailed', error: errorMessage(error), at: scheduler.now() });
    let answer$: Observable<unknown>;
    try {
      answer$ = from(arm());
    } catch (error) {
      // Stepped after the step that started it (the trampoline), like any answer.
      fail(error);
      return Subscription.EMPTY;
    }
    return answer$.pipe(take(1), defaultIfEmpty(undefined), timeout({ first: timeoutMs, scheduler })).subscribe({
      next: () => this.dispatch({ type: 'armed', at: scheduler.now() }),
      error: (error: unknown) =>
        fail(error instanceof TimeoutError ? new Error(`no answer within ${compactDuration(timeoutMs, 'en')}`) : error),
    });
  }

  private end(): void {
    this.dispatch({ type: 'end', at: this.options.scheduler.now() });
  }
}

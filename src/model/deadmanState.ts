import { GateReason, GateState } from './gateState';

/** How the switch runs, resolved from `DeadmanConfig`. */
export interface DeadmanRules {
  /** Time from the start of one arm to the start of the next, ms (> 0). */
  readonly everyMs: number;
  /**
   * How long a successful arm keeps the switch counted as armed, ms (> `everyMs`): without another
   * success by then, the switch is no longer armed and the gate it guards closes.
   */
  readonly failAfterMs: number;
}

/**
 * The dead-man's switch as plain data: what it has heard, whether it should be arming, whether it
 * counts as armed, and the two timers it wants (`nextArmAt`, `armedUntil`).
 */
export interface DeadmanState {
  /**
   * Whether the switch protects resting orders: an arm succeeded less than `failAfter` ago. The fact
   * the trade gate hears: it stays closed (reason `deadman`) while this is false.
   */
  readonly armed: boolean;
  /** Whether the switch should be arming now: the link is ready and the gate (if one follows it) lets it. */
  readonly arming: boolean;
  /** The link's latest `ready$` value (false until heard). */
  readonly ready: boolean;
  /** The followed gate's latest state; undefined while no gate follows the switch. */
  readonly gate?: Pick<GateState, 'open' | 'reason'>;
  /** An arm is running: started at `lastStartAt`, not answered yet. */
  readonly inFlight: boolean;
  /** When the latest arm started (scheduler time, ms). */
  readonly lastStartAt?: number;
  /** When an arm last succeeded (scheduler time, ms). */
  readonly lastArmedAt?: number;
  /** When the switch stops counting as armed without another success: `lastArmedAt + failAfter`. */
  readonly armedUntil?: number;
  /** When the next arm is due, while arming with none in flight: `lastStartAt + every`, or now. */
  readonly nextArmAt?: number;
  /** Arms that failed (rejected, threw, timed out) since the last success. */
  readonly failures: number;
  /** What the latest failed arm said. Cleared by a success. */
  readonly lastError?: string;
  /** The switch was stopped (unsubscribed, or its link closed): disarmed for good, hears nothing more. */
  readonly ended: boolean;
}

/**
 * What moves the switch: a fact about the link or the gate it follows (`gate` undefined: none
 * follows), a timer it asked for (`due` for `nextArmAt`, `lapse` for `armedUntil`; the driver cancels
 * a stale one), the answer to the arm in flight, or the end.
 */
export type DeadmanInput =
  | { readonly type: 'ready'; readonly ready: boolean; readonly at: number }
  | { readonly type: 'gate'; readonly gate: Pick<GateState, 'open' | 'reason'> | undefined; readonly at: number }
  | { readonly type: 'due'; readonly at: number }
  | { readonly type: 'armed'; readonly at: number }
  | { readonly type: 'armFailed'; readonly error: string; readonly at: number }
  | { readonly type: 'lapse'; readonly at: number }
  | { readonly type: 'end'; readonly at: number };

/**
 * A closed gate's reasons under which the switch keeps arming: the gate is on its way to open
 * (`settling`, a throwing `onOpen` tried again), or closed by the switch itself (`deadman`), which
 * only an arm that succeeds can reopen.
 */
const ARMS_WHILE: ReadonlySet<GateReason> = new Set<GateReason>(['settling', 'deadman', 'hook']);

/** Not armed, not arming: the switch before it has heard anything. */
// Every key from the start, unset ones undefined: the reducer's spreads then only replace keys, and
// V8 shares the state's hidden class (see withFields).
export const initialDeadmanState: DeadmanState = {
  armed: false,
  arming: false,
  ready: false,
  gate: undefined,
  inFlight: false,
  lastStartAt: undefined,
  lastArmedAt: undefined,
  armedUntil: undefined,
  nextArmAt: undefined,
  failures: 0,
  lastError: undefined,
  ended: false,
};

/**
 * The dead-man's switch's reducer: pure, no RxJS. While the link is ready and the gate it follows is
 * open (or settling, or closed by the switch itself) it wants an arm every `everyMs`; the moment the
 * gate closes for anything else, or the link is not ready, it stops (an arm in flight is abandoned),
 * so a bot or link that dies stops pushing the exchange's cancel time forward. A success counts the
 * switch as armed for `failAfterMs`; without another success by then, it is not armed any more.
 *
 * ```
 *  ready && gate lets it                     arm ok: armed, armedUntil = at + failAfter
 *  idle ─────────► arming (nextArmAt) ──due──► in flight ──┬─────────────────────────────► arming
 *    ▲               │  ▲                                   └─ arm failed: failures + 1 ──► arming
 *    └── not ready ──┘  └── the next arm: lastStartAt + every (a restart too: no burst)
 *        or gate closed for another reason (in flight abandoned)
 *  lapse (at armedUntil): not armed ─► the gate closes (reason deadman) and, while the link is ready,
 *                                      the switch keeps arming until one succeeds
 *  end: not armed, not arming, final
 * ```
 *
 * An input that changes nothing returns the state itself. The driver starts an arm when `inFlight`
 * turns true, cancels it when it turns false without an answer, and keeps one timer for `nextArmAt`
 * (input `due`) and one for `armedUntil` (input `lapse`).
 *
 * @example
 * const rules = { everyMs: 10_000, failAfterMs: 30_000 };
 * let state = nextDeadmanState(initialDeadmanState, { type: 'ready', ready: true, at: 0 }, rules);
 * // state.arming: true, state.nextArmAt: 0 (no gate follows: ready is enough)
 * state = nextDeadmanState(state, { type: 'due', at: 0 }, rules);       // inFlight: true
 * state = nextDeadmanState(state, { type: 'armed', at: 40 }, rules);
 * // state: { armed: true, armedUntil: 30040, nextArmAt: 10000, failures: 0, … }
 *
 * @param state The switch now.
 * @param input What happened, and when (scheduler time, ms).
 * @param rules The arming period and how long an arm holds.
 * @returns The switch after it.
 */
export function nextDeadmanState(state: DeadmanState, input: DeadmanInput, rules: DeadmanRules): DeadmanState {
  if (state.ended) return state;
  switch (input.type) {
    case 'ready':
      return input.ready === state.ready ? state : decide({ ...state, ready: input.ready }, input.at, rules);
    case 'gate':
      if (sameGate(input.gate, state.gate)) return state;
      return decide(
        { ...state, gate: input.gate && { open: input.gate.open, reason: input.gate.reason } },
        input.at,
        rules,
      );
    case 'due':
      // Not compared with `nextArmAt`: a real timer may fire a millisecond early (see nextGateState's wake).
      if (!state.arming || state.inFlight) return state;
      return { ...state, inFlight: true, lastStartAt: input.at, nextArmAt: undefined };
    case 'armed':
      if (!state.inFlight) return state;
      return {
        ...state,
        inFlight: false,
        lastError: undefined,
        armed: true,
        lastArmedAt: input.at,
        armedUntil: input.at + rules.failAfterMs,
        failures: 0,
        nextArmAt: nextArm(state, input.at, rules),
      };
    case 'armFailed':
      if (!state.inFlight) return state;
      return {
        ...state,
        inFlight: false,
        failures: state.failures + 1,
        lastError: input.error,
        nextArmAt: nextArm(state, input.at, rules),
      };
    case 'lapse':
      if (state.armedUntil === undefined) return state;
      return { ...state, armed: false, armedUntil: undefined };
    case 'end':
      return {
        ...state,
        ended: true,
        armed: false,
        arming: false,
        inFlight: false,
        armedUntil: undefined,
        nextArmAt: undefined,
      };
  }
}

/**
 * Whether the gate lets the switch arm: no gate, an open one, or one closed on its way to open or by the switch.
 *
 * @example
 * gateLetsArm({ open: false, reason: 'deadman' }); // true: only an arm that succeeds can reopen it
 * gateLetsArm({ open: false, reason: 'quality' }); // false: stop re-arming, let the exchange's timer run out
 *
 * @param gate The followed gate's state, or undefined when no gate follows the switch.
 * @returns Whether the switch may arm (the link must be ready too).
 */
export function gateLetsArm(gate: Pick<GateState, 'open' | 'reason'> | undefined): boolean {
  return gate === undefined || gate.open || ARMS_WHILE.has(gate.reason);
}

/** Starts or stops arming as the facts now say. */
function decide(state: DeadmanState, at: number, rules: DeadmanRules): DeadmanState {
  const arming = state.ready && gateLetsArm(state.gate);
  if (arming === state.arming) return state;
  if (arming) return { ...state, arming, nextArmAt: nextArm(state, at, rules) };
  return { ...state, arming, inFlight: false, nextArmAt: undefined };
}

/** One period after the latest start, or now if that is past (or there was none). */
function nextArm(state: DeadmanState, at: number, rules: DeadmanRules): number {
  return state.lastStartAt === undefined ? at : Math.max(at, state.lastStartAt + rules.everyMs);
}

function sameGate(
  a: Pick<GateState, 'open' | 'reason'> | undefined,
  b: Pick<GateState, 'open' | 'reason'> | undefined,
): boolean {
  return a === b || (a !== undefined && b !== undefined && a.open === b.open && a.reason === b.reason);
}

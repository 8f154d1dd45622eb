import { ConnectionStatus } from './ConnectionStatus';

/**
 * Why the trade gate is as it is.
 *
 * - `healthy`: open; the link has been ready (Connected) with good quality for the settle time.
 * - `settling`: closed; ready and good, waiting out the settle time (hysteresis).
 * - `quality`: closed; Connected, but the quality score is under the threshold.
 * - `notReady`: closed; Connected, but the source's `ready$` says it is not fit to trade on yet
 *   (handshake, acknowledged subscriptions or the resync hook still pending, or the outbound path
 *   unconfirmed).
 * - a status (`Connecting`, `Disconnected`, `Reconnecting`, `Unstable`, `Failed`): closed; the link is in it.
 * - `deadman`: closed; the link is fit, but the gate's dead-man's switch is not armed (no successful arm
 *   yet, or none for its `failAfter`): the exchange would not cancel resting orders if the bot died.
 * - `hook`: closed; the `onOpen` hook threw (fail closed); it tries again after the settle time.
 * - `closed`: closed; the source ended (the application closed the link). Final.
 * - `unknown`: closed; the gate has not reported yet (only seen by `whileGateOpen` on a silent gate).
 */
export type GateReason =
  | 'healthy'
  | 'settling'
  | 'quality'
  | 'notReady'
  | Exclude<ConnectionStatus, 'Connected'>
  | 'deadman'
  | 'hook'
  | 'closed'
  | 'unknown';

/** The trade gate: may orders go out now? */
export interface GateState {
  readonly open: boolean;
  readonly reason: GateReason;
  /** When the gate last opened or closed (scheduler time, ms); a change of reason alone keeps it. */
  readonly since: number;
}

/** A status that may close the gate: every status but Connected. */
export type ClosingStatus = Exclude<ConnectionStatus, 'Connected'>;

/** What the gate's transitions depend on, resolved from `TradeGateConfig` and the source. */
export interface GateRules {
  /**
   * What closes an open gate. `'notReady'`: whatever would keep it from opening (a status but
   * Connected, `ready` false, quality not good). A list of statuses: only those (Failed always), so
   * an open gate rides out a reconnect or a quality dip.
   */
  readonly closeOn: 'notReady' | readonly ClosingStatus[];
  /** How long the link must stay fit before a closed gate opens, ms; 0 opens at once. */
  readonly settleMs: number;
  /** How long a gate whose `onOpen` threw waits before it tries again, ms (≥ 1). */
  readonly hookRetryMs: number;
  /** The source reports readiness (`ready$`): the gate waits for `ready` true before it opens. */
  readonly readiness: boolean;
  /**
   * A dead-man's switch guards the gate (`tradeGate(link, { deadman })`): it waits for `armed` true
   * before it opens, and an open gate closes when the switch is no longer armed, whatever `closeOn`
   * says. Defaults to `false`.
   */
  readonly deadman?: boolean;
}

/** The gate's whole state: what it shows, the facts it has heard, and the timer it wants. */
export interface GateModel {
  /** What `gate$` shows. */
  readonly gate: GateState;
  readonly status?: ConnectionStatus;
  /** Whether the latest quality is good (`isGood`). */
  readonly good?: boolean;
  /** The latest `ready$` value, with `readiness`. */
  readonly ready?: boolean;
  /** Whether the dead-man's switch is armed, with `deadman`. */
  readonly armed?: boolean;
  /** When the gate last closed (or started closed): what a failed `onOpen` restores. */
  readonly closedSince: number;
  /** When an open gate last closed: the start of the pause a reopening ends. Absent before the first. */
  readonly pausedAt?: number;
  /** When the gate wants a `wake` input: the end of the settle time, or of the wait after a failed `onOpen`. */
  readonly wakeAt?: number;
  /** The source ended: the gate is closed for good and hears nothing more. */
  readonly ended: boolean;
}

/**
 * What moves the gate: a fact about the link (or its dead-man's switch), the timer it asked for (`wakeAt`: the driver cancels a
 * stale one, so a `wake` is always for the current `wakeAt`), an `onOpen` hook that threw on the
 * opening just made (the gate fails closed), or the end of the source.
 */
export type GateInput =
  | { readonly type: 'status'; readonly status: ConnectionStatus; readonly at: number }
  | { readonly type: 'quality'; readonly good: boolean; readonly at: number }
  | { readonly type: 'ready'; readonly ready: boolean; readonly at: number }
  | { readonly type: 'deadman'; readonly armed: boolean; readonly at: number }
  | { readonly type: 'wake'; readonly at: number }
  | { readonly type: 'onOpenFailed'; readonly at: number }
  | { readonly type: 'end'; readonly at: number };

/** Closed, reason Connecting, since `at`: the gate before it has heard anything. */
export function initialGateModel(at: number): GateModel {
  // Every key from the start, unset ones undefined: the reducer's spreads then only replace keys,
  // and V8 shares the model's hidden class (see withFields).
  return {
    gate: { open: false, reason: ConnectionStatus.Connecting, since: at },
    status: undefined,
    good: undefined,
    ready: undefined,
    armed: undefined,
    closedSince: at,
    pausedAt: undefined,
    wakeAt: undefined,
    ended: false,
  };
}

/**
 * The trade gate's reducer: pure, no RxJS. A closed gate opens once the link has been fit to trade
 * on — Connected, `ready` (with `readiness`), good, and its dead-man's switch `armed` (with `deadman`)
 * — for `settleMs` without a break; an open one closes as `closeOn` says, or when the switch is no
 * longer armed.
 *
 * ```
 *                    fit for settleMs (wake)
 *  closed(reason) ─────────────────────────────► open(healthy)
 *     ▲   │ fit: settling, wakeAt = at + settleMs      │
 *     │   └─ unfit: reason = status | notReady |       │ closeOn: 'notReady' → any unfit fact
 *     │      quality | deadman, wakeAt cleared         │ closeOn: [statuses] → one of those statuses,
 *     └────────────────────────────────────────────────┘ or deadman (pausedAt = at)
 *   onOpenFailed: back to closed(hook) since closedSince, wakeAt = at + hookRetryMs
 *   end: closed(closed), final
 * ```
 *
 * The hooks are not called here: the stream calls `onOpen` between an opening and its emission and
 * feeds a throw back as `onOpenFailed`. An input that changes nothing returns the model itself.
 *
 * @example
 * const rules = { closeOn: 'notReady', settleMs: 5000, hookRetryMs: 5000, readiness: false } as const;
 * let model = initialGateModel(0);
 * model = nextGateState(model, { type: 'quality', good: true, at: 0 }, rules);
 * model = nextGateState(model, { type: 'status', status: 'Connected', at: 10 }, rules);
 * // model.gate: { open: false, reason: 'settling', since: 0 }, model.wakeAt: 5010
 * model = nextGateState(model, { type: 'wake', at: 5010 }, rules);
 * // model.gate: { open: true, reason: 'healthy', since: 5010 }
 *
 * @param model The gate now.
 * @param input What happened, and when (scheduler time, ms).
 * @param rules What closes it, the settle time, the retry wait, whether `ready` counts.
 * @returns The gate after it.
 */
export function nextGateState(model: GateModel, input: GateInput, rules: GateRules): GateModel {
  if (model.ended) return model;
  switch (input.type) {
    case 'status':
      return input.status === model.status ? model : evaluate({ ...model, status: input.status }, input.at, rules);
    case 'quality':
      return input.good === model.good ? model : evaluate({ ...model, good: input.good }, input.at, rules);
    case 'ready':
      if (!rules.readiness || input.ready === model.ready) return model;
      return evaluate({ ...model, ready: input.ready }, input.at, rules);
    case 'deadman':
      if (rules.deadman !== true || input.armed === model.armed) return model;
      return evaluate({ ...model, armed: input.armed }, input.at, rules);
    case 'wake':
      // The timer asked for at `wakeAt` fired. Not compared with `wakeAt`: a real timer may fire a
      // millisecond before the wall clock says it is due, and a wake ignored would never come again.
      if (model.gate.open || model.wakeAt === undefined) return model;
      return open(model, input.at);
    case 'onOpenFailed':
      if (!model.gate.open) return model;
      return {
        ...model,
        gate: { open: false, reason: 'hook', since: model.closedSince },
        wakeAt: input.at + rules.hookRetryMs,
      };
    case 'end':
      return { ...close(model, 'closed', input.at), ended: true };
  }
}

/**
 * Why the link is not fit to trade on now, or undefined when it is. The switch comes last: it arms only
 * while nothing else keeps the gate closed, so a gate closed for quality says `quality`, not `deadman`.
 */
function gateBlocker(
  model: Pick<GateModel, 'status' | 'good' | 'ready' | 'armed'>,
  rules: Pick<GateRules, 'readiness' | 'deadman'>,
): GateReason | undefined {
  if (model.status !== ConnectionStatus.Connected) return model.status ?? ConnectionStatus.Connecting;
  if (rules.readiness && model.ready !== true) return 'notReady';
  if (model.good !== true) return 'quality';
  return rules.deadman === true && model.armed !== true ? 'deadman' : undefined;
}

function evaluate(model: GateModel, at: number, rules: GateRules): GateModel {
  const { status, good, ready, armed } = model;
  // Nothing is judged before every fact has been heard once.
  if (status === undefined || good === undefined) return model;
  if ((rules.readiness && ready === undefined) || (rules.deadman === true && armed === undefined)) return model;
  const blocker = gateBlocker(model, rules);
  if (model.gate.open) {
    // A switch that no longer holds closes the gate whatever closeOn says: resting orders are unguarded.
    const unguarded = rules.deadman === true && armed !== true ? 'deadman' : undefined;
    const reason = rules.closeOn === 'notReady' ? blocker : closesOn(rules.closeOn, status) ? status : unguarded;
    return reason === undefined ? model : close(model, reason as GateReason, at);
  }
  if (blocker !== undefined) return close(model, blocker, at);
  // Already settling, or waiting to retry a throwing onOpen: the wait goes on.
  if (model.wakeAt !== undefined) return model;
  if (rules.settleMs === 0) return open(model, at);
  return { ...withReason(model, 'settling'), wakeAt: at + rules.settleMs };
}

function closesOn(statuses: readonly ClosingStatus[], status: ConnectionStatus): boolean {
  return status === ConnectionStatus.Failed || (statuses as readonly ConnectionStatus[]).includes(status);
}

function open(model: GateModel, at: number): GateModel {
  return { ...model, gate: { open: true, reason: 'healthy', since: at }, wakeAt: undefined };
}

/** Closes an open gate (a pause starts) or, on a closed one, says the new reason and stops any wait. */
function close(model: GateModel, reason: GateReason, at: number): GateModel {
  if (model.gate.open) {
    return { ...model, gate: { open: false, reason, since: at }, closedSince: at, pausedAt: at, wakeAt: undefined };
  }
  const next = withReason(model, reason);
  return next.wakeAt === undefined ? next : { ...next, wakeAt: undefined };
}

function withReason(model: GateModel, reason: GateReason): GateModel {
  return model.gate.reason === reason ? model : { ...model, gate: { ...model.gate, reason } };
}

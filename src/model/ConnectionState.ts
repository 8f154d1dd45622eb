import { ConnectionSignal, SessionStep } from './ConnectionSignal';
import { ConnectionStatus } from './ConnectionStatus';
import { withFields } from './withFields';

/** The status machine's state: the status plus what the status line and the events need. */
export interface ConnectionState {
  readonly status: ConnectionStatus;
  /** When `status` last changed (scheduler time, ms). */
  readonly since: number;
  /** The attempt under way or scheduled in the current reconnect cycle (0 = the immediate try). */
  readonly attempt: number;
  /** The retry budget of the current cycle. */
  readonly maxAttempts: number;
  /** When the scheduled attempt starts, while one is scheduled. */
  readonly nextRetryAt?: number;
  /** The latest quality judgement (see `isPoor`). */
  readonly poor: boolean;
  /** The last error that ended a link or an attempt. */
  readonly lastError?: string;
  /** The application closed the handle: no signal moves the state any more. */
  readonly closedByApp?: boolean;
  /** The endpoint in use or being tried, when known. */
  readonly endpoint?: string;
  /** While the connection budget holds the next attempt back: when it may go. */
  readonly budgetWaitUntil?: number;
  /** The wait the server asked for (`Retry-After`), ms, while the retry it delays is scheduled. */
  readonly retryAfterMs?: number;
  /**
   * Whether the link is fit to trade on: up, the session set up (`setUp`) and the outbound path
   * confirmed (see `Connection.ready$`). Derived in the same step as those.
   */
  readonly ready: boolean;
  /** Whether the session on the open socket is set up: handshake, acknowledged subscriptions, resync. */
  readonly setUp: boolean;
  /** The step of setting the session up under way on the open socket, if any. */
  readonly step?: SessionStep;
  /** Whether the outbound path is confirmed (pongs, or bytes draining) or not (pings unanswered). */
  readonly outbound: 'confirmed' | 'unconfirmed';
}

/** Before the first attempt: Connecting. */
export function initialConnectionState(now: number, maxAttempts: number): ConnectionState {
  return {
    status: ConnectionStatus.Connecting,
    since: now,
    attempt: 0,
    maxAttempts,
    poor: false,
    ready: false,
    setUp: false,
    outbound: 'confirmed',
  };
}

/**
 * The six-state machine.
 * ```
 * Connecting ──open──► Connected ◄──quality good── Unstable
 *     ▲                   │ └──────quality poor──────►│
 *     │                   └──────disconnected─────────┴──► Disconnected ──retryScheduled──► Reconnecting
 *  (first try)                                                                  │  ▲ connectFailed
 *                                     Connected/Unstable ◄──open───────────────┤  └─────────┘
 *                                                          Failed ◄──failed────┘
 * ```
 * A manual `reconnect()` or the recovery probe starts a new cycle. Every attempt but the very first
 * of the handle's life is Reconnecting. `closed` (the application closed the handle) is final. The
 * quality judgement moves Connected ⇄ Unstable through `judgeQuality`, which the fold calls.
 */
export function nextConnectionState(state: ConnectionState, signal: ConnectionSignal): ConnectionState {
  if (state.closedByApp) return state;
  const next = withReady(step(state, signal));
  // A signal that moves nothing (a repeated failover, a disconnect while already down) keeps the
  // state itself, so the model and every selection of it stay unchanged too.
  return next === state || !sameFields(next, state) ? next : state;
}

function sameFields(a: ConnectionState, b: ConnectionState): boolean {
  const keys = Object.keys(a) as (keyof ConnectionState)[];
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

/** The state after one signal, before readiness is derived: the attempt cycle's moves are below. */
function step(state: ConnectionState, signal: ConnectionSignal): ConnectionState {
  switch (signal.type) {
    case 'connecting':
      return connecting(state, signal);
    case 'open':
      return to(
        withFields(state, {
          nextRetryAt: undefined,
          retryAfterMs: undefined,
          lastError: undefined,
          outbound: 'confirmed',
        }),
        state.poor ? ConnectionStatus.Unstable : ConnectionStatus.Connected,
        signal.at,
      );
    case 'disconnected':
      return to(
        withFields(state, { lastError: signal.reason, setUp: false, step: undefined, outbound: 'confirmed' }),
        ConnectionStatus.Disconnected,
        signal.at,
      );
    case 'step':
      return withFields(state, { step: signal.step });
    case 'setUp':
      return withFields(state, signal.setUp ? { setUp: true, step: undefined } : { setUp: false });
    case 'outbound': {
      const next: ConnectionState = { ...state, outbound: signal.confirmed ? 'confirmed' : 'unconfirmed' };
      return unstableOrNot(next, signal.at);
    }
    case 'connectFailed':
      return withFields(state, { lastError: signal.error });
    case 'retryScheduled':
      return retryScheduled(state, signal);
    case 'failed':
      return failed(state, signal);
    case 'budgetWait':
      return withFields(state, { budgetWaitUntil: signal.at + signal.waitMs });
    case 'failover':
      return withFields(state, { endpoint: signal.to });
    case 'closed':
      return closed(state, signal.at);
    default:
      return state;
  }
}

/** An attempt starts: the first of the handle's life is Connecting, every later one Reconnecting. */
function connecting(
  state: ConnectionState,
  signal: Extract<ConnectionSignal, { type: 'connecting' }>,
): ConnectionState {
  return to(
    withFields(state, {
      attempt: signal.attempt,
      maxAttempts: signal.maxAttempts,
      nextRetryAt: undefined,
      budgetWaitUntil: undefined,
    }),
    signal.reconnect ? ConnectionStatus.Reconnecting : ConnectionStatus.Connecting,
    signal.at,
  );
}

/** A retry is scheduled: Reconnecting until it starts, with when (and any wait the server asked for). */
function retryScheduled(
  state: ConnectionState,
  signal: Extract<ConnectionSignal, { type: 'retryScheduled' }>,
): ConnectionState {
  return to(
    withFields(state, {
      attempt: signal.attempt,
      maxAttempts: signal.maxAttempts,
      nextRetryAt: signal.at + signal.delayMs,
      retryAfterMs: signal.retryAfterMs,
      setUp: false,
    }),
    ConnectionStatus.Reconnecting,
    signal.at,
  );
}

/** The retry budget is spent: Failed, nothing scheduled, the error kept for the status line. */
function failed(state: ConnectionState, signal: Extract<ConnectionSignal, { type: 'failed' }>): ConnectionState {
  return to(
    withFields(state, {
      nextRetryAt: undefined,
      retryAfterMs: undefined,
      budgetWaitUntil: undefined,
      lastError: signal.error,
      setUp: false,
      step: undefined,
    }),
    ConnectionStatus.Failed,
    signal.at,
  );
}

/** The application closed the handle: Disconnected for good (`closedByApp` stops every later signal). */
function closed(state: ConnectionState, at: number): ConnectionState {
  return to(
    withFields(state, {
      nextRetryAt: undefined,
      budgetWaitUntil: undefined,
      closedByApp: true,
      setUp: false,
      step: undefined,
    }),
    ConnectionStatus.Disconnected,
    at,
  );
}

/**
 * The quality judgement at `at`: a Connected link whose quality turns poor is Unstable, an Unstable
 * one whose quality recovers (and whose outbound path is confirmed) is Connected again; in any other
 * status only the judgement is kept (a link that opens while poor opens Unstable).
 */
export function judgeQuality(state: ConnectionState, poor: boolean, at: number): ConnectionState {
  if (state.closedByApp || poor === state.poor) return state;
  return unstableOrNot({ ...state, poor }, at);
}

/** Unstable while the quality is poor or the outbound path unconfirmed; Connected otherwise (when up). */
function unstableOrNot(state: ConnectionState, at: number): ConnectionState {
  const unstable = state.poor || state.outbound === 'unconfirmed';
  if (state.status === ConnectionStatus.Connected && unstable) return to(state, ConnectionStatus.Unstable, at);
  if (state.status === ConnectionStatus.Unstable && !unstable) return to(state, ConnectionStatus.Connected, at);
  return state;
}

/** Ready: up, set up, and the outbound path confirmed; derived, never set on its own. */
function withReady(state: ConnectionState): ConnectionState {
  const up = state.status === ConnectionStatus.Connected || state.status === ConnectionStatus.Unstable;
  const ready = up && state.setUp && state.outbound === 'confirmed' && !state.closedByApp;
  return ready === state.ready ? state : { ...state, ready };
}

function to(state: ConnectionState, status: ConnectionStatus, at: number): ConnectionState {
  return state.status === status ? state : { ...state, status, since: at };
}

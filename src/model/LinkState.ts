import { ConnectionSignal } from './ConnectionSignal';
import { ConnectionStatus } from './ConnectionStatus';

/** The status machine's state: the status plus what the status line and the events need. */
export interface LinkState {
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
  /** Whether a socket has ever opened: later attempts are reconnects. */
  readonly everConnected: boolean;
  /** The last error that ended a link or an attempt. */
  readonly lastError?: string;
  /** The application closed the handle: no signal moves the state any more. */
  readonly closedByApp?: boolean;
  /** The endpoint in use or being tried, when known. */
  readonly endpoint?: string;
  /** While the connection budget holds the next attempt back: when it may go. */
  readonly budgetWaitUntil?: number;
}

/** Before the first attempt: Connecting. */
export function initialLinkState(now: number, maxAttempts = 5): LinkState {
  return {
    status: ConnectionStatus.Connecting,
    since: now,
    attempt: 0,
    maxAttempts,
    poor: false,
    everConnected: false,
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
 * of the handle's life is Reconnecting (see `isReconnect`). `closed` (the application closed the handle) is final.
 */
export function nextLinkState(state: LinkState, signal: ConnectionSignal): LinkState {
  if (state.closedByApp) return state;
  switch (signal.type) {
    case 'connecting': {
      const status = isReconnect(state, signal) ? ConnectionStatus.Reconnecting : ConnectionStatus.Connecting;
      return to(
        { ...state, attempt: signal.attempt, maxAttempts: signal.maxAttempts, nextRetryAt: undefined },
        status,
        signal.at,
      );
    }
    case 'open':
      return to(
        { ...state, everConnected: true, nextRetryAt: undefined, lastError: undefined },
        state.poor ? ConnectionStatus.Unstable : ConnectionStatus.Connected,
        signal.at,
      );
    case 'disconnected':
      return to({ ...state, lastError: signal.reason }, ConnectionStatus.Disconnected, signal.at);
    case 'connectFailed':
      return { ...state, lastError: signal.error };
    case 'retryScheduled':
      return to(
        { ...state, attempt: signal.attempt, maxAttempts: signal.maxAttempts, nextRetryAt: signal.at + signal.delayMs },
        ConnectionStatus.Reconnecting,
        signal.at,
      );
    case 'failed':
      return to({ ...state, nextRetryAt: undefined, lastError: signal.error }, ConnectionStatus.Failed, signal.at);
    case 'quality': {
      if (signal.poor === state.poor) return state;
      const next = { ...state, poor: signal.poor };
      if (state.status === ConnectionStatus.Connected && signal.poor)
        return to(next, ConnectionStatus.Unstable, signal.at);
      if (state.status === ConnectionStatus.Unstable && !signal.poor)
        return to(next, ConnectionStatus.Connected, signal.at);
      return next;
    }
    case 'budgetWait':
      return { ...state, budgetWaitUntil: signal.at + signal.waitMs };
    case 'failover':
      return { ...state, endpoint: signal.to };
    case 'closed':
      return to({ ...state, nextRetryAt: undefined, closedByApp: true }, ConnectionStatus.Disconnected, signal.at);
    default:
      return state;
  }
}

/** Whether an attempt is a reconnect: as the engine says, else any but a first try before any open. */
export function isReconnect(
  state: LinkState,
  signal: { readonly attempt: number; readonly reconnect?: boolean },
): boolean {
  return signal.reconnect ?? (signal.attempt > 0 || state.everConnected);
}

function to(state: LinkState, status: ConnectionStatus, at: number): LinkState {
  return state.status === status ? state : { ...state, status, since: at };
}

import { ConnectionQuality } from './ConnectionQuality';

/**
 * What the connection engine reports; the single input of the status, event and statistics
 * reducers. Every signal carries `at`, the scheduler time it happened, so reducers stay pure.
 * Attempts are numbered per reconnect cycle: 0 is the immediate try, 1…N the retries.
 */
export type ConnectionSignal =
  /**
   * A socket is being opened. `reconnect` is false only for the very first attempt of the handle's
   * life (when omitted, it is inferred: attempt > 0, or a socket has opened before).
   */
  | {
      readonly type: 'connecting';
      readonly at: number;
      readonly attempt: number;
      readonly maxAttempts: number;
      readonly reconnect?: boolean;
      /** The endpoint being tried, when the handle has several. */
      readonly endpoint?: string;
    }
  /** The connection budget is spent: the next attempt waits `waitMs`. */
  | { readonly type: 'budgetWait'; readonly at: number; readonly waitMs: number }
  /** The current endpoint exhausted its retry budget: moving to the next (or back to the preferred one). */
  | {
      readonly type: 'failover';
      readonly at: number;
      readonly from: string;
      readonly to: string;
      readonly reason: string;
    }
  /** A watched feed has been silent for its `staleAfter` while the link stayed up. */
  | {
      readonly type: 'feedStale';
      readonly at: number;
      readonly feed: string;
      readonly silentMs: number;
      readonly resubscribed: boolean;
    }
  /** A stale feed spoke again. */
  | { readonly type: 'feedResumed'; readonly at: number; readonly feed: string; readonly silentMs: number }
  /** The latency trend will cross the warning within the horizon: degradation is coming. */
  | {
      readonly type: 'forecast';
      readonly at: number;
      readonly currentMs: number;
      readonly projectedMs: number;
      readonly slopeMsPerSecond: number;
      readonly horizonMs: number;
    }
  /** The socket opened (the WebSocket upgrade completed); `reconnect` as for `connecting`. */
  | { readonly type: 'open'; readonly at: number; readonly attempt: number; readonly reconnect?: boolean }
  /** An attempt failed before the socket opened; `reconnect` as for `connecting`. */
  | {
      readonly type: 'connectFailed';
      readonly at: number;
      readonly attempt: number;
      readonly error: string;
      readonly reconnect?: boolean;
    }
  /** An open link ended: remote close, transport error, heartbeat timeout, or a forced reconnect. */
  | { readonly type: 'disconnected'; readonly at: number; readonly reason: string; readonly code?: number }
  /** The next attempt is scheduled after a backoff delay. */
  | {
      readonly type: 'retryScheduled';
      readonly at: number;
      readonly attempt: number;
      readonly maxAttempts: number;
      readonly delayMs: number;
    }
  /** The retry budget is spent (or the error is not retryable): the link has failed. */
  | {
      readonly type: 'failed';
      readonly at: number;
      readonly attempts: number;
      readonly error: string;
      /** Milliseconds until the recovery attempt, when one is scheduled. */
      readonly recoveryInMs?: number;
    }
  /** Neither a pong nor any data arrived within the heartbeat timeout. */
  | { readonly type: 'heartbeatTimeout'; readonly at: number; readonly silentMs: number; readonly timeoutMs: number }
  /** A non-fatal error: a malformed inbound message, a failed check, a message that could not be encoded. */
  | { readonly type: 'error'; readonly at: number; readonly message: string }
  /** Data arrived first after an open, or again after a silence. */
  | { readonly type: 'dataResumed'; readonly at: number; readonly silentMs: number; readonly afterOpen: boolean }
  /** The quality figures changed; `poor` is judged against the configured thresholds. */
  | {
      readonly type: 'quality';
      readonly at: number;
      readonly quality: ConnectionQuality;
      readonly score: number;
      readonly poor: boolean;
      readonly warnings: readonly string[];
      /** Set when the latency-trend predictor, not the score, judged the link poor. */
      readonly predicted?: boolean;
    }
  /** The application closed the handle. */
  | { readonly type: 'closed'; readonly at: number };

export type ConnectionSignalType = ConnectionSignal['type'];

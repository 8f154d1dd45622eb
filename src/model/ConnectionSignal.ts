import type { FeedLagReading } from './FeedLagReading';

/**
 * What the connection engine reports: the single input of the one fold (`nextLinkModel`) from which
 * the status, the events, the quality figures and the statistics all come. Every signal carries
 * `at`, the scheduler time it happened, so the fold stays pure. Attempts are numbered per reconnect
 * cycle: 0 is the immediate try, 1…N the retries; `reconnect` is false only for the very first
 * attempt of the handle's life, and the engine always says which.
 */
export type ConnectionSignal =
  /** A socket is being opened. */
  | {
      readonly type: 'connecting';
      readonly at: number;
      readonly attempt: number;
      readonly maxAttempts: number;
      readonly reconnect: boolean;
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
      readonly reason?: 'silence';
    }
  /** A watched feed's messages keep coming, but late: its lag stayed past `maxLag` (see `feedLag`). */
  | {
      readonly type: 'feedStale';
      readonly at: number;
      readonly feed: string;
      readonly reason: 'lag';
      /** The lag of the message that made it stale, ms. */
      readonly lagMs: number;
      readonly maxLagMs: number;
    }
  /** A stale feed spoke again. */
  | {
      readonly type: 'feedResumed';
      readonly at: number;
      readonly feed: string;
      readonly silentMs: number;
      readonly reason?: 'silence';
    }
  /** A feed stale for its lag caught up: its messages came in at or under `recoverLag` again. */
  | {
      readonly type: 'feedResumed';
      readonly at: number;
      readonly feed: string;
      readonly reason: 'lag';
      readonly lagMs: number;
    }
  /** The lag figures of the feeds watched for it, on the sampling tick when they changed. */
  | { readonly type: 'feedLag'; readonly at: number; readonly feeds: readonly FeedLagReading[] }
  /** The latency trend will cross the warning within the horizon: degradation is coming. */
  | {
      readonly type: 'forecast';
      readonly at: number;
      readonly currentMs: number;
      readonly projectedMs: number;
      readonly slopeMsPerSecond: number;
      readonly horizonMs: number;
    }
  /** The socket opened (the WebSocket upgrade completed). */
  | { readonly type: 'open'; readonly at: number; readonly attempt: number; readonly reconnect: boolean }
  /** An attempt failed before the socket opened. */
  | {
      readonly type: 'connectFailed';
      readonly at: number;
      readonly attempt: number;
      readonly error: string;
      readonly reconnect: boolean;
    }
  /**
   * An open link ended: remote close, transport error, heartbeat timeout; or on purpose (`requested`:
   * the application's `reconnect()`, a move back to the preferred endpoint).
   */
  | {
      readonly type: 'disconnected';
      readonly at: number;
      readonly reason: string;
      readonly code?: number;
      readonly requested?: boolean;
    }
  /** The next attempt is scheduled after a backoff delay. */
  | {
      readonly type: 'retryScheduled';
      readonly at: number;
      readonly attempt: number;
      readonly maxAttempts: number;
      readonly delayMs: number;
      /**
       * The server asked for this wait (the `Retry-After` of a rejected upgrade, capped at
       * `maxRetryAfter`), ms, when it did.
       */
      readonly retryAfterMs?: number;
    }
  /** The retry budget is spent (or the error is not retryable): the link has failed. */
  | {
      readonly type: 'failed';
      readonly at: number;
      readonly attempts: number;
      readonly error: string;
      /** Milliseconds until the recovery attempt, when one is scheduled. */
      readonly recoveryInMs?: number;
      /** The exchange said retrying is pointless (`fatalOn`): no retry, no recovery attempt. */
      readonly fatal?: boolean;
    }
  /**
   * The heartbeat timeout passed: nothing came in (`inbound`: neither a pong nor any data), or nothing
   * went out (`outbound`: no pong and no bytes drained) while data still came in.
   */
  | {
      readonly type: 'heartbeatTimeout';
      readonly at: number;
      readonly silentMs: number;
      readonly timeoutMs: number;
      readonly direction?: 'inbound' | 'outbound';
    }
  /** A non-fatal error: a malformed inbound message, a state that could not be restored. */
  | { readonly type: 'error'; readonly at: number; readonly message: string }
  /** Data arrived first after an open, or again after a silence. */
  | { readonly type: 'dataResumed'; readonly at: number; readonly silentMs: number; readonly afterOpen: boolean }
  /** A round trip: a heartbeat pong, or a connection check (the probe) that succeeded. */
  | {
      readonly type: 'roundTrip';
      readonly at: number;
      readonly source: 'heartbeat' | 'probe';
      readonly latencyMs: number;
    }
  /** A ping given up: a later one was answered first, or it went unanswered for the timeout. */
  | { readonly type: 'pingLost'; readonly at: number }
  /** A connection check (the probe) failed; `initial` marks the check made at start, which only warns. */
  | { readonly type: 'checkFailed'; readonly at: number; readonly error: string; readonly initial: boolean }
  /** The inbound rate over the last sampling tick. */
  | { readonly type: 'throughput'; readonly at: number; readonly messagesPerSecond: number }
  /** A step of setting the session up on an open socket began (`undefined`: no step pending). */
  | { readonly type: 'step'; readonly at: number; readonly step: SessionStep | undefined }
  /** A subscription's verdict on the current socket. */
  | {
      readonly type: 'subscription';
      readonly at: number;
      readonly name: string;
      readonly verdict: 'confirmed' | 'rejected' | 'unconfirmed';
      readonly reason?: string;
    }
  /** The resync hook resolved after `ms`. */
  | { readonly type: 'resynced'; readonly at: number; readonly ms: number }
  /**
   * Whether the session on the open socket is set up: the handshake done, every acknowledged
   * subscription active, the resync hook resolved. `ms`, the time from the socket opening, when it
   * becomes so after steps. (Ready is set up with the outbound path confirmed: the fold derives it.)
   */
  | { readonly type: 'setUp'; readonly at: number; readonly setUp: boolean; readonly ms?: number }
  /**
   * The outbound path: unconfirmed when a ping waited `pongTimeout` with no pong and no bytes draining
   * (data coming in proves only the inbound direction); confirmed again by a pong or by progress.
   */
  | { readonly type: 'outbound'; readonly at: number; readonly confirmed: boolean; readonly silentMs: number }
  /**
   * Replacing an aged socket make-before-break (`maxConnectionAge`): a successor is being set up
   * (`started`), took over after `overlapMs` of both sockets open (`done`), could not be set up and
   * is tried again in `retryInMs` while the current socket serves on (`failed`), or could not be set
   * up and is not tried again (`gaveUp`, `because` the exchange said retrying is pointless, `shouldRetry`
   * refused the error, or `retries` retries were spent): the current socket serves until it ends.
   */
  | {
      readonly type: 'renewal';
      readonly at: number;
      readonly phase: 'started' | 'done' | 'failed' | 'gaveUp';
      /** Age of the socket being replaced, ms. */
      readonly ageMs: number;
      readonly overlapMs?: number;
      readonly reason?: string;
      readonly retryInMs?: number;
      readonly because?: RenewalRefusal;
      readonly retries?: number;
    }
  /** This process's own timers ran `lagMs` late: a handler or a GC pause stalled it. */
  | { readonly type: 'stall'; readonly at: number; readonly lagMs: number }
  /** The application closed the handle. */
  | { readonly type: 'closed'; readonly at: number };

/** Why renewal gave up: a fatal message, an error `shouldRetry` refused, or `maxAttempts` retries spent. */
export type RenewalRefusal = 'fatal' | 'notRetried' | 'exhausted';

/** A step of setting a session up on a socket: the handshake, the subscriptions, the resync hook. */
export type SessionStep = 'handshake' | 'subscribing' | 'resync';

export type ConnectionSignalType = ConnectionSignal['type'];

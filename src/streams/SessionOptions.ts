import { Observable, ObservableInput } from 'rxjs';
import { WireData } from '../model/Codec';
import { Budget } from '../model/Budget';
import { Duration } from '../model/parseDuration';

/**
 * Where to connect, decided before every attempt: listen keys, short-lived tokens, signed query
 * strings. Returns the `ws://` or `wss://` URL; a throw or a rejection fails the attempt like any
 * other failure (`shouldRetry` decides).
 */
export type UrlFactory = (attempt: AttemptInfo) => string | Promise<string>;

/** Which attempt a `UrlFactory` or a handshake serves. */
export interface AttemptInfo {
  /** The attempt in the current reconnect cycle: 0 is the immediate try, 1…N the retries. */
  readonly attempt: number;
  /** False only for the very first attempt of the handle's life. */
  readonly reconnect: boolean;
}

/**
 * The socket being set up, as the handshake and the resync hook see it: send on it, ask on it, read
 * from it. Everything goes through the message budget; nothing is queued for a later socket.
 */
export interface Session<In = unknown, Out = unknown> extends AttemptInfo {
  /** The endpoint this socket is connected to. */
  readonly url: string;
  /** Inbound messages on this socket only (decoded; frames matched by `ignoreFrames` excluded). */
  readonly messages$: Observable<In>;
  /** Writes a message on this socket now (after the message budget); resolves once the kernel has it. */
  send(message: Out): Promise<void>;
  /**
   * Writes a request on this socket now, with a fresh correlation id, and resolves with its reply (see
   * `Connection.request`). Only a reply `timeout`: like `send` it goes ahead of anything queued, so it
   * has no time-to-live to wait under, and no deadline is stamped into it; `readyTimeout` bounds the step.
   */
  request<Reply = In>(message: Out, options?: SessionRequestOptions): Promise<Reply>;
  /** The exchange's time now, ms: the local time corrected by the measured clock offset (0 until measured). */
  exchangeNow(): number;
}

/**
 * The per-connect handshake: runs on every socket open, before any subscription or queued message,
 * e.g. a login signed with the current time. It may send, await replies, and must finish within
 * `readyTimeout`; a failure fails the attempt (a `SessionError` at step `handshake`), and
 * `shouldRetry` decides whether it is retried (the default does not retry a request the exchange
 * refused, so a bad key does not loop). Returns a Promise, or an Observable (its completion is the
 * end of the step: handy in marble specs).
 */
export type Handshake<In = unknown, Out = unknown> = (session: Session<In, Out>) => ObservableInput<unknown>;

/**
 * After the handshake and the subscriptions, before the link is ready: the application's own catch-up,
 * e.g. a REST backfill of open orders and positions after a gap. A failure fails the attempt. A
 * Promise, or an Observable.
 */
export type Resync<In = unknown, Out = unknown> = (session: Session<In, Out>) => ObservableInput<unknown>;

/** Per-request settings of `session.request`: the reply timeout only (it has no `ttl`, see `Session.request`). */
export type SessionRequestOptions = Pick<RequestOptions, 'timeout'>;

/** What an inbound message says about a pending subscription. */
export type AckVerdict = 'ack' | 'reject' | undefined;

/** How to recognise the server's confirmation (or rejection) of one subscription. */
export interface AckRule<In = unknown> {
  /**
   * Looks at each inbound message while the subscription is pending: `'ack'` confirms it, `'reject'`
   * rejects it (with the message as the reason), `undefined` is not about it.
   */
  readonly match: (message: In) => AckVerdict;
  /**
   * How long to wait for the verdict once written; unconfirmed after that. Defaults to the `readyTimeout`
   * option. While the socket is set up, never past its ready deadline (`readyTimeout` from its opening),
   * which the handshake, the acks and the resync share.
   */
  readonly timeout?: Duration;
}

/** A message, or a function building it afresh on every connect (a timestamp, a nonce, a signature). */
export type MessageOrBuilder<Out> = Out | (() => Out);

/** One subscription: its message (built per connect), how it is confirmed, how it is undone. */
export interface SubscriptionOptions<In = unknown, Out = unknown> {
  /** A name for events and the state; defaults to a short rendering of the message. */
  readonly name?: string;
  /** How the server confirms it; without one it is active as soon as it is written. */
  readonly ack?: AckRule<In>;
  /** Sent (if the link is up) when the subscription is removed. */
  readonly unsubscribe?: MessageOrBuilder<Out>;
}

/**
 * Where a subscription stands on the current socket: `pending` (written, its ack awaited; or no socket
 * now), `active` (written, and confirmed where it has an ack), `rejected` (refused by the exchange, not
 * confirmed in time, or never written because its builder threw: it is built and sent again on the
 * next socket).
 */
export type SubscriptionState = 'pending' | 'active' | 'rejected';

/** A subscription added with `Connection.subscribe`. */
export interface SubscriptionHandle {
  readonly name: string;
  /**
   * Its state on the current socket (pending while there is none: the link is down), distinct values,
   * the current one replayed; completes when removed.
   */
  readonly state$: Observable<SubscriptionState>;
  /**
   * Resolves the first time it is active; rejects if it is rejected first (refused, unconfirmed, or
   * its builder threw).
   */
  readonly active: Promise<void>;
  /** Removes it: never replayed again; its `unsubscribe` message is sent if the link is up. */
  unsubscribe(): void;
}

/** How requests and replies are matched, for `request()`. */
export interface Correlation<In = unknown, Out = unknown> {
  /** Puts the id into an outbound request. Defaults to `{ ...message, id }`. */
  readonly stamp?: (message: Out, id: number) => Out;
  /** The id a reply answers, if it is a reply. Defaults to `message.id`. */
  readonly idOf?: (message: In) => number | string | undefined;
  /** The error a reply carries, if it is an error reply. Defaults to `message.error` (its `message` or text). */
  readonly errorOf?: (message: In) => string | undefined;
  /**
   * Puts the request's deadline (scheduler time, ms) into it at write time, so the exchange itself
   * refuses it if it arrives late (e.g. Hyperliquid's `expiresAfter`). Defaults to none.
   */
  readonly stampDeadline?: (message: Out, deadline: number) => Out;
  /** The exchange's own time in a reply, ms, if it carries one: each such reply measures the clock offset. */
  readonly serverTimeOf?: (message: In) => number | undefined;
}

/** Per-request settings. */
export interface RequestOptions {
  /** How long to wait for the reply once written. Defaults to the `requestTimeout` option. */
  readonly timeout?: Duration;
  /** How long it may wait to be written (link down, budget, backpressure). Defaults to the `queueTtl` option. */
  readonly ttl?: Duration;
}

/** What the exchange may tell the link to do, recognised in inbound messages. */
export interface ExchangeDirectives<In = unknown> {
  /**
   * A message that asks for a reconnect now ("closing for upgrade", "listen key expired"): return the
   * reason (or `true`). The link is replaced at once, without backoff.
   */
  readonly reconnectOn?: (message: In) => string | boolean | undefined;
  /**
   * A message that means retrying is pointless (an invalid API key): return the reason (or `true`).
   * The link ends in Failed with that reason, with no retry and no recovery attempt.
   */
  readonly fatalOn?: (message: In) => string | boolean | undefined;
  /**
   * Frames that are neither messages nor errors (a greeting text, a bare `pong` the heartbeat did not
   * ask for): a substring, a pattern (its `g` and `y` flags dropped: each frame is tested afresh), or a
   * predicate over the raw frame. They reach nothing.
   */
  readonly ignoreFrames?: string | RegExp | ((data: WireData) => boolean);
}

/** The session options of `connect()`: everything about what runs on the link, beyond keeping it alive. */
export interface SessionOptions<In = unknown, Out = unknown> extends ExchangeDirectives<In> {
  /** Run on every socket open before anything else is sent (see `Handshake`). */
  readonly handshake?: Handshake<In, NoInfer<Out>>;
  /** Run after the subscriptions are confirmed, before the link is ready (see `Resync`). */
  readonly resync?: Resync<In, NoInfer<Out>>;
  /** How `request()` stamps ids and matches replies. */
  readonly correlation?: Correlation<In, NoInfer<Out>>;
  /**
   * How the server confirms a subscription that carries no `ack` of its own (an exchange profile gives
   * its shape): the rule for a given subscription message, or undefined for none.
   */
  readonly acks?: (subscription: NoInfer<Out>) => AckRule<In> | undefined;
  /**
   * A message budget shared with other handles (a `WindowBudget`, or `redisBudget` for a fleet):
   * exchanges limit messages per IP. By default each handle has its own (`messageLimit` per
   * `messageLimitWindow`).
   */
  readonly messageBudget?: Budget;
}

import { Observable, filter, firstValueFrom, first, skipWhile, timeout } from 'rxjs';
import { connect } from '../../../src/streams/connect';
import { Connection, ConnectOptions } from '../../../src/streams/Connection';
import {
  MessageOrBuilder,
  RequestOptions,
  SessionOptions,
  SubscriptionHandle,
  SubscriptionOptions,
  UrlFactory,
} from '../../../src/streams/SessionOptions';

/**
 * The `Connection` the engine is gaining (/work/briefs/connection-api.patch): `ready$`, `request()`,
 * `subscribe()`, `exchangeNow()`. Once `connect()` returns it, `connectSession` is `connect`.
 */
export interface SessionConnection<In, Out> extends Connection<In, Out> {
  readonly ready$: Observable<boolean>;
  request<Reply = In>(message: Out, options?: RequestOptions): Promise<Reply>;
  subscribe(message: MessageOrBuilder<Out>, options?: SubscriptionOptions<In, Out>): SubscriptionHandle;
  exchangeNow(): number;
}

/** `connect()`'s options as the patch widens them: session options, a `UrlFactory`, subscription builders. */
export type SessionConnectOptions<In, Out> = Omit<ConnectOptions<In, Out>, 'url' | 'subscriptions'> &
  SessionOptions<In, Out> & {
    readonly url: string | UrlFactory | readonly (string | UrlFactory)[];
    readonly subscriptions?: readonly MessageOrBuilder<Out>[];
  };

/** `connect()` typed to the planned API; the options pass through untouched. */
export function connectSession<In, Out>(options: SessionConnectOptions<In, Out>): SessionConnection<In, Out> {
  return connect(options as unknown as ConnectOptions<In, Out>) as unknown as SessionConnection<In, Out>;
}

/** Settings that make reconnects play out in well under a second, for integration specs. */
export const FAST_RETRY = {
  initialDelay: 50,
  maxDelay: 200,
  jitter: 'none',
  maxAttempts: 20,
  resetOnSuccess: 0,
  adaptiveHeartbeat: false,
  readyTimeout: '3s',
  requestTimeout: '3s',
} as const;

/** Resolves when the link is ready (now or later). */
export function ready(link: { readonly ready$: Observable<boolean> }, ms = 5000): Promise<boolean> {
  return firstValueFrom(link.ready$.pipe(filter(Boolean), timeout(ms)));
}

/**
 * Resolves when the link has stopped being ready and is ready again. Call it before the fault, so the
 * drop and the recovery cannot both slip past.
 */
export function readyAgain(link: { readonly ready$: Observable<boolean> }, ms = 8000): Promise<boolean> {
  return firstValueFrom(link.ready$.pipe(skipWhile(Boolean), first(Boolean), timeout(ms)));
}

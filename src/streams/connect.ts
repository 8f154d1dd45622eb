import { Connection, ConnectOptions } from './Connection';
import { ConnectionHandle } from './ConnectionHandle';
import { LinkEngine } from './LinkEngine';
import { resolveConnectOptions } from './resolveConnectOptions';

/**
 * Opens a managed connection and keeps it alive and honest: heartbeats in both directions, latency
 * probes, data-flow sampling, quality scoring, reconnects with exponential backoff, the session run on
 * every socket (handshake, acknowledged subscriptions, resync: ready), requests with replies, and the
 * status, event, quality and statistics streams a strategy trades by.
 *
 * ```
 * socket:    --o-----------x            (o open, x lost)
 * status$:   C-K-----------D-R---R--K   (Connecting, Connected, Disconnected, Reconnecting: attempt 1, 2 …)
 * events$:   --C-----------D-A---F-AS   (Connected, Disconnected, ReconnectAttempt, ReconnectFailed, …Success)
 * ```
 *
 * Connecting starts at once. On every (re)connect the handshake runs first, then the subscriptions
 * are sent, then (once ready) the queued messages in order. After `maxAttempts` failed retries the
 * next endpoint (if `url` lists several) is tried, and after the last one the status is Failed; the
 * handle then waits for `reconnect()` or tries once every `recoveryInterval`. Every attempt takes a
 * slot from the connection budget, every message one from the message budget. Every option is
 * validated before anything starts: a bad one throws a `ConfigError` naming the field.
 *
 * @example
 * const link = connect({ url: 'wss://api.example.com/ws', subscriptions: [{ method: 'subscribe', channel: 'trades' }] });
 * link.status$.subscribe((status) => console.log(status));   // Connecting, Connected, …
 * link.messages$.subscribe((message) => strategy.onMessage(message));
 * await link.send({ method: 'order', px: '67000.5', sz: '0.01' }, { ttl: '2s' });
 * await link.close();
 *
 * @param options The endpoint(s), the settings (see `LifelineConfigInput`), the session and the injectable parts.
 * @returns The handle: streams, `send`, `request`, `subscribe`, `snapshot`, `reconnect`, `close`.
 */
export function connect<In = unknown, Out = unknown>(options: ConnectOptions<In, Out>): Connection<In, Out> {
  const engine = new LinkEngine(resolveConnectOptions(options));
  engine.start();
  return new ConnectionHandle(engine);
}

import type { Agent, ClientRequest, IncomingMessage } from 'node:http';
import { Observable, SchedulerLike, Subject, asyncScheduler } from 'rxjs';
import makeWebSocketObservable, { GetWebSocketResponses, WebSocketLike } from 'rxjs-websockets';
import type { ConnectionOptions } from 'node:tls';
import WebSocket, { ClientOptions } from 'ws';
import { WireData } from '../model/Codec';
import { retryAfterMs } from '../model/retryAfterMs';
import { TransportError } from '../model/TransportError';
import { Transport, TransportConnection } from './Transport';

/** TLS settings passed to the `ws` client (Node's `tls.connect` options). */
export type TlsOptions = Pick<
  ConnectionOptions,
  'ca' | 'cert' | 'key' | 'pfx' | 'passphrase' | 'rejectUnauthorized' | 'servername' | 'checkServerIdentity'
>;

/** The socket settings of `webSocketTransport`: endpoint, subprotocols, headers, TLS and the `ws` client limits. */
export interface WebSocketTransportOptions {
  /** `ws://` or `wss://` endpoint. */
  readonly url: string;
  /** Subprotocols to offer. Defaults to none. */
  readonly protocols?: readonly string[];
  /** Extra upgrade-request headers. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Milliseconds for TCP + TLS + upgrade. Defaults to `10000`. */
  readonly handshakeTimeout?: number;
  /** Largest inbound message in bytes. Defaults to 16 MiB. */
  readonly maxPayload?: number;
  /** Milliseconds a close handshake may take before the socket is destroyed. Defaults to `1000`. */
  readonly closeTimeout?: number;
  /** TLS options, e.g. `{ ca }` for a private certificate authority. */
  readonly tls?: TlsOptions;
  /**
   * The `http.Agent` the socket is opened through: a proxy, typically. `ws` hands it the upgrade
   * request, so any agent works: `new HttpsProxyAgent('http://user:pass@proxy:3128')` (package
   * `https-proxy-agent`: HTTP CONNECT, for `ws://` and `wss://` alike) or
   * `new SocksProxyAgent('socks5h://user:pass@proxy:1080')` (package `socks-proxy-agent`: SOCKS4/5,
   * `socks5h` letting the proxy resolve the name). TLS to a `wss://` server runs inside the tunnel,
   * end to end. Defaults to none: a direct connection.
   */
  readonly agent?: Agent;
  /**
   * The local clock, read only to turn a `Retry-After` HTTP-date into a wait when the rejecting
   * response carries no `Date` header. Defaults to `asyncScheduler`.
   */
  readonly scheduler?: SchedulerLike;
}

/**
 * The production transport: rxjs-websockets' `makeWebSocketObservable` over a `ws` client built by
 * our `makeWebSocket` factory. Keeping a handle to that client gives the heartbeat protocol
 * ping/pong, the close code and reason, and a write callback for every frame: rxjs-websockets' own
 * input stream calls `send` without one, and a frame sent to a closing `ws` socket is then dropped
 * without a word, so outbound frames go straight to the client instead.
 *
 * ```
 * connect():  --c-------#      c: the open connection; #: TransportError (close code, errno, …)
 * rejected:   --#              an upgrade answered 429 + Retry-After: 30 →
 *                              TransportError { httpStatus: 429, retryAfterMs: 30000 }
 * ```
 *
 * Everything it reports comes from `ws`'s public surface: `'unexpected-response'` for the HTTP
 * status and the `Retry-After` and `Date` headers of a rejected upgrade, `'close'` for the code and
 * reason of a close, and `'error'` with its documented `code` for what went wrong. When ws itself
 * fails an open connection (a message over `maxPayload`, invalid UTF-8, a protocol violation), the
 * close code is the one ws sent for that error code (1009, 1007, 1002): ws stops reading after
 * sending it, so its own `'close'` event can only say 1006.
 *
 * @example
 * const transport = webSocketTransport({
 *   url: 'wss://api.example.com/ws',
 *   agent: new HttpsProxyAgent('http://proxy.internal:3128'),
 * });
 * const link = connect({ url: 'wss://api.example.com/ws', transport });
 * // or simply: connect({ url: 'wss://api.example.com/ws', agent: new HttpsProxyAgent('http://proxy.internal:3128') })
 *
 * @param options The endpoint and how to reach it.
 * @returns A `Transport` whose every `connect()` subscription opens one socket.
 */
export function webSocketTransport(options: WebSocketTransportOptions): Transport {
  const {
    url,
    protocols = [],
    headers = {},
    handshakeTimeout = 10_000,
    maxPayload = 16 * 1024 * 1024,
    closeTimeout = 1000,
    tls = {},
    agent,
    scheduler = asyncScheduler,
  } = options;
  const open = new Set<WebSocket>();
  const idle: Array<() => void> = [];
  const forget = (ws: WebSocket): void => {
    open.delete(ws);
    if (open.size === 0) idle.splice(0).forEach((resolve) => resolve());
  };

  const connect = (): Observable<TransportConnection> =>
    new Observable<TransportConnection>((subscriber) => {
      let ws: WebSocket | undefined;
      let lastError: (Error & { code?: string }) | undefined;
      let rejected: Rejection | undefined;
      let opened = false;
      let closeCode: number | undefined;
      let closeReason = '';
      const pongs = new Subject<number | undefined>();

      const makeWebSocket = (target: string, offered: string | string[]): WebSocketLike => {
        const socket = new WebSocket(target, offered, {
          ...tls,
          headers: { ...headers },
          handshakeTimeout,
          maxPayload,
          closeTimeout,
          perMessageDeflate: false,
          ...(agent !== undefined ? { agent } : {}),
        } as ClientOptions);
        open.add(socket);
        // Registered before rxjs-websockets sets its handlers, so these run first.
        socket.on('error', (error) => (lastError = error));
        // With a listener here ws leaves the refused request to us: read the answer, then abort.
        socket.on('unexpected-response', (_request: ClientRequest, response: IncomingMessage) => {
          rejected = rejectionOf(response, scheduler.now());
          socket.terminate();
        });
        socket.on('close', (code, reason) => {
          closeCode = code;
          closeReason = reason.toString();
          forget(socket);
        });
        socket.on('pong', (payload: Buffer) => pongs.next(pingId(payload)));
        ws = socket;
        return lifecycleOnly(socket);
      };

      const proxied = agent !== undefined;
      const failure = (fallback: unknown): TransportError => {
        if (rejected) return describeRejection(rejected, proxied);
        if (lastError) return describeError(lastError, opened, closeCode, proxied);
        if (closeCode !== undefined) return describeClose(closeCode, closeReason, proxied);
        return new TransportError(fallback instanceof Error ? fallback.message : String(fallback));
      };

      const socket$ = makeWebSocketObservable(url, {
        protocols: [...protocols],
        makeWebSocket: makeWebSocket as never,
      });
      const subscription = socket$.subscribe({
        next: (getResponses: GetWebSocketResponses) => {
          opened = true;
          const socket = ws as WebSocket;
          subscriber.next(connection(socket, getResponses, pongs));
        },
        error: (error: unknown) => subscriber.error(failure(error)),
        complete: () => subscriber.error(failure('socket closed')),
      });

      return () => {
        // rxjs-websockets closes without a status code (the peer sees 1005); say it is a normal closure.
        if (ws?.readyState === WebSocket.OPEN) ws.close(1000, 'client closing');
        subscription.unsubscribe();
        pongs.complete();
      };
    });

  return {
    connect,
    drain: () => (open.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => idle.push(resolve))),
  };
}

/**
 * The ws client as rxjs-websockets sees it: open, close and error go through; its message handler is
 * ignored, because inbound frames are read from the client directly (see `connection`). Through
 * `onmessage`, ws builds a MessageEvent for every frame and rxjs-websockets pushes it through a
 * Subject: 5–10 % of the inbound budget in `npm run bench`, before lifeline does anything.
 */
function lifecycleOnly(socket: WebSocket): WebSocketLike {
  return {
    set onopen(handler: ((event: WebSocket.Event) => void) | null) {
      socket.onopen = handler;
    },
    set onclose(handler: ((event: WebSocket.CloseEvent) => void) | null) {
      socket.onclose = handler;
    },
    set onerror(handler: ((event: WebSocket.ErrorEvent) => void) | null) {
      socket.onerror = handler;
    },
    set onmessage(_handler: unknown) {
      // Frames are read from the client directly.
    },
    send: (data: string) => socket.send(data),
    close: () => socket.close(),
  } as unknown as WebSocketLike;
}

function connection(
  ws: WebSocket,
  getResponses: GetWebSocketResponses,
  pongs: Subject<number | undefined>,
): TransportConnection {
  // rxjs-websockets wants its response function called once; its own message stream stays unused.
  getResponses(new Observable<never>());
  // Text frames as strings, binary frames as Buffers, straight from the ws client's 'message' event.
  const messages$ = new Observable<WireData>((subscriber) => {
    const onMessage = (data: Buffer, isBinary: boolean): void => subscriber.next(isBinary ? data : data.toString());
    ws.on('message', onMessage);
    return () => void ws.off('message', onMessage);
  });
  return {
    messages$,
    pongs$: pongs.asObservable(),
    send(data, done) {
      if (ws.readyState !== WebSocket.OPEN) return false;
      ws.send(data, (error) => done(error ?? undefined));
      return true;
    },
    ping(id) {
      if (ws.readyState === WebSocket.OPEN) ws.ping(Buffer.from(String(id)));
    },
    terminate() {
      ws.terminate();
    },
  };
}

/** The ping id a pong echoes, if its payload is one of ours. */
function pingId(payload: Buffer): number | undefined {
  if (payload.length === 0 || payload.length > 16) return undefined;
  const id = Number(payload.toString('latin1'));
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

const CLOSE_NAMES: Readonly<Record<number, string>> = {
  1000: 'normal closure',
  1001: 'going away',
  1002: 'protocol error',
  1003: 'unsupported data',
  1005: 'no status',
  1006: 'abnormal closure',
  1007: 'invalid payload',
  1008: 'policy violation',
  1009: 'message too big',
  1011: 'server error',
  1012: 'service restart',
  1013: 'try again later',
};

function describeClose(code: number, reason: string, proxied: boolean): TransportError {
  const name = CLOSE_NAMES[code] ?? 'closed';
  return new TransportError(`connection closed: ${code} ${name}${reason ? ` (${reason})` : ''}`, {
    closeCode: code,
    closeReason: reason,
    ...(proxied ? { proxied } : {}),
  });
}

/** What a refused upgrade said: its status and, if it asked for one, the wait before the next try. */
interface Rejection {
  readonly status: number;
  readonly retryAfterMs: number | undefined;
}

function rejectionOf(response: IncomingMessage, now: number): Rejection {
  const header = (name: string): string | undefined => {
    const value = response.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  return {
    status: response.statusCode ?? 0,
    retryAfterMs: retryAfterMs(header('retry-after'), header('date'), now),
  };
}

function describeRejection({ status, retryAfterMs }: Rejection, proxied: boolean): TransportError {
  // 407 only ever comes from a proxy; any other status through a proxy may be the proxy's or the server's.
  const text =
    status === 407
      ? 'proxy refused: HTTP 407 (proxy authentication required)'
      : `upgrade rejected: HTTP ${status}${proxied ? ' (through the proxy: from the proxy or the server)' : ''}`;
  return new TransportError(retryAfterMs === undefined ? text : `${text}, retry after ${retryAfterMs} ms`, {
    httpStatus: status,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    ...(proxied ? { proxied } : {}),
  });
}

/**
 * The close code ws sends when it fails the connection for one of its documented `WS_ERR_*` error
 * codes (RFC 6455 §7.4.1). Having sent it, ws stops reading, so its `'close'` event says 1006: the
 * peer's answer is never read. Any other `WS_ERR_*` is a protocol error (1002).
 */
const CLOSE_CODE_SENT: Readonly<Record<string, number>> = {
  WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: 1009,
  WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH: 1009,
  WS_ERR_TOO_MANY_BUFFERED_PARTS: 1008,
  WS_ERR_INVALID_UTF8: 1007,
};

function describeError(
  error: Error & { code?: string },
  opened: boolean,
  closeCode: number | undefined,
  proxied: boolean,
): TransportError {
  const text = error.message || error.name;
  const code = error.code;
  const sent =
    code === undefined ? undefined : (CLOSE_CODE_SENT[code] ?? (code.startsWith('WS_ERR_') ? 1002 : undefined));
  // A socket that never opened has no close code worth the name (ws says 1006).
  const reported = opened ? (sent ?? closeCode) : undefined;
  // Before the upgrade, the proxy may be the one that failed (refused, unreachable, bad credentials).
  return new TransportError(proxied && !opened ? `${text} (through the proxy)` : text, {
    ...(code !== undefined ? { errno: code } : {}),
    ...(reported !== undefined ? { closeCode: reported } : {}),
    ...(proxied ? { proxied } : {}),
  });
}

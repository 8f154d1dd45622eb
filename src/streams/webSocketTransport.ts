import type { Agent, ClientRequest, IncomingMessage } from 'node:http';
import { Socket, connect as netConnect, isIP } from 'node:net';
import { ConnectionOptions as TlsConnectionOptions, connect as tlsConnect } from 'node:tls';
import { Observable, SchedulerLike, Subscription, asyncScheduler } from 'rxjs';
import WebSocket, { ClientOptions } from 'ws';
import { WireData } from '../model/Codec';
import { getOrMake } from '../model/getOrMake';
import { TransportError } from '../model/TransportError';
import { upgradeRejected } from '../model/upgradeRejected';
import { DirectStream } from './DirectStream';
import { DirectObserver, DirectSubscriber } from './DirectSubscriber';
import { tcpSendQueue } from './tcpSendQueue';
import { Transport, TransportConnection, TransportListener } from './Transport';

/** TLS settings passed to the `ws` client (Node's `tls.connect` options). */
export type TlsOptions = Pick<
  TlsConnectionOptions,
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
 * The production transport: a `ws` client per socket, read and written directly. It gives the
 * heartbeat protocol ping/pong, the close code and reason, a write callback for every frame (the
 * bytes reached the kernel), the socket's backlog (`bufferedAmount`), and a TCP reset to abandon a
 * socket (`abort`): lifeline opens direct connections over a TCP socket of its own (TLS runs on top
 * of it for `wss://`), so that reset reaches the wire whatever the protocol.
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
 * Gotcha: through a proxy `agent` the agent makes the socket; `abort` then resets it when it is plain
 * TCP, and otherwise can only destroy it.
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
  return new WsTransport(options);
}

/**
 * The transport: its settings, and how many of its sockets are still open (for `drain`). A class with
 * methods, no closures: a handle makes one per endpoint, ten thousand handles as many.
 */
class WsTransport implements Transport {
  readonly url: string;
  readonly protocols: readonly string[];
  readonly agent: Agent | undefined;
  readonly scheduler: SchedulerLike;
  readonly clientOptions: ClientOptions;
  readonly secure: boolean;
  /** Sockets opened and not yet closed. */
  private open = 0;
  /** `drain` calls waiting for the last socket to close; made only when one waits. */
  private idle: Array<() => void> | undefined;

  constructor(options: WebSocketTransportOptions) {
    this.url = options.url;
    this.protocols = options.protocols ?? [];
    this.agent = options.agent;
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.clientOptions = clientOptionsOf(options);
    this.secure = options.url.startsWith('wss:');
  }

  connect(): Observable<TransportConnection> {
    return new WsConnect(this);
  }

  drain(): Promise<void> {
    return this.open === 0 ? Promise.resolve() : new Promise<void>((resolve) => (this.idle ??= []).push(resolve));
  }

  /** A socket of this transport was made. */
  opened(): void {
    this.open++;
  }

  /** A socket of this transport closed. */
  closed(): void {
    if (--this.open > 0 || this.idle === undefined) return;
    const idle = this.idle;
    this.idle = undefined;
    for (const resolve of idle) resolve();
  }
}

/**
 * One `connect()`: each subscription opens one socket (unsubscribing closes it). A plain observer
 * (a link's socket leg) is handed the connection with no RxJS subscriber between them: the
 * connection is the subscription (see `DirectStream`).
 */
class WsConnect extends DirectStream<TransportConnection> {
  constructor(private readonly transport: WsTransport) {
    super();
  }

  protected adopt(observer: DirectObserver<TransportConnection>): Subscription {
    return new WsConnection(this.transport, observer);
  }
}

/**
 * The `ws` client settings every socket of a transport shares; without TLS options or headers, the
 * settings every such transport shares (ws copies them per socket and changes nothing in them), so
 * ten thousand handles with the same limits keep one object, not one each.
 */
function clientOptionsOf(options: WebSocketTransportOptions): ClientOptions {
  const { headers = {}, handshakeTimeout = 10_000, maxPayload = 16 * 1024 * 1024, closeTimeout = 1000 } = options;
  if (options.tls === undefined && Object.keys(headers).length === 0) {
    const key = `${handshakeTimeout}/${maxPayload}/${closeTimeout}`;
    return getOrMake(PLAIN_CLIENT_OPTIONS, key, () =>
      Object.freeze({
        headers: Object.freeze({}),
        handshakeTimeout,
        maxPayload,
        closeTimeout,
        perMessageDeflate: false,
      }),
    );
  }
  return {
    ...options.tls,
    headers: { ...headers },
    handshakeTimeout,
    maxPayload,
    closeTimeout,
    perMessageDeflate: false,
  } as ClientOptions;
}

/** The shared settings of transports with no TLS options or headers, by their limits. */
const PLAIN_CLIENT_OPTIONS = new Map<string, ClientOptions>();

/**
 * The socket `ws` would open itself, but ours: plain TCP for `ws://`, TLS on top of our own TCP
 * socket for `wss://`, so that `abort` can reset the TCP connection under the TLS layer too.
 */
function ownSocket(settings: TlsConnectionOptions, secure: boolean): { tcp: Socket; socket: Socket } {
  const host = settings.host ?? 'localhost';
  const tcp = netConnect({ host, port: Number(settings.port) });
  const socket = secure
    ? (tlsConnect({
        ...settings,
        path: undefined,
        socket: tcp,
        servername: settings.servername || settings.servername === '' ? settings.servername : isIP(host) ? '' : host,
      }) as unknown as Socket)
    : tcp;
  // The handshake timeout: Node's own connect would set it from `timeout`; the request listens for it.
  if (settings.timeout !== undefined) socket.setTimeout(settings.timeout);
  return { tcp, socket };
}

/** Node's own counters of a socket's writes (not in its types). */
type CountingSocket = Socket & {
  readonly _bytesDispatched?: number;
  readonly _handle?: { readonly writeQueueSize?: number } | null;
  readonly encrypted?: boolean;
};

/**
 * One socket: the `ws` client's events turned into the transport's contract, by shared named
 * handlers (as ws itself names them) that find the connection on the socket, so a socket costs no
 * closure per event and no operator chain. It is also the
 * subscription of `connect()` that opened it: it hands its observer itself when open and the close's
 * error at the end; unsubscribing closes it.
 */
class WsConnection extends DirectSubscriber<TransportConnection> implements TransportConnection {
  private listener: TransportListener | undefined;
  private wasOpen = false;
  private lastError: (Error & { code?: string }) | undefined;
  private rejected: TransportError | undefined;
  private closeCode: number | undefined;
  private closeReason = '';
  /** Payload bytes of ours the kernel has taken (see `acknowledged`). */
  private handedBytes = 0;

  private readonly ws: WebSocket;
  /** The TCP socket lifeline opened itself (no proxy agent), to reset it. */
  private raw: Socket | undefined;

  constructor(
    private readonly transport: WsTransport,
    observer: DirectObserver<TransportConnection>,
  ) {
    super(observer);
    const { url, protocols, clientOptions, agent } = transport;
    const ws = new WebSocket(url, [...protocols], {
      ...clientOptions,
      ...(agent === undefined ? { createConnection: this.createConnection } : { agent }),
    } as ClientOptions);
    this.ws = ws;
    // The handlers are shared functions that find the connection on the socket: not six closures per socket.
    (ws as OwnedWebSocket)[OWNER] = this;
    transport.opened();
    ws.on('open', onOpen);
    ws.on('error', onError);
    // With a listener here ws leaves the refused request to us: read the answer, then abort.
    ws.on('unexpected-response', onRejected);
    ws.on('close', onClose);
    ws.on('message', onMessage);
    ws.on('pong', onPong);
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  listen(listener: TransportListener): void {
    this.listener = listener;
  }

  send(data: WireData, done: (error?: Error) => void): boolean {
    if (this.ws.readyState !== WebSocket.OPEN) return false;
    // On our own plain TCP socket the kernel's intake is counted by Node (see `handed`): the caller's
    // callback goes to ws as it is, with no closure per message (ws passes a falsy error on success).
    if (this.raw !== undefined && !this.transport.secure) {
      this.ws.send(data, done as (error?: Error | null) => void);
      return true;
    }
    this.ws.send(data, (error) => {
      // Payload only, a string by its length: never more than the bytes the kernel took (a lower bound).
      if (!error) this.handedBytes += typeof data === 'string' ? data.length : data.byteLength;
      done(error ?? undefined);
    });
    return true;
  }

  acknowledged(): number | undefined {
    const socket = (this.ws as unknown as { _socket?: CountingSocket })._socket;
    const unacknowledged = this.kernelQueue(false);
    return socket === undefined || unacknowledged === undefined ? undefined : this.handed(socket) - unacknowledged;
  }

  unacknowledgedBytes(fresh = true): number | undefined {
    return this.kernelQueue(fresh);
  }

  private kernelQueue(fresh: boolean): number | undefined {
    const tcp = this.raw ?? (this.ws as unknown as { _socket?: Socket })._socket;
    if (tcp?.localPort === undefined || tcp.remotePort === undefined) return undefined;
    return tcpSendQueue(tcp.localPort, tcp.remotePort, fresh);
  }

  /**
   * Bytes the kernel has taken: exact on a plain TCP socket (all it was handed, less what libuv still
   * holds: a large frame counts as it goes in, framing included); through TLS, where the wire's
   * bytes are not counted in JavaScript, the payload of the frames written whole (fewer: a lower bound).
   */
  private handed(socket: CountingSocket): number {
    const dispatched = socket._bytesDispatched;
    const held = socket._handle?.writeQueueSize;
    if (socket.encrypted === undefined && typeof dispatched === 'number' && typeof held === 'number') {
      return dispatched - held;
    }
    return this.handedBytes;
  }

  ping(id: number): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    // The id in six bytes of one shared buffer, no string and no Buffer per ping (a decimal string
    // payload cost ~1 us per link per ping at 5,000 links). ws copies a client's payload into its
    // masked frame before returning; only a mask of four zero bytes (one in 2^32) skips the copy, and
    // a backed-up socket could then send an id rewritten by a later ping: that pong would count as a
    // lost ping, nothing worse.
    PING_PAYLOAD.writeUIntBE(id % PING_ID_LIMIT, 0, PING_PAYLOAD.length);
    this.ws.ping(PING_PAYLOAD);
  }

  abort(): void {
    const socket = this.raw ?? (this.ws as unknown as { _socket?: Socket })._socket;
    if (socket === undefined || socket.destroyed) return void this.ws.terminate();
    try {
      socket.resetAndDestroy();
    } catch {
      // A socket lifeline did not open (a proxy agent's TLS socket) has no TCP handle of its own to reset.
      socket.destroy();
    }
  }

  /** Through a proxy agent: its errors are told as the proxy's. */
  private get proxied(): boolean {
    return this.transport.agent !== undefined;
  }

  /** The subscription ended: a clean close (1000) of a socket still open; nothing to say any more. */
  override unsubscribe(): void {
    if (this.closed) return;
    super.unsubscribe();
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close(1000, 'client closing');
    else if (this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
  }

  /** ws opens the socket through this (no proxy agent): ours, so that `abort` can reset it. */
  private readonly createConnection = (settings: TlsConnectionOptions): Socket => {
    const own = ownSocket(settings, this.transport.secure);
    this.raw = own.tcp;
    return own.socket;
  };

  socketOpened(): void {
    this.wasOpen = true;
    if (!this.closed) this.next(this);
  }

  errored(error: Error & { code?: string }): void {
    this.lastError = error;
  }

  rejectedWith(response: IncomingMessage): void {
    const headers = { 'retry-after': headerOf(response, 'retry-after'), date: headerOf(response, 'date') };
    this.rejected = upgradeRejected(response.statusCode ?? 0, headers, this.transport.scheduler.now(), this.proxied);
    this.ws.terminate();
  }

  closedWith(code: number, reason: Buffer): void {
    this.closeCode = code;
    this.closeReason = reason.toString();
    this.transport.closed();
    this.listener = undefined;
    if (!this.closed) this.error(this.failure());
  }

  // The hot path: text frames as strings, binary frames as Buffers, straight to the listener.
  received(data: Buffer, isBinary: boolean): void {
    this.listener?.message(isBinary ? data : data.toString());
  }

  ponged(payload: Buffer): void {
    this.listener?.pong(pingId(payload));
  }

  private failure(): TransportError {
    if (this.rejected) return this.rejected;
    if (this.lastError) return describeError(this.lastError, this.wasOpen, this.closeCode, this.proxied);
    return describeClose(this.closeCode ?? 1006, this.closeReason, this.proxied);
  }
}

/** Where a socket keeps the connection it belongs to, for the shared handlers. */
const OWNER = Symbol('lifeline.connection');
type OwnedWebSocket = WebSocket & { [OWNER]: WsConnection };

// ws calls its listeners with the socket as `this`.
function onOpen(this: WebSocket): void {
  (this as OwnedWebSocket)[OWNER].socketOpened();
}
function onError(this: WebSocket, error: Error & { code?: string }): void {
  (this as OwnedWebSocket)[OWNER].errored(error);
}
function onRejected(this: WebSocket, _request: ClientRequest, response: IncomingMessage): void {
  (this as OwnedWebSocket)[OWNER].rejectedWith(response);
}
function onClose(this: WebSocket, code: number, reason: Buffer): void {
  (this as OwnedWebSocket)[OWNER].closedWith(code, reason);
}
function onMessage(this: WebSocket, data: Buffer, isBinary: boolean): void {
  (this as OwnedWebSocket)[OWNER].received(data, isBinary);
}
function onPong(this: WebSocket, payload: Buffer): void {
  (this as OwnedWebSocket)[OWNER].ponged(payload);
}

/** The ping id a pong echoes, if its payload is one of ours. */
function pingId(payload: Buffer): number | undefined {
  if (payload.length !== PING_PAYLOAD.length) return undefined;
  const id = payload.readUIntBE(0, PING_PAYLOAD.length);
  return id > 0 ? id : undefined;
}

/** The payload of every ping: its id, big-endian, in six bytes (ids wrap at 2^48, never reached). */
const PING_PAYLOAD = Buffer.alloc(6);
const PING_ID_LIMIT = 2 ** 48;

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

/** A header of the answer, its first value if repeated. */
function headerOf(response: IncomingMessage, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
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

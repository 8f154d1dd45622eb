import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import WebSocket, { WebSocketServer } from 'ws';
import { mostInAnyWindow } from '../countingServer';

/** What every mock exchange takes. */
export interface MockExchangeOptions {
  /**
   * Multiplies every duration of the exchange's published rules (idle cuts, ping periods, timers,
   * long windows) so specs run in seconds: 0.01 turns a 60 s idle cut into 600 ms. Defaults to `1`.
   */
  readonly scale?: number;
  /** How far the exchange's clock is ahead of this machine's, ms (negative: behind). Defaults to `0`. */
  readonly skewMs?: number;
}

/** One message (or control frame) the exchange received, with its arrival time. */
export interface InboundRecord {
  /** Arrival, ms on this process's monotonic clock (`performance.now()`). */
  readonly at: number;
  /** The connection's number, from 1, counting across restarts. */
  readonly connection: number;
  /** A text or binary message, or a protocol ping or pong frame. */
  readonly kind: 'message' | 'ping' | 'pong';
  /** The message's text ('' for control frames). */
  readonly text: string;
}

/** An order resting on the mock exchange. */
export interface MockOrder {
  readonly id: string;
  /** Whose order (API key or address). */
  readonly account: string;
  readonly details: unknown;
}

/** One socket as the exchange sees it. */
export class MockConnection {
  /** Exchange-specific state: logged-in key, subscriptions, ... */
  readonly state: Record<string, unknown> = {};
  /** Every text received on this connection, in order. */
  readonly texts: string[] = [];
  /** Every message the exchange sent on it (JSON-decoded when it was JSON). */
  readonly sent: unknown[] = [];
  closedAt: number | undefined;
  closeCode: number | undefined;
  closeReason = '';
  readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    readonly id: number,
    readonly socket: WebSocket,
    /** The request path, e.g. `/ws/abc`, without the query. */
    readonly path: string,
    readonly query: URLSearchParams,
    readonly openedAt: number,
  ) {}

  get open(): boolean {
    return this.closedAt === undefined && this.socket.readyState === WebSocket.OPEN;
  }
}

/**
 * The parts every mock exchange shares: a `ws` server on 127.0.0.1 at a random port (with an HTTP side
 * for the exchange's REST calls), every inbound message recorded with its arrival time, a clock with a
 * known skew, resting orders and a cancel-all timer, and the faults specs need: `drop()` (kill every
 * socket), `stop()`/`start()` (restart on the same port). Subclasses speak the exchange's protocol.
 */
export abstract class MockExchange {
  readonly scale: number;
  readonly skewMs: number;
  port = 0;
  readonly inbound: InboundRecord[] = [];
  readonly connections: MockConnection[] = [];
  /** Open orders by id. */
  readonly orders = new Map<string, MockOrder>();
  /** Orders cancelled by the exchange's own timer (dead man's switch), in order. */
  readonly cancelledByTimer: MockOrder[] = [];
  /** Notable things the exchange did, for assertions: `'rate-limit-close'`, `'cancel-all'`, ... */
  readonly log: string[] = [];
  private http: Server | undefined;
  private wss: WebSocketServer | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private cancelAllTimer: NodeJS.Timeout | undefined;
  private nextOrder = 1;

  protected constructor(options: MockExchangeOptions = {}) {
    this.scale = options.scale ?? 1;
    this.skewMs = options.skewMs ?? 0;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The exchange's clock, ms since the epoch: this machine's, plus the skew. */
  now(): number {
    return Date.now() + this.skewMs;
  }

  /** A duration of the exchange's rules, scaled for specs (at least 1 ms). */
  ms(documented: number): number {
    return Math.max(1, Math.round(documented * this.scale));
  }

  /** Connections ever accepted that are still open. */
  openConnections(): MockConnection[] {
    return this.connections.filter((connection) => connection.open);
  }

  /** The most inbound records (optionally filtered) in any window of `windowMs`, across connections. */
  mostInAnyWindow(windowMs: number, which: (record: InboundRecord) => boolean = () => true): number {
    return mostInAnyWindow(
      this.inbound.filter(which).map((record) => record.at),
      windowMs,
    );
  }

  /**
   * Whether the latest inbound record (of those `which` selects) broke a limit of `limit` in any window
   * of `windowMs`: the exchange counts as it receives, so the check is at each arrival.
   */
  exceeds(limit: number, windowMs: number, which: (record: InboundRecord) => boolean): boolean {
    let count = 0;
    const last = this.inbound[this.inbound.length - 1];
    if (last === undefined) return false;
    for (let i = this.inbound.length - 1; i >= 0; i--) {
      const record = this.inbound[i] as InboundRecord;
      if (last.at - record.at >= windowMs) break;
      if (which(record)) count++;
    }
    return count > limit;
  }

  /** Starts listening: on a random port the first time, on the same port after `stop()`. */
  async start(): Promise<this> {
    const http = createServer((request, response) => void this.serveHttp(request, response));
    const wss = new WebSocketServer({
      server: http,
      verifyClient: (info, callback) => {
        const target = new URL(info.req.url ?? '/', 'http://127.0.0.1');
        const status = this.refuseUpgrade(target.pathname, target.searchParams);
        if (status === undefined) callback(true);
        else callback(false, status);
      },
    });
    wss.on('connection', (socket, request) => this.accept(socket, request));
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (http.address() as AddressInfo).port;
    this.http = http;
    this.wss = wss;
    return this;
  }

  /** Stops listening and kills every socket; the port and everything recorded stay. */
  async stop(): Promise<void> {
    const { http, wss } = this;
    this.http = undefined;
    this.wss = undefined;
    this.drop();
    if (wss !== undefined) await new Promise<void>((resolve) => wss.close(() => resolve()));
    if (http !== undefined) {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
  }

  /** A server restart: everything on the wire is gone, the same port takes connections again. */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Kills every socket at once (no close frame), as a crash or a cut cable would. */
  drop(): void {
    for (const connection of this.openConnections()) connection.socket.terminate();
  }

  /** Stops everything, timers included: for afterEach. */
  async close(): Promise<void> {
    await this.stop();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.disarmCancelAll();
  }

  /** Sends a message (a string as it is, anything else as JSON) if the socket is open. */
  send(connection: MockConnection, message: unknown): void {
    if (!connection.open) return;
    connection.sent.push(message);
    connection.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Sends to every open connection. */
  broadcast(message: unknown, which: (connection: MockConnection) => boolean = () => true): void {
    for (const connection of this.openConnections()) if (which(connection)) this.send(connection, message);
  }

  /** Closes a connection with a close frame, as an exchange enforcing a rule does. */
  closeConnection(connection: MockConnection, code: number, reason: string): void {
    this.log.push(`close ${connection.id} ${code} ${reason}`);
    if (connection.open) connection.socket.close(code, reason);
  }

  /** A timer of the exchange, cleared by `close()`; tied to a connection, also cleared when it closes. */
  timer(ms: number, run: () => void, connection?: MockConnection): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      connection?.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
    connection?.timers.add(timer);
    return timer;
  }

  clearTimer(timer: NodeJS.Timeout | undefined): void {
    if (timer === undefined) return;
    clearTimeout(timer);
    this.timers.delete(timer);
  }

  /** Rests an order and returns its id. */
  placeOrder(account: string, details: unknown): MockOrder {
    const order = { id: String(this.nextOrder++), account, details };
    this.orders.set(order.id, order);
    return order;
  }

  /** Open orders of one account. */
  openOrders(account: string): MockOrder[] {
    return [...this.orders.values()].filter((order) => order.account === account);
  }

  /**
   * Arms the dead man's switch: at `at` (exchange time, ms) every open order of `account` is
   * cancelled, unless re-armed or disarmed before. Re-arming replaces the previous time.
   */
  armCancelAll(account: string, at: number): void {
    this.disarmCancelAll();
    this.log.push(`arm ${account} ${at}`);
    this.cancelAllTimer = this.timer(Math.max(0, at - this.now()), () => {
      this.cancelAllTimer = undefined;
      const cancelled = this.openOrders(account);
      for (const order of cancelled) this.orders.delete(order.id);
      this.cancelledByTimer.push(...cancelled);
      this.log.push(`cancel-all ${account} ${cancelled.length}`);
    });
  }

  disarmCancelAll(): void {
    this.clearTimer(this.cancelAllTimer);
    this.cancelAllTimer = undefined;
  }

  /** Whether the dead man's switch is armed. */
  get cancelAllArmed(): boolean {
    return this.cancelAllTimer !== undefined;
  }

  /** An upgrade the exchange refuses, by its HTTP status (e.g. 400 for an unknown listen key); undefined accepts. */
  protected refuseUpgrade(_path: string, _query: URLSearchParams): number | undefined {
    return undefined;
  }

  /** A new socket: say hello, start the exchange's timers. */
  protected abstract onOpen(connection: MockConnection, request: IncomingMessage): void;

  /** A text message. */
  protected abstract onText(connection: MockConnection, text: string): void;

  /** A protocol ping or pong frame (the `ws` server has already answered a ping). */
  protected onControlFrame(_connection: MockConnection, _kind: 'ping' | 'pong'): void {}

  /** The socket ended. */
  protected onClose(_connection: MockConnection): void {}

  /** An HTTP request (the exchange's REST side); return undefined for 404. */
  protected onHttp(
    _method: string,
    _path: string,
    _query: URLSearchParams,
    _body: unknown,
    _headers: IncomingMessage['headers'],
  ): { status: number; body: unknown } | undefined {
    return undefined;
  }

  private accept(socket: WebSocket, request: IncomingMessage): void {
    const target = new URL(request.url ?? '/', 'http://127.0.0.1');
    const connection = new MockConnection(
      this.connections.length + 1,
      socket,
      target.pathname,
      target.searchParams,
      performance.now(),
    );
    this.connections.push(connection);
    socket.on('error', () => undefined);
    socket.on('message', (data: WebSocket.RawData) => {
      const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : data.toString();
      this.inbound.push({ at: performance.now(), connection: connection.id, kind: 'message', text });
      connection.texts.push(text);
      this.onText(connection, text);
    });
    for (const kind of ['ping', 'pong'] as const) {
      socket.on(kind, () => {
        this.inbound.push({ at: performance.now(), connection: connection.id, kind, text: '' });
        this.onControlFrame(connection, kind);
      });
    }
    socket.on('close', (code, reason) => {
      connection.closedAt = performance.now();
      connection.closeCode = code;
      connection.closeReason = reason.toString();
      for (const timer of connection.timers) this.clearTimer(timer);
      connection.timers.clear();
      this.onClose(connection);
    });
    this.onOpen(connection, request);
  }

  private async serveHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown = text;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      // a form or query body stays text
    }
    const target = new URL(request.url ?? '/', 'http://127.0.0.1');
    const answer = this.onHttp(request.method ?? 'GET', target.pathname, target.searchParams, body, request.headers);
    response.writeHead(answer?.status ?? 404, { 'content-type': 'application/json' });
    response.end(JSON.stringify(answer?.body ?? { msg: 'not found' }));
  }
}

/** Parses a JSON text, or returns undefined. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A decoded JSON object, or undefined. */
export function objectOf(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

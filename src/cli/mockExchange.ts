import http, { IncomingMessage } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Observable, Subject, Subscription, interval, timer } from 'rxjs';
import WebSocket, { RawData, WebSocketServer } from 'ws';
import { mockLoginSignature } from './mockLoginSignature';

/** An order on the mock exchange, as its replies and its private `orders` channel show it. */
export interface MockOrder {
  /** The exchange's id. */
  readonly orderId: string;
  /** The client's own id, when the order carried a `cid`. */
  readonly cid?: string;
  readonly side: 'buy' | 'sell';
  readonly px: number;
  readonly sz: number;
  readonly status: 'resting' | 'filled' | 'cancelled';
}

/** Why the mock exchange refused a login, a subscription or a request: the `code` of its error reply. */
export type MockErrorCode =
  | 'unknownKey'
  | 'badSignature'
  | 'staleLogin'
  | 'replayedLogin'
  | 'loginRequired'
  | 'unknownChannel'
  | 'badOrder'
  | 'expired'
  | 'unknownMethod';

/** What the mock exchange reports happening, for the demo's narration and for specs. */
export type MockExchangeEvent =
  | { readonly type: 'connection'; readonly id: number }
  | {
      readonly type: 'login';
      readonly id: number;
      readonly key: string;
      /** The timestamp the login was signed with, ms. */
      readonly ts: number;
      /** How old that timestamp was when the login arrived, ms (the exchange's clock). */
      readonly ageMs: number;
      readonly accepted: boolean;
      readonly code?: MockErrorCode;
    }
  | {
      readonly type: 'subscribe';
      readonly id: number;
      readonly channel: string;
      readonly accepted: boolean;
      readonly code?: MockErrorCode;
    }
  | {
      readonly type: 'request';
      readonly id: number;
      readonly method: string;
      /** The request's correlation id, as the client stamped it. */
      readonly requestId: unknown;
      /** The request as received. */
      readonly message: Readonly<Record<string, unknown>>;
      /** Set when the exchange answered with an error reply. */
      readonly code?: MockErrorCode;
    }
  | { readonly type: 'order'; readonly id: number; readonly orderId: string }
  | { readonly type: 'fill'; readonly order: MockOrder }
  /** The dead man's switch lapsed: `cancelled` resting orders (of either kind) were cancelled. */
  | { readonly type: 'cancelAll'; readonly cancelled: number }
  | { readonly type: 'rateLimited'; readonly id: number; readonly count: number; readonly windowMs: number }
  | { readonly type: 'notice'; readonly reason: string }
  | { readonly type: 'refused'; readonly status: number }
  | { readonly type: 'closed'; readonly id: number; readonly code: number };

/** Where the mock exchange listens, what it ticks, and which of a real exchange's rules it enforces. */
export interface MockExchangeOptions {
  /** Port on 127.0.0.1; `0` picks a free one. Defaults to `0`. */
  readonly port?: number;
  /** Milliseconds between ticks on the `ticks` channel. Defaults to `250`. */
  readonly tickInterval?: number;
  /** The instrument ticked. Defaults to `'BTC-USD'`. */
  readonly symbol?: string;
  /** First price. Defaults to `67000`. */
  readonly price?: number;
  /** Random source for the price walk. Defaults to `Math.random`. */
  readonly random?: () => number;
  /** The API key a login names (the account it logs in to). Defaults to `'demo'`. */
  readonly apiKey?: string;
  /** The secret logins are signed with (see `mockLoginSignature`). Defaults to `'demo-secret'`. */
  readonly secret?: string;
  /** How far a login's timestamp may be from the exchange's clock, ms; further is stale. Defaults to `5000`. */
  readonly loginWindow?: number;
  /**
   * A text frame sent on every new socket before anything else, e.g. `'Websocket connection
   * established.'` (not JSON: a client that decodes every frame must be told to ignore it). Defaults to none.
   */
  readonly greeting?: string;
  /**
   * Inbound messages (application pings included) one connection may send in any window of
   * `messageLimitWindow`; one more and the exchange answers with an error and closes the socket (1008),
   * as real exchanges do. Defaults to `Infinity`: no limit.
   */
  readonly messageLimit?: number;
  /** The window of `messageLimit`, ms. Defaults to `1000`. */
  readonly messageLimitWindow?: number;
  /**
   * How far the exchange's clock is ahead of this machine's, ms (negative: behind), as real exchanges'
   * clocks are off by some: every time it sends (`serverTime`, tick `ts`) and checks (a login's `ts`,
   * an `expiresAfter`) is on it. Defaults to `0`.
   */
  readonly clockSkew?: number;
}

/** A running mock exchange and its fault switches. */
export interface MockExchange {
  /** `ws://127.0.0.1:<port>/ws`. */
  readonly url: string;
  /** `http://127.0.0.1:<port>/info`: an account query, like the seed's `InfoClient`. */
  readonly infoUrl: string;
  readonly port: number;
  /** The API key a login names. */
  readonly apiKey: string;
  /** The secret logins are signed with. */
  readonly secret: string;
  /** What happens on the exchange. Hot. */
  readonly events$: Observable<MockExchangeEvent>;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Orders accepted so far (fire-and-forget `order`s and `placeOrder` requests). */
  readonly orders: number;
  /** Orders resting now: fire-and-forget `order`s and `placeOrder`s not filled or cancelled since. */
  readonly openOrders: number;
  /** The most messages one connection sent in any window of `messageLimitWindow` so far. */
  readonly busiestWindow: number;
  /** The open sockets. */
  readonly openSockets: number;
  /** Kills every socket without a close frame: the client sees 1006, as when a NAT drops a flow. */
  drop(): void;
  /**
   * Half-open: the sockets open now go silent (no ticks, no pongs, no acks, no replies, protocol pings
   * unanswered, and what they are sent never arrives) without closing. Only a heartbeat timeout can
   * tell. New sockets are healthy.
   */
  stall(): void;
  /** Delays everything sent (ticks, pongs, acks, replies, protocol pongs, /info) by `ms`; `0` ends the spike. */
  latency(ms: number): void;
  /** While on, every socket is dropped and upgrades and /info answer HTTP 503. */
  outage(on: boolean): void;
  /**
   * Tells every socket to reconnect now (`{"channel":"notice","event":"reconnect","reason":…}`), as an
   * exchange does before an upgrade, and closes those still open `graceMs` later (1012).
   */
  reconnectNotice(reason?: string, graceMs?: number): void;
  /**
   * A server restart: every socket is cut, the port refuses connections for `downMs`, then listens
   * again. Logins are per socket and so are gone; resting orders stay. Resolves once listening again.
   */
  restart(downMs?: number): Promise<void>;
  /** Ends latency and outage (stalled sockets stay stalled until the client gives up on them). */
  restore(): void;
  /** Stops everything; resolves when the port is free. */
  close(): Promise<void>;
}

interface Peer {
  readonly id: number;
  readonly socket: WebSocket;
  stalled: boolean;
  loggedIn: boolean;
  readonly channels: Set<string>;
  /** Arrival times (ms, monotonic) of its messages in the current window, oldest first. */
  readonly arrivals: number[];
}

/** The exchange's clock, ms since the epoch: this machine's, skewed by `clockSkew`. */
function clockOf(exchange: Exchange): number {
  return Date.now() + exchange.rules.clockSkew;
}

/** The rules in force, after defaults. */
interface Rules {
  readonly apiKey: string;
  readonly secret: string;
  readonly loginWindow: number;
  readonly greeting: string | undefined;
  readonly messageLimit: number;
  readonly messageLimitWindow: number;
  readonly clockSkew: number;
}

/** Everything a running mock exchange knows and switches, shared by its handlers. */
interface Exchange {
  readonly rules: Rules;
  readonly peers: Set<Peer>;
  readonly events: Subject<MockExchangeEvent>;
  /** Ticks, delayed replies, notices and the cancel-after timer: all ended by `close()`. */
  readonly timers: Subscription;
  readonly rawSockets: Set<Socket>;
  /** Login signatures already used: a replayed login is refused. */
  readonly signatures: Set<string>;
  /** Every `placeOrder` order, in placement order (finished ones pruned past a few hundred). */
  readonly book: Map<string, MockOrder>;
  /** Ids of the fire-and-forget `order`s resting: they never fill, only the dead man's switch cancels them. */
  readonly plainOrders: Set<string>;
  price: number;
  delayMs: number;
  down: boolean;
  closed: boolean;
  connections: number;
  orders: number;
  nextId: number;
  nextOrderId: number;
  busiestWindow: number;
  /** The dead man's switch, while armed (by `cancelAfter` or `cancelAllAfter`). */
  deadman: Subscription | undefined;
}

/** The methods answered as requests (a reply carries the request's `id`): each needs a login. */
const PRIVATE_METHODS = new Set(['placeOrder', 'orders', 'cancelAfter']);
const PUBLIC_CHANNELS = new Set(['ticks']);
const PRIVATE_CHANNELS = new Set(['orders']);
/** Finished orders kept for the `orders` request; resting ones are always kept. */
const FINISHED_KEPT = 200;

/**
 * Starts a mock exchange on 127.0.0.1 for the demo, the example and specs: a `ws` server sending
 * ticks to subscribers, answering application pings, logins, subscriptions and requests, enforcing an
 * exchange's rules, with switches for the faults a trading bot meets. It listens on 127.0.0.1 only
 * and contacts nothing.
 *
 * Protocol (JSON text frames):
 * - `{"method":"ping"}` → `{"channel":"pong","ts":…}`; protocol ping frames get pongs too.
 * - `{"method":"login","id":1,"key":"demo","ts":<ms>,"sign":<hex>}` → `{"id":1,"result":{"key":"demo"},"serverTime":…}`:
 *   `sign` is HMAC-SHA256 of `String(ts)` with the secret (`mockLoginSignature`); a timestamp more than
 *   `loginWindow` from the exchange's clock (`staleLogin`), a signature used before (`replayedLogin`),
 *   a wrong one (`badSignature`) or key (`unknownKey`) get `{"id":1,"error":{"code":…,"message":…}}`.
 * - `{"method":"subscribe","channel":"ticks"}` → `{"channel":"subscribed","subscription":"ticks"}`, then
 *   `{"channel":"ticks","symbol":"BTC-USD","price":67012.5,"seq":1,"ts":…}` every `tickInterval` (`ts`: when the tick was made, epoch ms). The private
 *   channel `orders` (fills and cancels of the account's orders) needs a login first; a refused
 *   subscription gets `{"channel":"error","subscription":"orders","code":"loginRequired","error":…}`
 *   (`unknownChannel` for a channel that does not exist).
 * - Requests, after a login, each answered `{"id":…,"result":…,"serverTime":…}` or
 *   `{"id":…,"error":{"code":…,"message":…},"serverTime":…}`; one whose `expiresAfter` (exchange time,
 *   ms) has passed is refused (`expired`) and not acted on:
 *   `{"method":"placeOrder","id":2,"side":"buy","px":66990,"sz":0.01,"cid":"c-1"}` → `{"orderId":"1",…,"status":"resting"}`
 *   (a non-positive size or price, or another side: `badOrder`); a resting buy fills when the price
 *   falls to it, a sell when it rises to it; `{"method":"orders","id":3}` → `{"orders":[…]}` (the
 *   account's orders, newest first, with their status); `{"method":"cancelAfter","id":4,"ms":10000}` →
 *   `{"cancelAt":…}`: a dead man's switch cancelling every resting order when it lapses, unless sent
 *   again before (`ms: 0` disarms it).
 * - `{"method":"order","id":"o-1",…}` → `{"channel":"orderAck","id":"o-1","status":"accepted"}`: a
 *   fire-and-forget order that needs no login (the Quick start's); it rests (never fills) until the
 *   dead man's switch cancels it.
 * - `{"method":"cancelAllAfter","id":7,"timeout":3000}` → `{"channel":"cancelAllAfter","id":7,"at":…}`: the
 *   same dead man's switch without a login, as OKX's `cancel-all-after` (`timeout` 0 disarms it, `"at":null`).
 * - `GET /info` → `{"account":"demo","equity":100000,"serverTime":…}`.
 *
 * By default it is as easy to talk to as the Quick start needs; `greeting` and `messageLimit` turn on
 * what a real exchange also does (a non-JSON greeting; a message rate limit that closes the socket).
 *
 * @example
 * const exchange = await startMockExchange();
 * const link = connect({ url: exchange.url, ping: 'app', subscriptions: [{ method: 'subscribe', channel: 'ticks' }] });
 * exchange.drop();           // the link reconnects and resubscribes
 * await link.close();
 * await exchange.close();
 *
 * @param options The port, ticks, credentials and rules.
 * @returns Once listening: its URLs, events and fault switches.
 */
export async function startMockExchange(options: MockExchangeOptions = {}): Promise<MockExchange> {
  const exchange: Exchange = {
    rules: {
      apiKey: options.apiKey ?? 'demo',
      secret: options.secret ?? 'demo-secret',
      loginWindow: options.loginWindow ?? 5000,
      greeting: options.greeting,
      messageLimit: options.messageLimit ?? Infinity,
      messageLimitWindow: options.messageLimitWindow ?? 1000,
      clockSkew: options.clockSkew ?? 0,
    },
    peers: new Set(),
    events: new Subject(),
    timers: new Subscription(),
    rawSockets: new Set(),
    signatures: new Set(),
    book: new Map(),
    plainOrders: new Set(),
    price: options.price ?? 67_000,
    delayMs: 0,
    down: false,
    closed: false,
    connections: 0,
    orders: 0,
    nextId: 0,
    nextOrderId: 0,
    busiestWindow: 0,
    deadman: undefined,
  };
  const server = http.createServer((request, response) => answerHttp(exchange, request, response));
  server.on('connection', (socket) => {
    exchange.rawSockets.add(socket);
    socket.on('close', () => exchange.rawSockets.delete(socket));
  });
  const wss = new WebSocketServer({ noServer: true, autoPong: false });
  server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    if (exchange.down) {
      exchange.events.next({ type: 'refused', status: 503 });
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => accept(exchange, ws));
  });
  exchange.timers.add(ticks(exchange, options));
  await listen(server, options.port ?? 0);
  return switches(exchange, server, wss);
}

function listen(server: http.Server, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Runs `action` after `ms`, on a timer `close()` ends. */
function after(exchange: Exchange, ms: number, action: () => void): Subscription {
  const pending = timer(ms).subscribe(() => {
    exchange.timers.remove(pending);
    action();
  });
  exchange.timers.add(pending);
  return pending;
}

/** Runs `action` now, or after the latency spike when one is on. */
function later(exchange: Exchange, action: () => void): void {
  if (exchange.delayMs === 0) action();
  else after(exchange, exchange.delayMs, action);
}

function send(exchange: Exchange, peer: Peer, message: unknown): void {
  if (peer.stalled) return;
  later(exchange, () => {
    if (!peer.stalled && peer.socket.readyState === WebSocket.OPEN) peer.socket.send(JSON.stringify(message));
  });
}

/** A request's answer: its result, stamped with the request's id and the exchange's time. */
function reply(exchange: Exchange, peer: Peer, id: unknown, result: unknown): void {
  send(exchange, peer, { id, result, serverTime: clockOf(exchange) });
}

/** A request's error reply. */
function refuse(exchange: Exchange, peer: Peer, id: unknown, code: MockErrorCode, message: string): void {
  send(exchange, peer, { id, error: { code, message }, serverTime: clockOf(exchange) });
}

/** `GET /info`: the account query (503 during an outage); anything else 404. */
function answerHttp(exchange: Exchange, request: IncomingMessage, response: http.ServerResponse): void {
  if (request.method !== 'GET' || request.url?.split('?')[0] !== '/info') {
    response.writeHead(404, { connection: 'close' }).end();
    return;
  }
  if (exchange.down) {
    response.writeHead(503, { 'content-type': 'application/json', connection: 'close' }).end('{"error":"maintenance"}');
    return;
  }
  later(exchange, () =>
    response
      .writeHead(200, { 'content-type': 'application/json', connection: 'close' })
      .end(JSON.stringify({ account: exchange.rules.apiKey, equity: 100_000, serverTime: clockOf(exchange) })),
  );
}

function accept(exchange: Exchange, socket: WebSocket): void {
  const peer: Peer = {
    id: ++exchange.nextId,
    socket,
    stalled: false,
    loggedIn: false,
    channels: new Set(),
    arrivals: [],
  };
  exchange.connections++;
  exchange.peers.add(peer);
  exchange.events.next({ type: 'connection', id: peer.id });
  socket.on('ping', (data) => {
    if (peer.stalled) return;
    later(exchange, () => !peer.stalled && socket.readyState === WebSocket.OPEN && socket.pong(data));
  });
  socket.on('message', (data: RawData) => {
    if (peer.stalled || socket.readyState !== WebSocket.OPEN) return;
    if (overLimit(exchange, peer)) return;
    answer(exchange, peer, data);
  });
  socket.on('close', (code) => {
    exchange.peers.delete(peer);
    exchange.events.next({ type: 'closed', id: peer.id, code });
  });
  socket.on('error', () => socket.terminate());
  const greeting = exchange.rules.greeting;
  if (greeting !== undefined) later(exchange, () => socket.readyState === WebSocket.OPEN && socket.send(greeting));
}

/**
 * Counts a message in the peer's window; over the limit, the exchange says so and closes the socket,
 * as real exchanges do (and acts on nothing more from it).
 */
function overLimit(exchange: Exchange, peer: Peer): boolean {
  const { messageLimit, messageLimitWindow } = exchange.rules;
  const now = performance.now();
  const arrivals = peer.arrivals;
  arrivals.push(now);
  while ((arrivals[0] as number) <= now - messageLimitWindow) arrivals.shift();
  exchange.busiestWindow = Math.max(exchange.busiestWindow, arrivals.length);
  if (arrivals.length <= messageLimit) return false;
  const text = `rate limit: ${arrivals.length} messages in ${messageLimitWindow} ms (limit ${messageLimit})`;
  exchange.events.next({ type: 'rateLimited', id: peer.id, count: arrivals.length, windowMs: messageLimitWindow });
  peer.socket.send(JSON.stringify({ channel: 'error', error: text }));
  peer.socket.close(1008, 'rate limit exceeded');
  return true;
}

type Inbound = Readonly<Record<string, unknown>>;

/** One inbound frame: a ping, a login, a subscription, a request or an order, answered; anything else an error. */
function answer(exchange: Exchange, peer: Peer, data: RawData): void {
  let message: Inbound;
  try {
    const parsed: unknown = JSON.parse(data.toString());
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new TypeError('not an object');
    message = parsed as Inbound;
  } catch {
    send(exchange, peer, { channel: 'error', error: 'malformed JSON' });
    return;
  }
  const method = message.method;
  switch (method) {
    case 'ping':
      send(exchange, peer, { channel: 'pong', ts: clockOf(exchange) });
      return;
    case 'login':
      return login(exchange, peer, message);
    case 'subscribe':
      return subscribe(exchange, peer, message);
    case 'unsubscribe':
      peer.channels.delete(String(message.channel));
      send(exchange, peer, { channel: 'unsubscribed', subscription: message.channel });
      return;
    case 'order':
      exchange.orders++;
      exchange.plainOrders.add(String(message.id));
      exchange.events.next({ type: 'order', id: peer.id, orderId: String(message.id) });
      send(exchange, peer, { channel: 'orderAck', id: message.id, status: 'accepted' });
      return;
    case 'cancelAllAfter': {
      const timeout = message.timeout;
      if (typeof timeout !== 'number' || !(timeout >= 0)) {
        send(exchange, peer, { channel: 'error', id: message.id, error: 'timeout must be a number of ms >= 0' });
        return;
      }
      const at = armDeadman(exchange, timeout);
      send(exchange, peer, { channel: 'cancelAllAfter', id: message.id, at });
      return;
    }
    default:
      if (typeof method === 'string' && PRIVATE_METHODS.has(method)) return request(exchange, peer, method, message);
      send(exchange, peer, { channel: 'error', id: message.id, error: `unknown method ${String(method)}` });
  }
}

/** A login: the key, a fresh timestamp, and its signature; accepted, the socket may trade. */
function login(exchange: Exchange, peer: Peer, message: Inbound): void {
  const { apiKey, secret, loginWindow } = exchange.rules;
  const key = String(message.key);
  const ts = typeof message.ts === 'number' ? message.ts : NaN;
  const sign = typeof message.sign === 'string' ? message.sign : '';
  const ageMs = clockOf(exchange) - ts;
  const refused = (code: MockErrorCode, text: string): void => {
    exchange.events.next({ type: 'login', id: peer.id, key, ts, ageMs, accepted: false, code });
    refuse(exchange, peer, message.id, code, text);
  };
  if (key !== apiKey) return refused('unknownKey', `unknown API key ${key}`);
  if (!Number.isFinite(ts) || Math.abs(ageMs) > loginWindow) {
    return refused('staleLogin', `login timestamp ${ageMs} ms from the exchange's clock (allowed ±${loginWindow} ms)`);
  }
  if (sign !== mockLoginSignature(secret, ts)) return refused('badSignature', 'signature does not match');
  if (exchange.signatures.has(sign)) return refused('replayedLogin', 'this signature was used before: sign afresh');
  exchange.signatures.add(sign);
  peer.loggedIn = true;
  exchange.events.next({ type: 'login', id: peer.id, key, ts, ageMs, accepted: true });
  reply(exchange, peer, message.id, { key });
}

/** A subscription: public channels for anyone, the private one after a login; acknowledged or refused. */
function subscribe(exchange: Exchange, peer: Peer, message: Inbound): void {
  const channel = String(message.channel);
  const refused = (code: MockErrorCode, text: string): void => {
    exchange.events.next({ type: 'subscribe', id: peer.id, channel, accepted: false, code });
    send(exchange, peer, { channel: 'error', subscription: channel, code, error: text });
  };
  if (!PUBLIC_CHANNELS.has(channel) && !PRIVATE_CHANNELS.has(channel)) {
    return refused('unknownChannel', `unknown channel ${channel}`);
  }
  if (PRIVATE_CHANNELS.has(channel) && !peer.loggedIn) {
    return refused('loginRequired', `login required for the private channel ${channel}`);
  }
  peer.channels.add(channel);
  exchange.events.next({ type: 'subscribe', id: peer.id, channel, accepted: true });
  send(exchange, peer, { channel: 'subscribed', subscription: channel });
}

/** A private request: refused without a login or past its `expiresAfter`, else acted on and answered. */
function request(exchange: Exchange, peer: Peer, method: string, message: Inbound): void {
  const id = message.id;
  const settle = (code?: MockErrorCode): void =>
    exchange.events.next({
      type: 'request',
      id: peer.id,
      method,
      requestId: id,
      message,
      ...(code !== undefined ? { code } : {}),
    });
  const refused = (code: MockErrorCode, text: string): void => {
    settle(code);
    refuse(exchange, peer, id, code, text);
  };
  if (!peer.loggedIn) return refused('loginRequired', `login required for ${method}`);
  const expiresAfter = message.expiresAfter;
  const now = clockOf(exchange);
  if (typeof expiresAfter === 'number' && now > expiresAfter) {
    return refused('expired', `arrived ${now - expiresAfter} ms after its expiresAfter; not acted on`);
  }
  switch (method) {
    case 'placeOrder': {
      const { side, px, sz, cid } = message;
      if ((side !== 'buy' && side !== 'sell') || !positive(px) || !positive(sz)) {
        return refused('badOrder', `bad order: side must be buy or sell, px and sz positive numbers`);
      }
      const order: MockOrder = {
        orderId: String(++exchange.nextOrderId),
        ...(typeof cid === 'string' ? { cid } : {}),
        side,
        px,
        sz,
        status: 'resting',
      };
      exchange.orders++;
      exchange.book.set(order.orderId, order);
      settle();
      const filled = fillIfCrossed(exchange, order);
      reply(exchange, peer, id, filled ?? order);
      return;
    }
    case 'orders':
      settle();
      reply(exchange, peer, id, { orders: [...exchange.book.values()].reverse().slice(0, 100) });
      return;
    case 'cancelAfter': {
      const ms = message.ms;
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
        return refused('badOrder', 'cancelAfter needs ms: a number >= 0 (0 disarms)');
      }
      settle();
      reply(exchange, peer, id, { cancelAt: armDeadman(exchange, ms) });
      return;
    }
  }
}

function positive(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

/**
 * (Re-)arms the dead man's switch to lapse `ms` from now, or disarms it with 0.
 *
 * @returns When it will lapse (ms since the epoch), or null when disarmed.
 */
function armDeadman(exchange: Exchange, ms: number): number | null {
  exchange.deadman?.unsubscribe();
  exchange.deadman = ms > 0 ? after(exchange, ms, () => cancelAll(exchange)) : undefined;
  return ms > 0 ? clockOf(exchange) + ms : null;
}

/** The dead man's switch lapsed: every resting order is cancelled, and subscribers of `orders` are told. */
function cancelAll(exchange: Exchange): void {
  exchange.deadman = undefined;
  let cancelled = exchange.plainOrders.size;
  exchange.plainOrders.clear();
  for (const order of exchange.book.values()) {
    if (order.status !== 'resting') continue;
    const done: MockOrder = { ...order, status: 'cancelled' };
    exchange.book.set(order.orderId, done);
    cancelled++;
    tellOwner(exchange, done);
  }
  exchange.events.next({ type: 'cancelAll', cancelled });
}

/** Fills a resting order the price has reached (a buy at or above it, a sell at or below it). */
function fillIfCrossed(exchange: Exchange, order: MockOrder): MockOrder | undefined {
  if (order.status !== 'resting') return undefined;
  const crossed = order.side === 'buy' ? exchange.price <= order.px : exchange.price >= order.px;
  if (!crossed) return undefined;
  const filled: MockOrder = { ...order, status: 'filled' };
  exchange.book.set(order.orderId, filled);
  exchange.events.next({ type: 'fill', order: filled });
  tellOwner(exchange, filled);
  return filled;
}

/** An order changed: every logged-in socket subscribed to `orders` hears it. */
function tellOwner(exchange: Exchange, order: MockOrder): void {
  for (const peer of exchange.peers) {
    if (peer.loggedIn && peer.channels.has('orders')) send(exchange, peer, { channel: 'orders', ...order });
  }
}

/** Keeps the book bounded: the oldest finished orders go once there are more than `FINISHED_KEPT`. */
function pruneBook(exchange: Exchange): void {
  let finished = 0;
  for (const order of exchange.book.values()) if (order.status !== 'resting') finished++;
  for (const [orderId, order] of exchange.book) {
    if (finished <= FINISHED_KEPT) return;
    if (order.status === 'resting') continue;
    exchange.book.delete(orderId);
    finished--;
  }
}

/** A random walk of the price, sent to every subscriber each `tickInterval`; resting orders it reaches fill. */
function ticks(exchange: Exchange, options: MockExchangeOptions): Subscription {
  const { tickInterval = 250, symbol = 'BTC-USD', random = Math.random } = options;
  let seq = 0;
  return interval(tickInterval).subscribe(() => {
    const price = Math.round((exchange.price + (random() - 0.5) * 20) * 10) / 10;
    exchange.price = price;
    seq++;
    for (const order of [...exchange.book.values()]) fillIfCrossed(exchange, order);
    pruneBook(exchange);
    for (const peer of exchange.peers) {
      if (peer.channels.has('ticks'))
        send(exchange, peer, { channel: 'ticks', symbol, price, seq, ts: clockOf(exchange) });
    }
  });
}

/** The handle: URLs, counts, events and the fault switches. */
function switches(exchange: Exchange, server: http.Server, wss: WebSocketServer): MockExchange {
  const port = (server.address() as AddressInfo).port;
  const dropAll = (): void => {
    for (const peer of exchange.peers) peer.socket.terminate();
  };
  const stopListening = (): Promise<void> =>
    new Promise<void>((resolve) => {
      dropAll();
      for (const socket of exchange.rawSockets) socket.destroy();
      server.close(() => resolve());
    });
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    infoUrl: `http://127.0.0.1:${port}/info`,
    port,
    apiKey: exchange.rules.apiKey,
    secret: exchange.rules.secret,
    events$: exchange.events.asObservable(),
    get connections() {
      return exchange.connections;
    },
    get orders() {
      return exchange.orders;
    },
    get openOrders() {
      let resting = exchange.plainOrders.size;
      for (const order of exchange.book.values()) if (order.status === 'resting') resting++;
      return resting;
    },
    get busiestWindow() {
      return exchange.busiestWindow;
    },
    get openSockets() {
      return exchange.peers.size;
    },
    drop: dropAll,
    stall: () => {
      for (const peer of exchange.peers) peer.stalled = true;
    },
    latency: (ms) => {
      exchange.delayMs = Math.max(0, ms);
    },
    outage: (on) => {
      exchange.down = on;
      if (on) dropAll();
    },
    reconnectNotice: (reason = 'server upgrade', graceMs = 1000) => {
      const told = [...exchange.peers].filter((peer) => !peer.stalled);
      exchange.events.next({ type: 'notice', reason });
      for (const peer of told) send(exchange, peer, { channel: 'notice', event: 'reconnect', reason });
      after(exchange, graceMs, () => {
        for (const peer of told) if (peer.socket.readyState === WebSocket.OPEN) peer.socket.close(1012, reason);
      });
    },
    restart: async (downMs = 0) => {
      await stopListening();
      // On the exchange's timers, so close() during the downtime ends the wait too.
      if (downMs > 0) await new Promise<void>((resolve) => after(exchange, downMs, resolve).add(resolve));
      if (!exchange.closed) await listen(server, port);
    },
    restore: () => {
      exchange.delayMs = 0;
      exchange.down = false;
    },
    close: async () => {
      exchange.closed = true;
      exchange.timers.unsubscribe();
      exchange.events.complete();
      wss.close();
      await stopListening();
    },
  };
}

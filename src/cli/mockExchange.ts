import http, { IncomingMessage } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { Observable, Subject, Subscription, interval, timer } from 'rxjs';
import WebSocket, { RawData, WebSocketServer } from 'ws';

/** What the mock exchange reports happening, for the demo's narration and for specs. */
export type MockExchangeEvent =
  | { readonly type: 'connection'; readonly id: number }
  | { readonly type: 'subscribe'; readonly id: number; readonly channel: string }
  | { readonly type: 'order'; readonly id: number; readonly orderId: string }
  | { readonly type: 'cancelAll'; readonly cancelled: number }
  | { readonly type: 'refused'; readonly status: number }
  | { readonly type: 'closed'; readonly id: number };

/** Where the mock exchange listens and what it ticks. */
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
}

/** A running mock exchange and its fault switches. */
export interface MockExchange {
  /** `ws://127.0.0.1:<port>/ws`. */
  readonly url: string;
  /** `http://127.0.0.1:<port>/info`: an account query, like the seed's `InfoClient`. */
  readonly infoUrl: string;
  readonly port: number;
  /** What happens on the exchange. Hot. */
  readonly events$: Observable<MockExchangeEvent>;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Orders received (and acknowledged) so far. */
  readonly orders: number;
  /** Orders resting: received, and not cancelled by the cancel-all timer since. */
  readonly openOrders: number;
  /** The open sockets. */
  readonly openSockets: number;
  /** Kills every socket without a close frame: the client sees 1006, as when a NAT drops a flow. */
  drop(): void;
  /**
   * Half-open: the sockets open now go silent (no ticks, no pongs, no acks, protocol pings
   * unanswered) without closing. Only a heartbeat timeout can tell. New sockets are healthy.
   */
  stall(): void;
  /** Delays everything sent (ticks, pongs, acks, protocol pongs, /info) by `ms`; `0` ends the spike. */
  latency(ms: number): void;
  /** While on, every socket is dropped and upgrades and /info answer HTTP 503. */
  outage(on: boolean): void;
  /** Ends latency and outage (stalled sockets stay stalled until the client gives up on them). */
  restore(): void;
  /** Stops everything; resolves when the port is free. */
  close(): Promise<void>;
}

interface Peer {
  readonly id: number;
  readonly socket: WebSocket;
  stalled: boolean;
  subscribed: boolean;
}

/** Everything a running mock exchange knows and switches, shared by its handlers. */
interface Exchange {
  readonly peers: Set<Peer>;
  readonly events: Subject<MockExchangeEvent>;
  /** Ticks and delayed replies: all ended by `close()`. */
  readonly timers: Subscription;
  readonly rawSockets: Set<Socket>;
  delayMs: number;
  down: boolean;
  connections: number;
  orders: number;
  nextId: number;
  /** Ids of the resting orders. */
  readonly resting: Set<string>;
  /** The dead-man's switch: cancels every resting order when it fires; re-armed by `cancelAllAfter`. */
  cancelAll: Subscription | undefined;
}

/**
 * Starts a mock exchange on 127.0.0.1 for the demo, the example and specs: a `ws` server sending
 * ticks to subscribers and answering application pings, with switches for the faults a trading bot
 * meets. It listens on 127.0.0.1 only and contacts nothing.
 *
 * Protocol (JSON text frames):
 * - `{"method":"ping"}` → `{"channel":"pong","ts":…}`; protocol ping frames get pongs too.
 * - `{"method":"subscribe","channel":"ticks"}` → `{"channel":"subscribed","subscription":"ticks"}`,
 *   then `{"channel":"ticks","symbol":"BTC-USD","price":67012.5,"seq":1}` every `tickInterval`.
 * - `{"method":"order","id":"o-1",…}` → `{"channel":"orderAck","id":"o-1","status":"accepted"}`; the
 *   order rests until the cancel-all timer fires.
 * - `{"method":"cancelAllAfter","id":7,"timeout":3000}` → `{"channel":"cancelAllAfter","id":7,"at":…}`:
 *   a dead-man's switch, as OKX's `cancel-all-after`: every resting order is cancelled `timeout` ms
 *   from now unless it is called again first; `timeout` 0 turns it off (`"at":null`).
 * - `GET /info` → `{"account":"demo","equity":100000,"serverTime":…}`.
 *
 * @example
 * const exchange = await startMockExchange();
 * const link = connect({ url: exchange.url, ping: 'app', subscriptions: [{ method: 'subscribe', channel: 'ticks' }] });
 * exchange.drop();           // the link reconnects and resubscribes
 * await link.close();
 * await exchange.close();
 *
 * @param options The port, tick interval, symbol, first price and random source.
 * @returns Once listening: its URLs, events and fault switches.
 */
export async function startMockExchange(options: MockExchangeOptions = {}): Promise<MockExchange> {
  const exchange: Exchange = {
    peers: new Set(),
    events: new Subject(),
    timers: new Subscription(),
    rawSockets: new Set(),
    delayMs: 0,
    down: false,
    connections: 0,
    orders: 0,
    nextId: 0,
    resting: new Set(),
    cancelAll: undefined,
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

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  return switches(exchange, server, wss);
}

/** Runs `action` now, or after the latency spike when one is on. */
function later(exchange: Exchange, action: () => void): void {
  if (exchange.delayMs === 0) {
    action();
    return;
  }
  const pending = timer(exchange.delayMs).subscribe(() => {
    exchange.timers.remove(pending);
    action();
  });
  exchange.timers.add(pending);
}

function send(exchange: Exchange, peer: Peer, message: unknown): void {
  if (peer.stalled) return;
  later(exchange, () => {
    if (!peer.stalled && peer.socket.readyState === WebSocket.OPEN) peer.socket.send(JSON.stringify(message));
  });
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
      .end(JSON.stringify({ account: 'demo', equity: 100_000, serverTime: Date.now() })),
  );
}

function accept(exchange: Exchange, socket: WebSocket): void {
  const peer: Peer = { id: ++exchange.nextId, socket, stalled: false, subscribed: false };
  exchange.connections++;
  exchange.peers.add(peer);
  exchange.events.next({ type: 'connection', id: peer.id });
  socket.on('ping', (data) => {
    if (peer.stalled) return;
    later(exchange, () => !peer.stalled && socket.readyState === WebSocket.OPEN && socket.pong(data));
  });
  socket.on('message', (data: RawData) => {
    if (!peer.stalled) answer(exchange, peer, data);
  });
  socket.on('close', () => {
    exchange.peers.delete(peer);
    exchange.events.next({ type: 'closed', id: peer.id });
  });
  socket.on('error', () => socket.terminate());
}

/** One inbound frame: a ping, a subscription or an order, answered; anything else an error reply. */
function answer(exchange: Exchange, peer: Peer, data: RawData): void {
  let message: { method?: unknown; channel?: unknown; id?: unknown };
  try {
    message = JSON.parse(data.toString()) as typeof message;
  } catch {
    send(exchange, peer, { channel: 'error', error: 'malformed JSON' });
    return;
  }
  switch (message.method) {
    case 'ping':
      send(exchange, peer, { channel: 'pong', ts: Date.now() });
      break;
    case 'subscribe':
      peer.subscribed = true;
      exchange.events.next({ type: 'subscribe', id: peer.id, channel: String(message.channel) });
      send(exchange, peer, { channel: 'subscribed', subscription: message.channel });
      break;
    case 'order':
      exchange.orders++;
      exchange.resting.add(String(message.id));
      exchange.events.next({ type: 'order', id: peer.id, orderId: String(message.id) });
      send(exchange, peer, { channel: 'orderAck', id: message.id, status: 'accepted' });
      break;
    case 'cancelAllAfter':
      cancelAllAfter(exchange, peer, message);
      break;
    default:
      send(exchange, peer, { channel: 'error', error: `unknown method ${String(message.method)}` });
  }
}

/** Arms (or, with `timeout` 0, disarms) the cancel-all timer and answers with when it will fire. */
function cancelAllAfter(exchange: Exchange, peer: Peer, message: { id?: unknown; timeout?: unknown }): void {
  const { timeout } = message;
  if (typeof timeout !== 'number' || !(timeout >= 0)) {
    send(exchange, peer, { channel: 'error', id: message.id, error: 'timeout must be a number of ms >= 0' });
    return;
  }
  exchange.cancelAll?.unsubscribe();
  exchange.cancelAll = undefined;
  if (timeout > 0) {
    const fire = timer(timeout).subscribe(() => {
      exchange.timers.remove(fire);
      exchange.cancelAll = undefined;
      const cancelled = exchange.resting.size;
      exchange.resting.clear();
      exchange.events.next({ type: 'cancelAll', cancelled });
    });
    exchange.cancelAll = fire;
    exchange.timers.add(fire);
  }
  send(exchange, peer, { channel: 'cancelAllAfter', id: message.id, at: timeout > 0 ? Date.now() + timeout : null });
}

/** A random walk of the price, sent to every subscriber each `tickInterval`. */
function ticks(exchange: Exchange, options: MockExchangeOptions): Subscription {
  const { tickInterval = 250, symbol = 'BTC-USD', price: firstPrice = 67_000, random = Math.random } = options;
  let price = firstPrice;
  let seq = 0;
  return interval(tickInterval).subscribe(() => {
    price = Math.round((price + (random() - 0.5) * 20) * 10) / 10;
    seq++;
    for (const peer of exchange.peers) {
      if (peer.subscribed) send(exchange, peer, { channel: 'ticks', symbol, price, seq, ts: Date.now() });
    }
  });
}

/** The handle: URLs, counts, events and the fault switches. */
function switches(exchange: Exchange, server: http.Server, wss: WebSocketServer): MockExchange {
  const port = (server.address() as AddressInfo).port;
  const dropAll = (): void => {
    for (const peer of exchange.peers) peer.socket.terminate();
  };
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    infoUrl: `http://127.0.0.1:${port}/info`,
    port,
    events$: exchange.events.asObservable(),
    get connections() {
      return exchange.connections;
    },
    get orders() {
      return exchange.orders;
    },
    get openOrders() {
      return exchange.resting.size;
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
    restore: () => {
      exchange.delayMs = 0;
      exchange.down = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        exchange.timers.unsubscribe();
        dropAll();
        for (const socket of exchange.rawSockets) socket.destroy();
        exchange.events.complete();
        wss.close();
        server.close(() => resolve());
      }),
  };
}

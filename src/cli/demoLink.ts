import { Connection } from '../streams/Connection';
import { connect } from '../streams/connect';
import { httpProbe } from '../streams/httpProbe';
import { AckVerdict, Session } from '../streams/SessionOptions';
import { MockExchange, MockOrder } from './mockExchange';
import { mockLoginSignature } from './mockLoginSignature';

/** What the mock exchange sends the demo (the fields it reads). */
export interface DemoInbound {
  readonly channel?: string;
  readonly subscription?: string;
  readonly price?: number;
  /** A notice's kind (`'reconnect'`) and why. */
  readonly event?: string;
  readonly reason?: string;
  /** Replies: the request's id, the exchange's time. */
  readonly id?: number;
  readonly serverTime?: number;
  /** The private `orders` channel: an order that changed. */
  readonly orderId?: string;
  readonly cid?: string;
  readonly status?: MockOrder['status'];
}

/** What the demo sends the mock exchange: a method and its fields. */
export interface DemoOutbound {
  readonly method: string;
  readonly [field: string]: unknown;
}

/** The demo's fixed settings, shared by the exchange it starts, the link and the narration. */
export const DEMO_SETTINGS = {
  /** The exchange's greeting on every new socket: a text frame, not JSON. */
  greeting: 'Websocket connection established.',
  /** Messages the exchange allows one connection in any window of a (story) second. */
  exchangeLimit: 20,
  /**
   * The link's own message budget per (story) second. The link counts when it writes and the exchange
   * when it reads, and the delay between the two varies, so two of the link's windows can land in one
   * of the exchange's: twice the budget, plus the application pings (which do not pass through it; at
   * most 6 in a window with the adaptive heartbeat), stays within the limit: 7 + 7 + 6 = 20.
   */
  budget: 7,
  /** The latency warning, story ms. */
  latencyWarningMs: 150,
} as const;

/** What the demo hears from the session hooks, to narrate them. */
export interface DemoSessionHooks {
  /** The resync hook read the account's orders from the exchange (`reconnect`: not the first connect). */
  readonly resynced: (orders: readonly MockOrder[], reconnect: boolean) => void;
}

/**
 * The demo strategy's link to the mock exchange: the session a real exchange needs, at story speed.
 * On every connect: the greeting ignored, a login signed afresh with the current time (awaited), the
 * public `ticks` and private `orders` channels subscribed and acknowledged, then a resync (the
 * account's orders, read back to learn what happened while the link was down) — only then is it
 * ready. Requests carry their deadline (`expiresAfter`), replies the exchange's time; every message
 * goes through a budget under the exchange's limit; a "reconnect now" notice replaces the socket at
 * once. Around it: app pings, a probe, a small retry budget and a recovery probe.
 *
 * @example
 * const link = demoLink(exchange, (ms) => ms / 4, { resynced: (orders) => console.log(orders.length) });
 * // connection #1: login → ticks, orders acknowledged → resync → ready
 *
 * @param exchange The mock exchange.
 * @param scale Story time (ms at speed 1) to real time.
 * @param hooks Told what the handshake and the resync did.
 * @returns The connection.
 */
export function demoLink(
  exchange: MockExchange,
  scale: (ms: number) => number,
  hooks: DemoSessionHooks,
): Connection<DemoInbound, DemoOutbound> {
  return connect<DemoInbound, DemoOutbound>({
    url: exchange.url,
    ignoreFrames: DEMO_SETTINGS.greeting,
    // Signed afresh on every connect with the exchange's time: a saved login would be refused as replayed.
    handshake: (session: Session<DemoInbound, DemoOutbound>) => {
      const ts = Math.round(session.exchangeNow());
      return session.request({
        method: 'login',
        key: exchange.apiKey,
        ts,
        sign: mockLoginSignature(exchange.secret, ts),
      });
    },
    subscriptions: [
      { method: 'subscribe', channel: 'ticks' },
      { method: 'subscribe', channel: 'orders' },
    ],
    acks: (subscription) => {
      const channel = subscription.channel;
      return {
        match: (message: DemoInbound): AckVerdict => {
          if (message.subscription !== channel) return undefined;
          if (message.channel === 'subscribed') return 'ack';
          return message.channel === 'error' ? 'reject' : undefined;
        },
      };
    },
    resync: async (session: Session<DemoInbound, DemoOutbound>) => {
      const reply = await session.request<{ result: { orders: MockOrder[] } }>({ method: 'orders' });
      hooks.resynced(reply.result.orders, session.reconnect);
    },
    correlation: {
      stampDeadline: (message, deadline) => ({ ...message, expiresAfter: Math.round(deadline) }),
      serverTimeOf: (message) => message.serverTime,
    },
    reconnectOn: (message) =>
      message.channel === 'notice' && message.event === 'reconnect' ? (message.reason ?? true) : undefined,
    messageLimit: DEMO_SETTINGS.budget,
    messageLimitWindow: scale(1000),
    readyTimeout: scale(5000),
    requestTimeout: scale(2000),
    probe: httpProbe(exchange.infoUrl),
    ping: 'app',
    pingMessage: { method: 'ping' },
    pongMatch: '"pong"',
    heartbeatInterval: scale(1000),
    heartbeatTimeout: scale(3000),
    checkInterval: scale(5000),
    probeTimeout: scale(2000),
    initialDelay: scale(500),
    maxDelay: scale(2000),
    factor: 2,
    maxAttempts: 3,
    jitter: 0.1,
    resetOnSuccess: scale(2000),
    recoveryInterval: scale(6000),
    latencyWarning: scale(DEMO_SETTINGS.latencyWarningMs),
    unstableTimeout: scale(20_000),
    sampleInterval: scale(500),
    dataSilence: scale(3000),
    predictionHorizon: scale(5000),
    queueSize: 50,
  });
}

import { filter, firstValueFrom, skipWhile, first, timeout } from 'rxjs';
import { MockExchange, MockExchangeEvent, MockOrder, startMockExchange } from '../../src/cli/mockExchange';
import { mockLoginSignature } from '../../src/cli/mockLoginSignature';
import { RequestError } from '../../src/model/RequestError';
import { Connection } from '../../src/streams/Connection';
import { connect } from '../../src/streams/connect';
import { AckVerdict } from '../../src/streams/SessionOptions';

interface In {
  readonly channel?: string;
  readonly subscription?: string;
  readonly serverTime?: number;
}
interface Out {
  readonly method: string;
  readonly [field: string]: unknown;
}

const GREETING = 'Websocket connection established.';
/** The exchange's rule: at most 10 messages from one connection in any 500 ms, or it closes the socket. */
const EXCHANGE_LIMIT = 10;
const WINDOW = 500;
/**
 * The link's budget: 4 in any 500 ms. The link counts when it writes, the exchange when it reads, and
 * the delay between the two varies (here: the event loop both share; on a real link: the network), so
 * messages the link wrote in two windows can land in one of the exchange's. Half the limit, less the
 * application pings (which do not pass through the budget; every second and one at open: at most 2
 * in a window), holds however the arrivals bunch: 4 + 4 + 2 = 10.
 */
const BUDGET = 4;
/** More queued requests than the exchange would take in one window: without the budget it cuts the socket. */
const QUEUED = 30;

/** What the exchange saw on one connection, in order: logins, subscriptions and requests (pings left out). */
function sessionOn(events: readonly MockExchangeEvent[], connection: number): string[] {
  return events.flatMap((event) => {
    if (!('id' in event) || event.id !== connection) return [];
    if (event.type === 'login') return [event.accepted ? 'login' : `login refused (${event.code})`];
    if (event.type === 'subscribe') return [`subscribe ${event.channel}${event.accepted ? '' : ` (${event.code})`}`];
    if (event.type === 'request') {
      const cid = typeof event.message.cid === 'string' ? ` ${event.message.cid}` : '';
      return [`${event.method}${cid}${event.code !== undefined ? ` (${event.code})` : ''}`];
    }
    return [];
  });
}

const placeOrder = (cid: string): Out => ({ method: 'placeOrder', cid, side: 'buy', px: 60_000, sz: 0.01 });

describe('connect() against startMockExchange across a server restart', () => {
  let exchange: MockExchange;
  let link: Connection<In, Out> | undefined;
  const events: MockExchangeEvent[] = [];

  beforeEach(async () => {
    events.length = 0;
    exchange = await startMockExchange({
      tickInterval: 50,
      price: 67_000,
      random: () => 0.5,
      greeting: GREETING,
      messageLimit: EXCHANGE_LIMIT,
      messageLimitWindow: WINDOW,
    });
    exchange.events$.subscribe((event) => events.push(event));
  });

  afterEach(async () => {
    await link?.close();
    link = undefined;
    await exchange.close();
  });

  const open = (overrides: { messageLimit?: number } = {}): Connection<In, Out> =>
    connect<In, Out>({
      url: exchange.url,
      ignoreFrames: GREETING,
      handshake: (session) => {
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
      acks: ({ channel }) => ({
        match: (message): AckVerdict =>
          message.subscription !== channel
            ? undefined
            : message.channel === 'subscribed'
              ? 'ack'
              : message.channel === 'error'
                ? 'reject'
                : undefined,
      }),
      resync: (session) => session.request({ method: 'orders' }),
      correlation: {
        stampDeadline: (message, deadline) => ({ ...message, expiresAfter: Math.round(deadline) }),
        serverTimeOf: (message) => message.serverTime,
      },
      messageLimit: overrides.messageLimit ?? BUDGET,
      messageLimitWindow: WINDOW,
      ping: 'app',
      heartbeatInterval: '1s',
      heartbeatTimeout: '3s',
      adaptiveHeartbeat: false,
      initialDelay: 50,
      maxDelay: 200,
      jitter: 'none',
      maxAttempts: 20,
      readyTimeout: '3s',
      requestTimeout: '5s',
    });

  const ready = (connection: Connection<In, Out>): Promise<boolean> =>
    firstValueFrom(connection.ready$.pipe(filter(Boolean), timeout(5000)));

  it('should show the exchange, per connection, a freshly signed login, then the subscriptions, then the queued requests — never over its limit, never a request past its deadline', async () => {
    link = open();
    await ready(link);
    await link.request(placeOrder('c-1'));

    const before = Date.now();
    const down = firstValueFrom(link.ready$.pipe(skipWhile(Boolean), first(), timeout(2000)));
    const restarted = exchange.restart(300);
    await down;
    // Made while the server is down: these wait in the outbox, under their time-to-live.
    const queued = Array.from({ length: QUEUED }, (_, i) =>
      (link as Connection<In, Out>).request<{ result: MockOrder }>(placeOrder(`q-${i + 1}`), { ttl: '8s' }),
    );
    const doomed = Array.from({ length: 3 }, (_, i) =>
      (link as Connection<In, Out>).request(placeOrder(`d-${i + 1}`), { ttl: 100 }).then(
        () => 'written',
        (error: unknown) => (error instanceof RequestError ? `${error.outcome} ${error.reason}` : String(error)),
      ),
    );
    await restarted;
    const replies = await Promise.all(queued);

    expect(replies.map((reply) => reply.result.cid)).toEqual(queued.map((_, i) => `q-${i + 1}`));
    expect(await Promise.all(doomed)).toEqual(['notSent expired', 'notSent expired', 'notSent expired']);
    const logins = events.flatMap((event) => (event.type === 'login' ? [event] : []));
    expect(logins.map((login) => [login.id, login.accepted])).toEqual([
      [1, true],
      [2, true],
    ]);
    expect(sessionOn(events, 1)).toEqual(['login', 'subscribe ticks', 'subscribe orders', 'orders', 'placeOrder c-1']);
    expect(sessionOn(events, 2)).toEqual([
      'login',
      'subscribe ticks',
      'subscribe orders',
      'orders',
      ...queued.map((_, i) => `placeOrder q-${i + 1}`),
    ]);
    // Freshly signed: after the restart began, newer than the first connection's (a replay is refused anyway).
    const [first1, second] = logins as [(typeof logins)[0], (typeof logins)[0]];
    expect(second.ts).toBeGreaterThanOrEqual(before);
    expect(second.ts).toBeGreaterThan(first1.ts);
    expect(second.ageMs).toBeLessThan(1000);
    // Never over the exchange's limit, and nothing late: the exchange refused nothing as expired.
    expect(events.filter((event) => event.type === 'rateLimited')).toEqual([]);
    expect(exchange.busiestWindow).toBeLessThanOrEqual(EXCHANGE_LIMIT);
    expect(events.filter((event) => event.type === 'request' && event.code !== undefined)).toEqual([]);
    expect(events.some((event) => event.type === 'request' && String(event.message.cid).startsWith('d-'))).toBe(false);
  }, 20_000);

  it('should be cut off by the exchange when the same queue is flushed without a budget (what the budget prevents)', async () => {
    link = open({ messageLimit: Infinity });
    await ready(link);
    const cut = firstValueFrom(
      exchange.events$.pipe(
        filter((event) => event.type === 'rateLimited'),
        timeout(5000),
      ),
    );
    const down = firstValueFrom(link.ready$.pipe(skipWhile(Boolean), first(), timeout(2000)));
    const restarted = exchange.restart(300);
    await down;
    const queued = Array.from({ length: QUEUED }, (_, i) =>
      (link as Connection<In, Out>).request(placeOrder(`q-${i + 1}`), { ttl: '8s' }).catch(() => undefined),
    );
    await restarted;
    expect(await cut).toMatchObject({ type: 'rateLimited', id: 2, count: EXCHANGE_LIMIT + 1 });
    await link.close();
    await Promise.all(queued);
  }, 20_000);
});

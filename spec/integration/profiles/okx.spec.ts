import { createHmac } from 'node:crypto';
import { Subscription, filter, firstValueFrom, timeout } from 'rxjs';
import { ConnectionEvent } from '../../../src/model/ConnectionEvent';
import { ConnectionEventType } from '../../../src/model/ConnectionEventType';
import { ConnectionStatus } from '../../../src/model/ConnectionStatus';
import { JsonObject } from '../../../src/profiles/JsonObject';
import { OkxChannel, okx } from '../../../src/profiles/okx';
import { OkxMock } from '../../support/exchanges/okxMock';
import {
  FAST_RETRY,
  SessionConnection,
  connectSession,
  ready,
  readyAgain,
} from '../../support/exchanges/sessionConnect';

// The 30 s idle cut becomes 300 ms; the heartbeat (20 s in the profile) is scaled alike.
const SCALE = 0.01;
const KEYS = { KEY: { secret: 'okx-secret', passphrase: 'PASS' } };
const credentials = (apiKey = 'KEY') => ({
  apiKey,
  passphrase: 'PASS',
  sign: (payload: string) => createHmac('sha256', 'okx-secret').update(payload).digest('base64'),
});
const subscription = {
  op: 'subscribe',
  args: [
    { channel: 'orders', instType: 'ANY' },
    { channel: 'tickers', instId: 'BTC-USDT' },
  ],
};

describe('okx() through connect(), against the OKX mock', () => {
  let mock: OkxMock;
  let link: SessionConnection<unknown, JsonObject> | undefined;
  const watching = new Subscription();
  let messages: unknown[];
  let events: ConnectionEvent[];

  const open = (
    channel: OkxChannel,
    options: Record<string, unknown> = {},
    apiKey = 'KEY',
  ): SessionConnection<unknown, JsonObject> => {
    link = connectSession<unknown, JsonObject>({
      ...okx({ channel, credentials: credentials(apiKey) }),
      url: `${mock.url}/ws/v5/${channel}`,
      ...FAST_RETRY,
      heartbeatInterval: 20_000 * SCALE,
      heartbeatTimeout: 40_000 * SCALE,
      ...options,
    });
    messages = [];
    events = [];
    watching.add(link.messages$.subscribe((message) => messages.push(message)));
    watching.add(link.events$.subscribe((event) => events.push(event)));
    return link;
  };

  /** The ops the exchange received on a connection, in order, pings left out. */
  const opsOn = (connection: number): string[] =>
    mock.inbound
      .filter((record) => record.connection === connection && record.text !== 'ping')
      .map((record) => (JSON.parse(record.text) as { op: string }).op);

  afterEach(async () => {
    watching.unsubscribe();
    await link?.close();
    link = undefined;
    await mock.close();
  });

  it('should log in afresh and then subscribe on every connection: first, after a drop, after a restart', async () => {
    mock = await OkxMock.start({ keys: KEYS, scale: SCALE });
    const connection = open('private', { subscriptions: [subscription] });
    await ready(connection);
    const afterDrop = readyAgain(connection);
    mock.drop();
    await afterDrop;
    const afterRestart = readyAgain(connection);
    await mock.restart();
    await afterRestart;
    expect(mock.logins.map((login) => login.connection)).toEqual(mock.connections.map((each) => each.id));
    for (const { id } of mock.connections) expect(opsOn(id).slice(0, 2)).toEqual(['login', 'subscribe']);
    // Each login was signed within OKX's 30 s of the exchange's clock when it arrived.
    for (const login of mock.logins) expect(Math.abs(mock.now() / 1000 - login.timestamp)).toBeLessThan(30);
    expect(mock.subscribed.filter((each) => each.connection === 1).map((each) => each.arg.channel)).toEqual([
      'orders',
      'tickers',
    ]);
  });

  it('should keep the socket past the idle cut with text pings, and let a stray pong reach nothing', async () => {
    mock = await OkxMock.start({ keys: KEYS, scale: SCALE });
    const connection = open('public', {
      subscriptions: [{ op: 'subscribe', args: [{ channel: 'tickers', instId: 'BTC-USDT' }] }],
    });
    await ready(connection);
    mock.broadcast('pong');
    await new Promise((resolve) => setTimeout(resolve, 3 * 30_000 * SCALE));
    expect(mock.connections).toHaveLength(1);
    expect(messages).not.toContain('pong');
    expect(events.filter((event) => event.type === ConnectionEventType.ErrorOccurred)).toEqual([]);
  });

  it('should place orders through request() by id, stamped with expTime, and read the server time', async () => {
    mock = await OkxMock.start({ keys: KEYS, scale: SCALE, skewMs: -3000 });
    const connection = open('private');
    await ready(connection);
    const placed = await connection.request<{ code: string; data: Array<{ ordId: string }> }>({
      op: 'order',
      args: [{ instId: 'BTC-USDT', tdMode: 'cash', side: 'buy', ordType: 'limit', px: '1', sz: '1' }],
    });
    expect(placed.code).toBe('0');
    expect(mock.openOrders('KEY').map((order) => order.id)).toEqual([placed.data[0]?.ordId]);
    const sent = mock.inbound.map((record) => record.text).find((text) => text.includes('"op":"order"')) as string;
    expect(JSON.parse(sent)).toMatchObject({
      id: expect.stringMatching(/^\d+$/),
      expTime: expect.stringMatching(/^\d+$/),
    });
    expect(Math.abs(connection.exchangeNow() - mock.now())).toBeLessThan(100);
  });

  it('should reconnect at once on the 64008 service-upgrade notice', async () => {
    mock = await OkxMock.start({ keys: KEYS, scale: SCALE });
    const connection = open('private', { subscriptions: [subscription], initialDelay: '10s', maxDelay: '10s' });
    await ready(connection);
    const again = readyAgain(connection, 3000);
    mock.notice();
    await again;
    expect(mock.logins).toHaveLength(2);
  });

  it('should never send more subscribe/login requests than the per-connection cap in any window', async () => {
    // OKX allows 480 an hour; the mock 5 a second, and the handle's budget matches it, with the
    // profile's 10% margin on the window.
    mock = await OkxMock.start({ keys: KEYS, scale: SCALE, requestLimit: 5, requestWindowMs: 1000 });
    const connection = open('public', { messageLimit: 5, messageLimitWindow: '1100ms' });
    await ready(connection);
    const handles = Array.from({ length: 12 }, (_, i) =>
      connection.subscribe({ op: 'subscribe', args: [{ channel: 'tickers', instId: `C${i}-USDT` }] }),
    );
    await Promise.all(handles.map((handle) => handle.active));
    expect(mock.log).not.toContain('rate-limit-close');
    expect(mock.connections).toHaveLength(1);
    expect(mock.mostInAnyWindow(1000, (record) => /"op":"(subscribe|login)"/.test(record.text))).toBeLessThanOrEqual(5);
  }, 20_000);

  it('should end Failed on an invalid API key, without a retry loop', async () => {
    mock = await OkxMock.start({ keys: KEYS, scale: SCALE });
    const connection = open('private', {}, 'UNKNOWN');
    await firstValueFrom(
      connection.status$.pipe(
        filter((status) => status === ConnectionStatus.Failed),
        timeout(5000),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(mock.connections).toHaveLength(1);
  });

  it('should end Failed on a bad signature (60007), not retry a login it refuses', async () => {
    mock = await OkxMock.start({ keys: KEYS, scale: SCALE });
    link = connectSession<unknown, JsonObject>({
      ...okx({
        channel: 'private',
        credentials: {
          ...credentials(),
          sign: (payload) => createHmac('sha256', 'wrong').update(payload).digest('base64'),
        },
      }),
      url: `${mock.url}/ws/v5/private`,
      ...FAST_RETRY,
    });
    await firstValueFrom(
      link.status$.pipe(
        filter((status) => status === ConnectionStatus.Failed),
        timeout(5000),
      ),
    );
    // FAST_RETRY would have tried again within 50 ms.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(mock.connections).toHaveLength(1);
    expect(link.snapshot().state.lastError).toContain('OKX login refused: 60007');
  });
});

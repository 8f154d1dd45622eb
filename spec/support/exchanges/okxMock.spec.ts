import { createHmac } from 'node:crypto';
import { waitFor } from '../testServer';
import { closeClients, has, openClient } from './mockClient';
import { OkxMock } from './okxMock';

const KEYS = { KEY: { secret: 'okx-secret', passphrase: 'PASS' } };
const login = (seconds: number, overrides: Record<string, unknown> = {}) => {
  const timestamp = String(seconds);
  const sign = createHmac('sha256', 'okx-secret').update(`${timestamp}GET/users/self/verify`).digest('base64');
  return { op: 'login', args: [{ apiKey: 'KEY', passphrase: 'PASS', timestamp, sign, ...overrides }] };
};
const nowSeconds = (mock: OkxMock): number => Math.floor(mock.now() / 1000);

describe('OkxMock (plain ws clients)', () => {
  let mock: OkxMock;

  afterEach(async () => {
    await closeClients();
    await mock.close();
  });

  it('should answer the text ping with the text pong', async () => {
    mock = await OkxMock.start();
    const client = await openClient(`${mock.url}/ws/v5/public`);
    client.send('ping');
    expect(await client.next((m) => m === 'pong')).toBe('pong');
  });

  it('should cut a socket silent for the (scaled) 30 s', async () => {
    mock = await OkxMock.start({ scale: 0.01 });
    const client = await openClient(`${mock.url}/ws/v5/public`);
    expect(await client.closed).toBe(4004);
  });

  it('should log in with a fresh signature, and refuse an expired one, an unknown key, a wrong passphrase, a bad sign', async () => {
    mock = await OkxMock.start({ keys: KEYS, skewMs: 120_000 });
    const codes: string[] = [];
    for (const message of [
      login(nowSeconds(mock) - 31),
      login(nowSeconds(mock), { apiKey: 'OTHER' }),
      login(nowSeconds(mock), { passphrase: 'nope' }),
      login(nowSeconds(mock), { sign: 'forged' }),
      login(nowSeconds(mock)),
    ]) {
      const client = await openClient(`${mock.url}/ws/v5/private`);
      client.send(message);
      const reply = (await client.next((m) => has({ event: 'login' })(m) || has({ event: 'error' })(m))) as {
        code: string;
      };
      codes.push(reply.code);
    }
    expect(codes).toEqual(['60006', '60005', '60024', '60007', '0']);
    expect(mock.logins).toHaveLength(1);
  });

  it('should refuse a login on the public socket', async () => {
    mock = await OkxMock.start({ keys: KEYS });
    const client = await openClient(`${mock.url}/ws/v5/public`);
    client.send(login(nowSeconds(mock)));
    expect(await client.next(has({ event: 'error' }))).toMatchObject({ code: '60028' });
  });

  it('should acknowledge each argument of a subscription, refuse an unknown channel by name, and private ones before login', async () => {
    mock = await OkxMock.start({ keys: KEYS });
    const client = await openClient(`${mock.url}/ws/v5/private`);
    client.send({
      op: 'subscribe',
      args: [
        { channel: 'tickers', instId: 'BTC-USDT' },
        { channel: 'tickers', instId: 'ETH-USDT' },
      ],
    });
    await waitFor(() => client.received.filter(has({ event: 'subscribe' })).length === 2);
    client.send({ op: 'subscribe', args: [{ channel: 'nope', instId: 'BTC-USDT' }] });
    expect(await client.next(has({ code: '60018' }))).toMatchObject({ msg: expect.stringContaining('channel:nope') });
    client.send({ op: 'subscribe', args: [{ channel: 'orders', instType: 'ANY' }] });
    expect(await client.next(has({ code: '60011' }))).toMatchObject({ event: 'error' });
  });

  it('should close a connection over 480 subscribe/unsubscribe/login requests in the (scaled) hour', async () => {
    mock = await OkxMock.start({ requestLimit: 3, requestWindowMs: 1000 });
    const client = await openClient(`${mock.url}/ws/v5/public`);
    client.send('ping');
    for (let i = 0; i < 4; i++) client.send({ op: 'subscribe', args: [{ channel: 'tickers', instId: `C${i}-USDT` }] });
    expect(await client.next(has({ code: '60014' }))).toMatchObject({ event: 'error' });
    expect(await client.closed).toBe(4004);
    expect(mock.subscribed).toHaveLength(3);
  });

  it('should answer orders by id with inTime/outTime in µs, and refuse one past its expTime', async () => {
    mock = await OkxMock.start({ keys: KEYS });
    const client = await openClient(`${mock.url}/ws/v5/private`);
    client.send(login(nowSeconds(mock)));
    await client.next(has({ event: 'login' }));
    client.send({ id: '1', op: 'order', args: [{ instId: 'BTC-USDT' }], expTime: String(mock.now() + 5000) });
    const placed = (await client.next(has({ id: '1' }))) as { code: string; outTime: string };
    expect(placed.code).toBe('0');
    expect(Math.abs(Number(placed.outTime) / 1000 - Date.now())).toBeLessThan(1000);
    client.send({ id: '2', op: 'order', args: [{ instId: 'BTC-USDT' }], expTime: String(mock.now() - 1) });
    expect(await client.next(has({ id: '2' }))).toMatchObject({ code: '1', data: [{ sCode: '50004' }] });
    expect(mock.openOrders('KEY')).toHaveLength(1);
  });

  it('should send the 64008 notice on demand', async () => {
    mock = await OkxMock.start();
    const client = await openClient(`${mock.url}/ws/v5/business`);
    mock.notice();
    expect(await client.next(has({ event: 'notice' }))).toMatchObject({ code: '64008' });
  });

  it('should cancel the key’s open orders when the cancel-all-after countdown lapses', async () => {
    mock = await OkxMock.start({ scale: 0.01 });
    mock.placeOrder('KEY', {});
    const post = (timeOut: string): Promise<unknown> =>
      fetch(`${mock.httpUrl}/api/v5/trade/cancel-all-after`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'OK-ACCESS-KEY': 'KEY' },
        body: JSON.stringify({ timeOut }),
      }).then((response) => response.json());
    expect(await post('5')).toMatchObject({ code: '51000' });
    expect(await post('10')).toMatchObject({ code: '0' });
    await waitFor(() => mock.cancelledByTimer.length === 1, 2000, 'the cancel-all-after');
    expect(mock.openOrders('KEY')).toHaveLength(0);
  });
});

import { createHmac } from 'node:crypto';
import { waitFor } from '../testServer';
import { BybitMock } from './bybitMock';
import { closeClients, has, openClient } from './mockClient';

const SECRET = 'bybit-secret';
const auth = (expires: number, secret = SECRET, apiKey = 'KEY') => ({
  op: 'auth',
  req_id: 'auth',
  args: [apiKey, expires, createHmac('sha256', secret).update(`GET/realtime${expires}`).digest('hex')],
});

describe('BybitMock (plain ws clients)', () => {
  let mock: BybitMock;

  afterEach(async () => {
    await closeClients();
    await mock.close();
  });

  it('should answer ping in the public shape on public sockets and the private shape on private ones', async () => {
    mock = await BybitMock.start();
    const pub = await openClient(`${mock.url}/v5/public/linear`);
    const priv = await openClient(`${mock.url}/v5/private`);
    pub.send({ op: 'ping', req_id: '1' });
    priv.send({ op: 'ping', req_id: '2' });
    expect(await pub.next(has({ op: 'ping' }))).toMatchObject({ success: true, ret_msg: 'pong', req_id: '1' });
    expect(await priv.next(has({ op: 'pong' }))).toMatchObject({ req_id: '2', args: [expect.any(String)] });
  });

  it('should close a socket silent for the (scaled) 10 minutes', async () => {
    mock = await BybitMock.start({ scale: 0.0005 });
    const client = await openClient(`${mock.url}/v5/public/spot`);
    expect(await client.closed).toBe(1000);
  });

  it('should authenticate a fresh signature and refuse an expired one, a bad one and an unknown key', async () => {
    mock = await BybitMock.start({ keys: { KEY: SECRET } });
    const client = await openClient(`${mock.url}/v5/private`);
    const verdicts: unknown[] = [];
    for (const message of [
      auth(mock.now() - 1),
      auth(mock.now() + 10_000, 'wrong'),
      auth(mock.now() + 10_000, SECRET, 'OTHER'),
      auth(mock.now() + 10_000),
    ]) {
      client.send(message);
      const reply = (await client.next((m) => has({ op: 'auth' })(m) && !verdicts.includes(m))) as { ret_msg: string };
      verdicts.push(reply);
    }
    expect(verdicts.map((reply) => (reply as { success: boolean }).success)).toEqual([false, false, false, true]);
    expect((verdicts[2] as { ret_msg: string }).ret_msg).toBe('Invalid apikey');
    expect(mock.auths).toHaveLength(1);
  });

  it('should answer auth on the trade socket with retCode, 10003 for an unknown key', async () => {
    mock = await BybitMock.start({ keys: { KEY: SECRET } });
    const client = await openClient(`${mock.url}/v5/trade`);
    client.send({ ...auth(mock.now() + 10_000, SECRET, 'OTHER'), reqId: 'a' });
    expect(await client.next(has({ op: 'auth' }))).toMatchObject({ retCode: 10003, reqId: 'a' });
  });

  it('should acknowledge a subscription with its req_id, refuse a bad topic naming it, and private ones before auth', async () => {
    mock = await BybitMock.start({ keys: { KEY: SECRET } });
    const pub = await openClient(`${mock.url}/v5/public/linear`);
    pub.send({ op: 'subscribe', req_id: 'book', args: ['orderbook.50.BTCUSDT'] });
    expect(await pub.next(has({ req_id: 'book' }))).toMatchObject({ success: true, op: 'subscribe' });
    pub.send({ op: 'subscribe', req_id: 'bad', args: ['nope.BTCUSDT'] });
    expect(await pub.next(has({ req_id: 'bad' }))).toMatchObject({
      success: false,
      ret_msg: 'error:handler not found,topic:nope.BTCUSDT',
    });
    const priv = await openClient(`${mock.url}/v5/private`);
    priv.send({ op: 'subscribe', req_id: 'orders', args: ['order'] });
    expect(await priv.next(has({ req_id: 'orders' }))).toMatchObject({ success: false });
  });

  it('should refuse more than 10 args in one spot subscription', async () => {
    mock = await BybitMock.start();
    const spot = await openClient(`${mock.url}/v5/public/spot`);
    spot.send({ op: 'subscribe', req_id: 'many', args: Array.from({ length: 11 }, (_, i) => `tickers.C${i}USDT`) });
    expect(await spot.next(has({ req_id: 'many' }))).toMatchObject({ success: false, ret_msg: 'args size >10' });
  });

  it('should take orders with a fresh timestamp by reqId, with the server time in the header', async () => {
    mock = await BybitMock.start({ keys: { KEY: SECRET }, skewMs: 3000 });
    const trade = await openClient(`${mock.url}/v5/trade`);
    trade.send(auth(mock.now() + 10_000));
    await trade.next(has({ op: 'auth' }));
    const header = (timestamp: number) => ({ 'X-BAPI-TIMESTAMP': String(timestamp), 'X-BAPI-RECV-WINDOW': '5000' });
    trade.send({ reqId: 'o1', header: header(mock.now()), op: 'order.create', args: [{ symbol: 'BTCUSDT' }] });
    const placed = (await trade.next(has({ reqId: 'o1' }))) as { retCode: number; header: { Timenow: string } };
    expect(placed.retCode).toBe(0);
    expect(Number(placed.header.Timenow)).toBeGreaterThanOrEqual(Date.now() + 2500);
    trade.send({ reqId: 'o2', header: header(mock.now() - 6000), op: 'order.create', args: [{ symbol: 'BTCUSDT' }] });
    expect(await trade.next(has({ reqId: 'o2' }))).toMatchObject({ retCode: 10002 });
    expect(mock.openOrders('KEY')).toHaveLength(1);
  });

  it('should answer over the order rate with 10006', async () => {
    mock = await BybitMock.start({ keys: { KEY: SECRET }, orderLimit: 2 });
    const trade = await openClient(`${mock.url}/v5/trade`);
    trade.send(auth(mock.now() + 10_000));
    await trade.next(has({ op: 'auth' }));
    for (const reqId of ['a', 'b', 'c']) {
      trade.send({ reqId, header: { 'X-BAPI-TIMESTAMP': String(mock.now()) }, op: 'order.create', args: [{}] });
    }
    expect(await trade.next(has({ reqId: 'c' }))).toMatchObject({ retCode: 10006 });
  });

  it('should cancel every order of the key when all its dcp sockets are gone for the (scaled) window', async () => {
    mock = await BybitMock.start({ keys: { KEY: SECRET }, scale: 0.02 });
    mock.placeOrder('KEY', { symbol: 'BTCUSDT' });
    const priv = await openClient(`${mock.url}/v5/private`);
    priv.send(auth(mock.now() + 10_000));
    await priv.next(has({ op: 'auth' }));
    priv.send({ op: 'subscribe', req_id: 'dcp', args: ['dcp.future'] });
    await priv.next(has({ req_id: 'dcp' }));
    mock.drop();
    await waitFor(() => mock.cancelAllArmed, 1000, 'the DCP timer');
    // A socket back within the window, subscribed to dcp again, stops the timer.
    const back = await openClient(`${mock.url}/v5/private`);
    back.send(auth(mock.now() + 10_000));
    await back.next(has({ op: 'auth' }));
    back.send({ op: 'subscribe', req_id: 'dcp', args: ['dcp.future'] });
    await back.next(has({ req_id: 'dcp' }));
    expect(mock.cancelAllArmed).toBe(false);
    mock.drop();
    await waitFor(() => mock.cancelledByTimer.length === 1, 2000, 'the DCP cancel');
    expect(mock.orders.size).toBe(0);
  });
});

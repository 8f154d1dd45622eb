import { OkxMock } from '../support/exchanges/okxMock';
import { FAST, assertBuilt, reapCliRuns, records, runCli } from './runCli';

// `lifeline monitor --exchange okx URL`, the built binary against the OKX mock: the profile's text
// ping keeps the socket past the mock's idle cut, its ack rule confirms the --subscribe message, and a
// stray `pong` is no error. Needs the session engine (connect() taking acks and ignoreFrames).

describe('lifeline monitor --exchange (the built binary, against the OKX mock)', () => {
  let mock: OkxMock | undefined;

  beforeAll(assertBuilt);

  afterEach(async () => {
    await reapCliRuns();
    await mock?.close();
    mock = undefined;
  });

  it('should apply the okx profile: text pings past the idle cut, the subscription acknowledged, flags over the profile', async () => {
    mock = await OkxMock.start({ scale: 0.02 });
    const subscribe = JSON.stringify({ op: 'subscribe', args: [{ channel: 'tickers', instId: 'BTC-USDT' }] });
    const run = runCli([
      'monitor',
      `${mock.url}/ws/v5/public`,
      '--exchange',
      'okx',
      '--json',
      ...FAST,
      '--duration',
      '2s',
      '--subscribe',
      subscribe,
    ]);
    await run.waitForLine((line) => line.includes('"status":"Connected"'), 10_000, 'Connected');
    mock.broadcast('pong');
    expect(await run.exited).toBe(0);
    const [start] = records(run);
    expect(start).toMatchObject({ kind: 'start', exchange: 'okx', ping: 'app', heartbeatInterval: 200 });
    // One connection for the whole run: the pings (every 200 ms) beat the 600 ms idle cut.
    expect(mock.connections).toHaveLength(1);
    expect(mock.inbound.filter((record) => record.text === 'ping').length).toBeGreaterThan(3);
    expect(mock.subscribed.map((each) => each.arg.channel)).toEqual(['tickers']);
    const errors = records(run).filter((record) => record.kind === 'event' && record.type === 'ErrorOccurred');
    expect(errors).toEqual([]);
  });
});

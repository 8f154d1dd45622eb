import http from 'node:http';
import { AddressInfo } from 'node:net';
import { MockExchange, startMockExchange } from '../src/testing';
import { seededRandom } from '../spec/support/seededRandom';
import { waitFor } from '../spec/support/testServer';
import { GridStrategy, GridTiming, startGridStrategy } from './grid-strategy';

/** The seed's minutes as milliseconds: the same loop, time compressed. */
const COMPRESSED: GridTiming = {
  checkInterval: '150ms',
  reportEvery: '1500ms',
  settle: '200ms',
  degradedFor: '300ms',
  heartbeatInterval: '100ms',
  heartbeatTimeout: '400ms',
  initialDelay: '50ms',
  maxDelay: '100ms',
  maxAttempts: 2,
  recoveryInterval: '400ms',
};

describe('examples/grid-strategy', () => {
  let exchange: MockExchange | undefined;
  let bot: GridStrategy | undefined;
  let info: http.Server | undefined;
  let lines: string[];

  /** An account endpoint whose first answer is a 503: the initial connection check fails. */
  async function startInfo(): Promise<string> {
    let requests = 0;
    info = http.createServer((_request, response) => {
      response.writeHead(++requests === 1 ? 503 : 200, { connection: 'close' }).end('{"account":"demo"}');
    });
    const server = info;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/info`;
  }

  beforeEach(() => {
    lines = [];
  });

  afterEach(async () => {
    await bot?.stop();
    await exchange?.close();
    const server = info;
    if (server) await new Promise((resolve) => server.close(resolve));
    bot = undefined;
    exchange = undefined;
    info = undefined;
  });

  it('should warn on a failed initial check, trade, pause while the link is down, record the risk, resume and report', async () => {
    exchange = await startMockExchange({ tickInterval: 10, random: seededRandom(7) });
    bot = startGridStrategy({
      url: exchange.url,
      infoUrl: await startInfo(),
      timing: COMPRESSED,
      log: (line) => lines.push(line),
    });
    const running = bot;

    await waitFor(() => running.orders.sent >= 3, 5000, 'orders sent');
    expect(lines.some((line) => line.includes('initial connection check failed (continuing)'))).toBe(true);
    expect(lines).toContain('START trading: the link is healthy');

    exchange.outage(true);
    await waitFor(() => running.risks.length >= 1, 5000, 'trading paused');
    // Was reason 'Failed': the gate's default changed on purpose (issues 10.6, 13.3), so trading pauses
    // the moment the outage drops the link, not only once the retries are spent.
    expect(running.risks[0]).toMatchObject({ type: 'tradingPaused', reason: 'Disconnected', severity: 4 });
    expect(lines.some((line) => line.startsWith('PAUSE trading: trading paused: the link is Disconnected'))).toBe(true);
    const sentWhileUp = running.orders.sent;

    exchange.outage(false);
    await waitFor(() => running.risks.length >= 2, 5000, 'trading resumed');
    expect(running.risks[1]).toMatchObject({
      type: 'tradingResumed',
      reason: 'healthy',
      downtimeMs: expect.any(Number),
    });
    expect(running.risks[1]?.downtimeMs).toBeGreaterThan(0);
    await waitFor(() => running.orders.sent > sentWhileUp, 5000, 'orders after the recovery');
    await waitFor(() => running.reports.length >= 1, 5000, 'a report');

    const report = lines.find((line) => line.startsWith('📡 连接状态报告:'))?.split('\n');
    expect(report?.[1]).toMatch(/^ {3}连接状态: /);
    expect(report?.[12]).toMatch(/^ {3}- 总停机时间: /);
    const rejections = lines.filter((line) => line.startsWith('REJECT'));
    expect(rejections.length).toBe(running.orders.rejected);
    for (const rejection of rejections) expect(rejection).toContain('trade gate closed');
    expect(running.orders.failed).toBe(0);
  }, 25_000);

  it('should reconnect when the quality stays degraded', async () => {
    exchange = await startMockExchange({ tickInterval: 20, random: seededRandom(3) });
    bot = startGridStrategy({
      url: exchange.url,
      infoUrl: exchange.infoUrl,
      timing: { ...COMPRESSED, latencyWarning: '60ms', adaptiveHeartbeat: false },
      log: (line) => lines.push(line),
    });
    const running = bot;
    await waitFor(() => lines.includes('START trading: the link is healthy'), 5000, 'trading');
    exchange.latency(90);
    await waitFor(() => running.degradedReconnects >= 1, 8000, 'a reconnect for degraded quality');
    exchange.restore();
    expect(lines).toContain('RECONNECT quality degraded for 300ms; reconnecting');
    expect(lines.some((line) => line.includes('"errorMessage":"reconnect requested by the application"'))).toBe(true);
  }, 20_000);
});

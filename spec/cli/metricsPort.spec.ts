import net, { AddressInfo } from 'node:net';
import { httpGet } from '../support/exposition';
import { TestServer, startTestServer } from '../support/testServer';

/** Polls an async condition every 20 ms. */
async function waitFor(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
import { FAST, assertBuilt, reapCliRuns, runCli } from './runCli';

describe('lifeline monitor --metrics-port (the built binary)', () => {
  let server: TestServer | undefined;

  beforeAll(assertBuilt);

  afterEach(async () => {
    await reapCliRuns();
    await server?.close();
    server = undefined;
  });

  it('should serve /metrics and a /healthz that follows the trade gate', async () => {
    server = await startTestServer();
    const port = server.port;
    const run = runCli([
      'monitor',
      server.url,
      '--json',
      ...FAST,
      '--settle',
      '200ms',
      '--close-on',
      'Disconnected,Reconnecting',
      '--metrics-port',
      '0',
      '--duration',
      '30s',
    ]);
    const announced = JSON.parse(
      await run.waitForLine((line) => line.includes('"kind":"metrics"'), 10_000, 'the metrics url'),
    );
    const url = announced.url as string;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    await run.waitForLine(
      (line) => line.includes('"kind":"gate"') && line.includes('"open":true'),
      10_000,
      'the gate open',
    );
    const healthy = await httpGet(`${url}/healthz`);
    expect(healthy.status).toBe(200);
    const scraped = await httpGet(`${url}/metrics`);
    expect(scraped.status).toBe(200);
    expect(scraped.body).toContain('# TYPE lifeline_status gauge');
    expect(scraped.body).toMatch(/lifeline_status\{status="Connected"\} 1/);
    expect(scraped.body).toMatch(/lifeline_gate_open 1/);

    await server.close();
    server = undefined;
    await waitFor(async () => (await httpGet(`${url}/healthz`)).status === 503, 10_000, '/healthz 503');
    expect(run.stdout.some((line) => line.includes('"kind":"gate"') && line.includes('"reason":"Disconnected"'))).toBe(
      true,
    );

    server = await startTestServer({ port });
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
  });

  it('should exit 1 when the metrics port cannot be bound, and say why', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      server = await startTestServer();
      const run = runCli(['monitor', server.url, '--metrics-port', String(port), ...FAST]);
      expect(await run.exited).toBe(1);
      expect(run.stderr.join('\n')).toContain(`lifeline monitor: cannot serve metrics on 127.0.0.1:${port}: `);
      expect(run.stderr.join('\n')).toContain('EADDRINUSE');
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('should exit 2 for a port that is not one, starting nothing', async () => {
    const run = runCli(['monitor', 'ws://127.0.0.1:1', '--metrics-port', '70000']);
    expect(await run.exited).toBe(2);
    expect(run.stderr.join('\n')).toMatch(/invalid --metrics-port: "70000" \(allowed: a port number from 0 to 65535\)/);
  });
});

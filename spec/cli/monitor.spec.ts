import { spawn } from 'node:child_process';
import { TestServer, startTestServer, waitFor } from '../support/testServer';
import { BIN, FAST, assertBuilt, reapCliRuns, records, runCli } from './runCli';

/** Runs the CLI and closes the reading end of its stdout after the first output, as `| head -1` does. */
async function runThenCloseStdout(args: readonly string[]): Promise<{ code: number | string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const closed = new Promise<number | string>((resolve) =>
    child.on('close', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  await new Promise((resolve) => child.stdout.once('data', resolve));
  child.stdout.destroy();
  return { code: await closed, stderr };
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(Z|[+-]\d{2}:\d{2})$/;

describe('lifeline monitor (the built binary, against a real local server)', () => {
  let server: TestServer | undefined;

  beforeAll(assertBuilt);

  afterEach(async () => {
    await reapCliRuns();
    await server?.close();
    server = undefined;
  });

  it('should show Connected as NDJSON, then a reconnect after the server drops the link, and end 0 on SIGINT', async () => {
    server = await startTestServer();
    const run = runCli(['monitor', server.url, '--json', ...FAST, '--duration', '30s']);
    await run.waitForLine(
      (line) => line.includes('"kind":"status"') && line.includes('"status":"Connected"'),
      10_000,
      'Connected',
    );
    await waitFor(() => (server?.sockets.length ?? 0) === 1, 5000, 'the server socket');
    server.sockets[0]?.terminate();
    await run.waitForLine((line) => line.includes('"type":"ReconnectSuccess"'), 10_000, 'ReconnectSuccess');
    await run.waitForLine(
      (line) => line.includes('"kind":"gate"') && line.includes('"open":true'),
      10_000,
      'the gate open',
    );
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);

    const lines = records(run);
    expect(lines.every((line) => typeof line.kind === 'string')).toBe(true);
    expect(lines[0]).toMatchObject({ kind: 'start', urls: [server.url] });
    const statuses = lines.filter((line) => line.kind === 'status').map((line) => line.status);
    expect(statuses).toEqual(expect.arrayContaining(['Connecting', 'Connected', 'Disconnected', 'Reconnecting']));
    expect(statuses.filter((status) => status === 'Connected').length).toBeGreaterThanOrEqual(2);
    const events = lines.filter((line) => line.kind === 'event');
    expect(events.map((event) => event.type)).toEqual(
      expect.arrayContaining(['Connected', 'Disconnected', 'ReconnectAttempt', 'ReconnectSuccess']),
    );
    for (const event of events) {
      expect(event).toEqual(
        expect.objectContaining({
          type: expect.any(String),
          severity: expect.any(Number),
          timestamp: expect.stringMatching(ISO),
          description: expect.any(String),
          retryCount: expect.any(Number),
        }),
      );
    }
    expect(events.find((event) => event.type === 'Disconnected')).toMatchObject({
      severity: 4,
      errorMessage: expect.stringContaining('1006'),
    });
    expect(lines.some((line) => line.kind === 'report' && line.final === true)).toBe(true);
    expect(lines.at(-1)).toMatchObject({ kind: 'end', reason: 'signal', exitCode: 0 });
    expect(server.connections).toBe(2);
  }, 30_000);

  it('should print status, events, gate changes and reports for people, ending 0 after --duration', async () => {
    server = await startTestServer();
    const run = runCli([
      'monitor',
      server.url,
      '--locale',
      'en',
      '--report-every',
      '600ms',
      '--settle',
      '100ms',
      '--duration',
      '1500ms',
      ...FAST,
    ]);
    expect(await run.exited).toBe(0);
    const out = run.stdout.join('\n');
    expect(out).toMatch(/status Connected/);
    expect(out).toMatch(/event {2}\[info\] Connected: connected/);
    expect(out).toMatch(/gate {3}OPEN: the link is Connected with good quality/);
    expect(out).toContain('📡 Connection status report:');
    expect(out).toContain('   Status: Connected');
    expect(out).toMatch(/end {4}duration elapsed; exit 0/);
  }, 20_000);

  it.each([[[]], [['--json']]])(
    'should end quietly with exit 0 when the reader closes stdout (| head -1), args %j',
    async (mode) => {
      server = await startTestServer();
      const { code, stderr } = await runThenCloseStdout(['monitor', server.url, ...mode, '--duration', '1s', ...FAST]);
      expect(stderr).toBe('');
      expect(code).toBe(0);
    },
    15_000,
  );

  it('should say wss:// to a plain ws:// server is the problem, and not offer reconnect() on exit', async () => {
    server = await startTestServer();
    const run = runCli([
      'monitor',
      server.url.replace('ws://', 'wss://'),
      '--locale',
      'en',
      '--max-attempts',
      '1',
      '--initial-delay',
      '50ms',
    ]);
    expect(await run.exited).toBe(3);
    const out = run.stdout.join('\n');
    expect(out).toMatch(
      /status Failed: TLS handshake failed \(wrong version number\): is the server plain ws:\/\/\? Then use ws:\/\/ instead of wss:\/\//,
    );
    expect(out).not.toMatch(/SSL routines|openssl/);
    expect(out).toMatch(/connection failed after 1 retry; lifeline stops here \(exit 3; --recover keeps watching/);
    expect(out).not.toContain('reconnect()');
  }, 15_000);

  describe('bad arguments', () => {
    it.each([
      [['--heartbeat-interval', 'abc'], /invalid --heartbeat-interval: "abc" \(allowed: a duration > 0/],
      [['--jitter', 'lots'], /invalid --jitter: "lots" \(allowed: "none", "full", "equal", or a ratio from 0 to 1\)/],
      [['--max-attempts', '-1'], /invalid --max-attempts: -1 \(allowed: a whole number >= 0, or Infinity\)/],
      [
        ['--heartbeat-timeout', '10s'],
        /--heartbeat-timeout 10s is too short for --heartbeat-interval \(30s by default\): give --heartbeat-timeout more than 30s/,
      ],
      [
        ['--heartbeat-interval', '1.5m'],
        /^lifeline monitor: --heartbeat-interval 1\.5m is too long for --heartbeat-timeout \(1m by default\): give --heartbeat-timeout more than 1\.5m, or a shorter --heartbeat-interval/,
      ],
      [['--factor', '0.5'], /invalid --factor: 0.5 \(allowed: a finite number >= 1\)/],
      [['--locale', 'fr'], /invalid --locale: "fr" \(allowed: "zh-CN" or "en"\)/],
      [['--report-every', '0'], /invalid --report-every: 0/],
      [['--subscribe', '{oops'], /invalid --subscribe: "\{oops" \(allowed: a JSON message/],
      [['--close-on', 'Connected'], /invalid --close-on: \["Connected"\]/],
      [['--ping', 'icmp'], /invalid --ping: "icmp" \(allowed: "ws" or "app"\)/],
      [['--probe', 'ftp://x'], /invalid --probe: "ftp:\/\/x" \(allowed: an http:\/\/ or https:\/\/ URL/],
      [['--bogus'], /error: unknown option '--bogus'/],
    ])(
      'should exit 2 for %j, name the option, the value and what is allowed, and start nothing',
      async (args, message) => {
        server = await startTestServer();
        const run = runCli(['monitor', server.url, ...args]);
        expect(await run.exited).toBe(2);
        expect(run.stderr.join('\n')).toMatch(message);
        expect(run.stdout.join('')).toBe('');
        expect(server.connections).toBe(0);
      },
      15_000,
    );

    it('should exit 2 for a URL that is not ws:// or wss://, without printing its secrets', async () => {
      const run = runCli(['monitor', 'https://127.0.0.1:1/feed?token=s3cr3t']);
      expect(await run.exited).toBe(2);
      const err = run.stderr.join('\n');
      expect(err).toMatch(
        /invalid <url>: "https:\/\/127.0.0.1:1\/feed\?token=\*\*\*" \(allowed: a ws:\/\/ or wss:\/\/ URL/,
      );
      expect(err).not.toContain('s3cr3t');
    });

    it('should exit 2 without a URL', async () => {
      const run = runCli(['monitor']);
      expect(await run.exited).toBe(2);
      expect(run.stderr.join('\n')).toContain("missing required argument 'url'");
    });
  });

  it('should exit 3 when the server never returns', async () => {
    const gone = await startTestServer();
    const url = gone.url;
    await gone.close();
    const run = runCli([
      'monitor',
      url,
      '--json',
      '--max-attempts',
      '2',
      '--initial-delay',
      '50ms',
      '--jitter',
      'none',
    ]);
    expect(await run.exited).toBe(3);
    const lines = records(run);
    // Three failed attempts push the error rate past 10 %: quality is degraded before the link fails.
    expect(lines.filter((line) => line.kind === 'event').map((line) => line.type)).toEqual([
      'ErrorOccurred',
      'ReconnectAttempt',
      'ReconnectFailed',
      'ReconnectAttempt',
      'ReconnectFailed',
      'QualityDegraded',
      'ErrorOccurred',
    ]);
    expect(lines.find((line) => line.kind === 'gate' && line.reason === 'Failed')).toBeDefined();
    expect(lines.at(-1)).toMatchObject({ kind: 'end', reason: 'failed', status: 'Failed', exitCode: 3 });
  }, 15_000);

  it('should never print a token from the URL or a header', async () => {
    server = await startTestServer();
    const run = runCli([
      'monitor',
      `${server.url}/?symbol=BTC&token=s3cr3t`,
      '--headers',
      'Authorization: Bearer s3cr3t',
      '--duration',
      '700ms',
      '--report-every',
      '300ms',
      ...FAST,
    ]);
    expect(await run.exited).toBe(0);
    const all = [...run.stdout, ...run.stderr].join('\n');
    expect(all).toContain('token=***');
    expect(all).not.toContain('s3cr3t');
    const json = runCli([
      'monitor',
      `${server.url}/?apikey=s3cr3t`,
      '--json',
      '--headers',
      'X-API-KEY: s3cr3t',
      '--duration',
      '300ms',
    ]);
    expect(await json.exited).toBe(0);
    expect(json.stdout.join('\n')).not.toContain('s3cr3t');
    expect(records(json)[0]).toMatchObject({ headers: { 'X-API-KEY': '***' } });
  }, 15_000);
});

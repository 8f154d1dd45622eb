import { readFileSync } from 'node:fs';
import https from 'node:https';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import { TestServer, startTestServer } from '../support/testServer';
import { assertBuilt, reapCliRuns, runCli } from './runCli';

const FIXTURES = path.join(__dirname, 'fixtures');

describe('lifeline diagnose (the built binary)', () => {
  let server: TestServer | undefined;
  let tlsServer: https.Server | undefined;

  beforeAll(assertBuilt);

  afterEach(async () => {
    await reapCliRuns();
    await server?.close();
    server = undefined;
    if (tlsServer) {
      const closing = tlsServer;
      tlsServer = undefined;
      closing.closeAllConnections();
      await new Promise((resolve) => closing.close(resolve));
    }
  });

  it('should time every step and the ping round trips as a table', async () => {
    server = await startTestServer({ onConnection: (socket) => socket.send('{"channel":"hello"}') });
    const run = runCli(['diagnose', `${server.url}/?token=s3cr3t`, '--count', '4']);
    expect(await run.exited).toBe(0);
    const [title, header, ...rows] = run.stdout.filter((line) => line !== '');
    expect(title).toBe(`lifeline diagnose ${server.url}/?token=***`);
    expect(header).toMatch(/^ {2}step +time +detail$/);
    expect(rows).toEqual([
      expect.stringMatching(/^ {2}DNS lookup +— +IP literal$/),
      expect.stringMatching(/^ {2}TCP connect +[\d.]+ ms +127\.0\.0\.1:\d+$/),
      expect.stringMatching(/^ {2}TLS handshake +— +ws:\/\/ \(no TLS\)$/),
      expect.stringMatching(/^ {2}WebSocket upgrade +[\d.]+ ms +HTTP 101$/),
      expect.stringMatching(/^ {2}first message +[\d.]+ ms +\{"channel":"hello"\}$/),
      expect.stringMatching(
        /^ {2}ping round trips +4\/4 +min [\d.]+ ms · median [\d.]+ ms · p95 [\d.]+ ms \(protocol ping\)$/,
      ),
      expect.stringMatching(/^ {2}total +[\d.]+ ms +ok$/),
    ]);
    expect(run.stdout.join('\n')).not.toContain('s3cr3t');
  }, 15_000);

  it('should write JSON with --json, timing application pings with --ping app', async () => {
    server = await startTestServer({
      onConnection: (socket) =>
        socket.on('message', (data) => String(data).includes('"ping"') && socket.send('{"channel":"pong"}')),
    });
    const run = runCli(['diagnose', server.url, '--json', '--ping', 'app', '--count', '3', '--timeout', '300ms']);
    expect(await run.exited).toBe(0);
    const diagnosis = JSON.parse(run.stdout.join('')) as Record<string, never>;
    expect(diagnosis).toMatchObject({
      url: server.url,
      ok: true,
      steps: {
        dns: { skipped: 'IP literal' },
        tcp: { ms: expect.any(Number) },
        tls: { skipped: 'ws:// (no TLS)' },
        upgrade: { ms: expect.any(Number), detail: 'HTTP 101' },
        firstMessage: { skipped: 'none within 300 ms' },
        pings: {
          mode: 'app',
          sent: 3,
          received: 3,
          minMs: expect.any(Number),
          medianMs: expect.any(Number),
          p95Ms: expect.any(Number),
        },
      },
    });
    expect(server.received).toEqual(['{"method":"ping"}', '{"method":"ping"}', '{"method":"ping"}']);
  }, 15_000);

  it('should time the TLS handshake of a wss:// endpoint', async () => {
    tlsServer = https.createServer({
      key: readFileSync(path.join(FIXTURES, 'key.pem')),
      cert: readFileSync(path.join(FIXTURES, 'cert.pem')),
    });
    new WebSocketServer({ server: tlsServer }).on('connection', (socket) => socket.send('hi'));
    const listening = tlsServer;
    await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
    const port = (listening.address() as AddressInfo).port;
    const run = runCli(['diagnose', `wss://127.0.0.1:${port}/`, '--count', '2'], {
      NODE_EXTRA_CA_CERTS: path.join(FIXTURES, 'cert.pem'),
    });
    expect(await run.exited).toBe(0);
    expect(run.stdout.join('\n')).toMatch(/TLS handshake +[\d.]+ ms +TLSv1\.[23] /);
    expect(run.stdout.join('\n')).toMatch(/first message +[\d.]+ ms +hi/);
  }, 15_000);

  it('should exit 3 and say which step failed when nothing listens', async () => {
    const gone = await startTestServer();
    await gone.close();
    const run = runCli(['diagnose', gone.url]);
    expect(await run.exited).toBe(3);
    const out = run.stdout.join('\n');
    expect(out).toMatch(/TCP connect +failed +connect ECONNREFUSED 127\.0\.0\.1:\d+/);
    expect(out).toMatch(/WebSocket upgrade +— +not reached/);
    expect(out).toMatch(/total +[\d.]+ ms +FAILED/);
  });

  it('should ask whether the server is plain ws:// when wss:// meets it, as a table and as JSON', async () => {
    server = await startTestServer();
    const url = server.url.replace('ws://', 'wss://');
    const table = runCli(['diagnose', url]);
    expect(await table.exited).toBe(3);
    expect(table.stdout.join('\n')).toMatch(
      /TLS handshake +failed +TLS handshake failed \(wrong version number\): is the server plain ws:\/\/\? Then use ws:\/\/ instead of wss:\/\//,
    );
    const json = runCli(['diagnose', url, '--json']);
    expect(await json.exited).toBe(3);
    const diagnosis = JSON.parse(json.stdout.join('')) as { steps: { tls: { error: string } } };
    expect(diagnosis.steps.tls.error).toContain('is the server plain ws://?');
    expect(diagnosis.steps.tls.error).not.toContain('SSL routines');
  });

  it('should exit 2 for bad arguments', async () => {
    const run = runCli(['diagnose', 'ws://127.0.0.1:1/', '--count', 'many']);
    expect(await run.exited).toBe(2);
    expect(run.stderr.join('\n')).toContain('invalid --count: "many" (allowed: a whole number >= 1)');
  });
});

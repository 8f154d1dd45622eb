import type { Diagnosis } from '../../src/cli/diagnose';
import { HttpConnectProxy, startHttpConnectProxy } from '../support/httpConnectProxy';
import { Socks5Proxy, startSocks5Proxy } from '../support/socks5Proxy';
import { TestServer, startTestServer } from '../support/testServer';
import { FAST, assertBuilt, reapCliRuns, records, runCli } from './runCli';

// `--proxy URL` and HTTPS_PROXY / HTTP_PROXY / ALL_PROXY / NO_PROXY on the built binary, through a
// real HTTP CONNECT proxy and a real SOCKS5 server on 127.0.0.1.

const credentials = { username: 'trader', password: 's3cret' };

describe('lifeline monitor and diagnose through a proxy (the built binary)', () => {
  let server: TestServer | undefined;
  let httpProxy: HttpConnectProxy | undefined;
  let socksProxy: Socks5Proxy | undefined;

  beforeAll(assertBuilt);

  afterEach(async () => {
    await reapCliRuns();
    await server?.close();
    await httpProxy?.close();
    await socksProxy?.close();
    server = undefined;
    httpProxy = undefined;
    socksProxy = undefined;
  });

  it('monitor --proxy socks5://user:pass@…: should connect through it and print it redacted', async () => {
    server = await startTestServer();
    socksProxy = await startSocks5Proxy({ auth: credentials });
    const run = runCli(['monitor', server.url, '--json', ...FAST, '--duration', '30s', '--proxy', socksProxy.url]);
    await run.waitForLine((line) => line.includes('"status":"Connected"'), 10_000, 'Connected');
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);

    expect(records(run)[0]).toMatchObject({
      kind: 'start',
      proxies: [{ url: server.url, proxy: `socks5://trader:***@127.0.0.1:${socksProxy.port}`, source: '--proxy' }],
    });
    expect(socksProxy.connects).toEqual([`127.0.0.1:${server.port}`]);
    expect(run.stdout.join('\n')).not.toContain('s3cret');
  });

  it('monitor with HTTP_PROXY in the environment: should use it for ws://, and say so', async () => {
    server = await startTestServer();
    httpProxy = await startHttpConnectProxy({ auth: credentials });
    const run = runCli(['monitor', server.url, ...FAST, '--duration', '30s'], { HTTP_PROXY: httpProxy.url });
    await run.waitForLine((line) => /status +\S*.*Connected/.test(line), 10_000, 'Connected');
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);

    expect(run.stdout).toContain(`  via proxy http://trader:***@127.0.0.1:${httpProxy.port} (from HTTP_PROXY)`);
    expect(httpProxy.connects).toEqual([`127.0.0.1:${server.port}`]);
  });

  it('monitor with NO_PROXY matching, or --no-proxy: should connect directly', async () => {
    server = await startTestServer();
    httpProxy = await startHttpConnectProxy();
    const env = { HTTP_PROXY: httpProxy.url, NO_PROXY: '127.0.0.1' };
    const exempt = runCli(['monitor', server.url, '--json', ...FAST, '--duration', '30s'], env);
    await exempt.waitForLine((line) => line.includes('"status":"Connected"'), 10_000, 'Connected');
    exempt.child.kill('SIGINT');
    expect(await exempt.exited).toBe(0);
    const noProxy = runCli(['monitor', server.url, '--json', ...FAST, '--duration', '30s', '--no-proxy'], {
      HTTP_PROXY: httpProxy.url,
    });
    await noProxy.waitForLine((line) => line.includes('"status":"Connected"'), 10_000, 'Connected');
    noProxy.child.kill('SIGINT');
    expect(await noProxy.exited).toBe(0);

    expect(records(exempt)[0]).toMatchObject({ proxies: [] });
    expect(records(noProxy)[0]).toMatchObject({ proxies: [] });
    expect(httpProxy.connects).toEqual([]);
    expect(server.connections).toBe(2);
  });

  it('monitor --proxy with another scheme: should exit 2 before connecting, the password redacted', async () => {
    const run = runCli(['monitor', 'ws://127.0.0.1:9', '--proxy', 'ftp://bob:hunter2@127.0.0.1:21']);
    expect(await run.exited).toBe(2);
    expect(run.stderr.join('\n')).toContain('invalid --proxy: "ftp://bob:***@127.0.0.1:21"');
    expect(run.stderr.join('\n')).not.toContain('hunter2');
  });

  it('diagnose --proxy http://…: should time the tunnel, the upgrade and the pings through it', async () => {
    server = await startTestServer({ onConnection: (socket) => socket.send('{"channel":"hello"}') });
    httpProxy = await startHttpConnectProxy({ auth: credentials });
    const run = runCli(['diagnose', server.url, '--count', '3', '--proxy', httpProxy.url]);
    expect(await run.exited).toBe(0);

    const [title, , ...rows] = run.stdout.filter((line) => line !== '');
    expect(title).toBe(
      `lifeline diagnose ${server.url} via proxy http://trader:***@127.0.0.1:${httpProxy.port} (from --proxy)`,
    );
    expect(rows).toEqual([
      expect.stringMatching(/^ {2}DNS lookup +— +through the proxy$/),
      expect.stringMatching(
        new RegExp(
          `^ {2}proxy tunnel +[\\d.]+ ms +via http://trader:\\*\\*\\*@127\\.0\\.0\\.1:${httpProxy.port} \\(from --proxy\\) to 127\\.0\\.0\\.1:${server.port}$`,
        ),
      ),
      expect.stringMatching(/^ {2}TLS handshake +— +ws:\/\/ \(no TLS\)$/),
      expect.stringMatching(/^ {2}WebSocket upgrade +[\d.]+ ms +HTTP 101$/),
      expect.stringMatching(/^ {2}first message +[\d.]+ ms +\{"channel":"hello"\}$/),
      expect.stringMatching(
        /^ {2}ping round trips +3\/3 +min [\d.]+ ms · median [\d.]+ ms · p95 [\d.]+ ms \(protocol ping\)$/,
      ),
      expect.stringMatching(/^ {2}total +[\d.]+ ms +ok$/),
    ]);
    expect(httpProxy.connects).toEqual([`127.0.0.1:${server.port}`]);
  });

  it('diagnose through a SOCKS5 proxy from ALL_PROXY that refuses the credentials: should fail the tunnel step', async () => {
    server = await startTestServer();
    socksProxy = await startSocks5Proxy({ auth: credentials });
    const run = runCli(['diagnose', server.url, '--json'], {
      ALL_PROXY: `socks5://trader:wrong@127.0.0.1:${socksProxy.port}`,
    });
    expect(await run.exited).toBe(3);

    const diagnosis = JSON.parse(run.stdout.join('')) as Diagnosis;
    expect(diagnosis.proxy).toEqual({ url: `socks5://trader:***@127.0.0.1:${socksProxy.port}`, source: 'ALL_PROXY' });
    expect(diagnosis.steps.tcp).toEqual({ error: 'Socks5 Authentication failed' });
    expect(diagnosis.steps.upgrade).toEqual({ skipped: 'not reached' });
    expect(server.connections).toBe(0);
  });
});

import https from 'node:https';
import { AddressInfo } from 'node:net';
import { PeerCertificate, checkServerIdentity as checkIdentity } from 'node:tls';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { SocksProxyAgent } from 'socks-proxy-agent';
import { NEVER } from 'rxjs';
import { WebSocketServer } from 'ws';
import { Connection, ConnectionStatus as S, ConnectOptions, TransportError, connect } from '../../src/index';
import { selfSignedCert } from '../reliability/support/selfSignedCert';
import { HttpConnectProxy, startHttpConnectProxy } from '../support/httpConnectProxy';
import { Socks5Proxy, startSocks5Proxy } from '../support/socks5Proxy';
import { TestServer, startTestServer, waitFor } from '../support/testServer';

// connect({ agent }) through a real HTTP CONNECT proxy (the `proxy` package) and a real SOCKS5 server
// (@pondwader/socks5-server), both on 127.0.0.1: the proxy must see the CONNECT to the ws server's
// port, the messages must cross, a reconnect must go through the proxy again, and a proxy that
// refuses must give a TransportError that says so.

const fast: Partial<ConnectOptions> = {
  heartbeatInterval: 200,
  heartbeatTimeout: 600,
  initialDelay: 50,
  maxDelay: 200,
  jitter: 'none',
  resetOnSuccess: 0,
  sampleInterval: 50,
  recoveryInterval: 'Infinity',
};
const credentials = { username: 'trader', password: 'p@ss:w0rd' };

describe('connect({ agent }) through a real proxy', () => {
  let server: TestServer | undefined;
  let httpProxy: HttpConnectProxy | undefined;
  let socksProxy: Socks5Proxy | undefined;
  let link: Connection | undefined;
  let agent: { destroy(): void } | undefined;
  const errors: unknown[] = [];

  function open(url: string, options: Partial<ConnectOptions>): Connection {
    if (options.agent !== undefined && typeof options.agent !== 'function') agent = options.agent;
    link = connect({
      url,
      ...fast,
      shouldRetry: (error, attempt) => {
        errors.push(error);
        return options.shouldRetry ? options.shouldRetry(error, attempt) : true;
      },
      ...options,
    });
    return link;
  }
  const status = (): S => (link as Connection).snapshot().status;

  afterEach(async () => {
    await link?.close();
    agent?.destroy();
    await httpProxy?.close();
    await socksProxy?.close();
    await server?.close();
    link = undefined;
    agent = undefined;
    httpProxy = undefined;
    socksProxy = undefined;
    server = undefined;
    errors.length = 0;
  });

  describe.each([
    ['HTTP CONNECT', 'http'],
    ['SOCKS5', 'socks5'],
  ] as const)('%s', (_name, kind) => {
    const startProxy = async (options: { auth?: typeof credentials; refuseAll?: boolean } = {}) => {
      if (kind === 'http') {
        httpProxy = await startHttpConnectProxy(options);
        return { url: httpProxy.url, proxy: httpProxy, agent: new HttpsProxyAgent(httpProxy.url) };
      }
      socksProxy = await startSocks5Proxy(options);
      return { url: socksProxy.url, proxy: socksProxy, agent: new SocksProxyAgent(socksProxy.url) };
    };

    it('should connect with user:pass through the proxy, which sees the CONNECT to the server port', async () => {
      server = await startTestServer({ onConnection: (socket) => socket.send('{"channel":"hello"}') });
      const { proxy, agent } = await startProxy({ auth: credentials });
      const messages: unknown[] = [];
      open(server.url, { agent }).messages$.subscribe((m) => messages.push(m));
      await waitFor(() => messages.length === 1, 3000, 'the first message');
      await link?.send({ op: 'order', px: '67000.5' });
      await waitFor(() => server?.received.length === 1, 3000, 'the order on the server');

      expect(proxy.connects).toEqual([`127.0.0.1:${server.port}`]);
      expect(proxy.refused).toBe(0);
      expect(messages).toEqual([{ channel: 'hello' }]);
      expect(server.received).toEqual(['{"op":"order","px":"67000.5"}']);
      expect(status()).toBe(S.Connected);
    });

    it('should reconnect through the proxy again after the server drops the socket', async () => {
      server = await startTestServer();
      const { proxy, agent } = await startProxy({ auth: credentials });
      open(server.url, { agent });
      const first = await server.nextConnection();
      await waitFor(() => status() === S.Connected, 3000, 'Connected');
      first.terminate();
      await waitFor(() => (server as TestServer).connections === 2, 3000, 'the reconnect');
      await waitFor(() => status() === S.Connected, 3000, 'Connected again');

      expect(proxy.connects).toEqual([`127.0.0.1:${server.port}`, `127.0.0.1:${server.port}`]);
    });

    it('should fail with a TransportError naming the proxy when the credentials are wrong', async () => {
      server = await startTestServer();
      const proxy = await startProxy({ auth: credentials });
      const wrong = proxy.url.replace(encodeURIComponent(credentials.password), 'wrong');
      const agent = kind === 'http' ? new HttpsProxyAgent(wrong) : new SocksProxyAgent(wrong);
      open(server.url, { agent, maxAttempts: 2 });
      await waitFor(() => status() === S.Failed || errors.length > 0, 3000, 'the failure');

      const error = errors[0] as TransportError;
      expect(error).toBeInstanceOf(TransportError);
      if (kind === 'http') {
        expect(error.message).toBe('proxy refused: HTTP 407 (proxy authentication required)');
        expect(error.details).toEqual({ httpStatus: 407, proxied: true });
      } else {
        expect(error.message).toBe('Socks5 Authentication failed (through the proxy)');
        expect(error.details.proxied).toBe(true);
      }
      expect(proxy.proxy.refused).toBeGreaterThanOrEqual(1);
      expect(server.connections).toBe(0);
    });

    if (kind === 'http') {
      it('should not retry a 407 by default: wrong proxy credentials do not fix themselves', async () => {
        server = await startTestServer();
        httpProxy = await startHttpConnectProxy({ auth: credentials });
        const agent = new HttpsProxyAgent(`http://127.0.0.1:${httpProxy.port}`);
        link = connect({ url: server.url, ...fast, agent, maxAttempts: 5 });
        await waitFor(() => link?.snapshot().status === S.Failed, 3000, 'Failed');

        expect(httpProxy.connects).toHaveLength(1);
        expect(link.snapshot().state.lastError).toBe('proxy refused: HTTP 407 (proxy authentication required)');
      });
    } else {
      it('should fail with a TransportError naming the proxy when it refuses the destination', async () => {
        server = await startTestServer();
        const { proxy, agent } = await startProxy({ refuseAll: true });
        open(server.url, { agent, maxAttempts: 1 });
        await waitFor(() => errors.length > 0, 3000, 'the failure');

        expect((errors[0] as TransportError).message).toBe(
          'Socks5 proxy rejected connection - NotAllowed (through the proxy)',
        );
        expect(proxy.connects).toEqual([`127.0.0.1:${server.port}`]);
        expect(server.connections).toBe(0);
      });
    }
  });

  it('should run TLS end to end inside an HTTP CONNECT tunnel to a wss:// server', async () => {
    const pair = selfSignedCert();
    const httpsServer = https.createServer({ cert: pair.cert, key: pair.key });
    const wss = new WebSocketServer({ server: httpsServer });
    wss.on('connection', (socket) => socket.send('{"channel":"secure"}'));
    await new Promise<void>((resolve) => httpsServer.listen(0, '127.0.0.1', resolve));
    const port = (httpsServer.address() as AddressInfo).port;
    try {
      httpProxy = await startHttpConnectProxy({ auth: credentials });
      const messages: unknown[] = [];
      // https-proxy-agent 7 checks a certificate against 'localhost' when the endpoint is an IP
      // address (it drops the host); real endpoints are names. Check it against the IP, as ws would.
      const checkServerIdentity = (_host: string, cert: PeerCertificate) => checkIdentity('127.0.0.1', cert);
      open(`wss://127.0.0.1:${port}`, {
        agent: new HttpsProxyAgent(httpProxy.url),
        tls: { ca: pair.cert, checkServerIdentity },
      });
      link?.messages$.subscribe((m) => messages.push(m));
      await waitFor(() => messages.length === 1, 3000, 'the first message');

      expect(messages).toEqual([{ channel: 'secure' }]);
      expect(httpProxy.connects).toEqual([`127.0.0.1:${port}`]);
    } finally {
      await link?.close();
      link = undefined;
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      httpsServer.closeAllConnections();
      await new Promise<void>((resolve) => httpsServer.close(() => resolve()));
    }
  });

  it('should choose the agent per endpoint when given a function, undefined meaning direct', async () => {
    server = await startTestServer();
    const direct = await startTestServer();
    httpProxy = await startHttpConnectProxy();
    const through = new HttpsProxyAgent(httpProxy.url);
    agent = through;
    const chosen: string[] = [];
    const choose = (url: string) => {
      chosen.push(url);
      return url === server?.url ? through : undefined;
    };
    const links = [
      connect({ url: server.url, ...fast, agent: choose }),
      connect({ url: direct.url, ...fast, agent: choose }),
    ];
    try {
      await waitFor(() => links.every((l) => l.snapshot().status === S.Connected), 3000, 'both Connected');
      expect(chosen).toEqual([server.url, direct.url]);
      expect(httpProxy.connects).toEqual([`127.0.0.1:${server.port}`]);
      expect(direct.connections).toBe(1);
    } finally {
      await Promise.all(links.map((l) => l.close()));
      await direct.close();
    }
  });

  it('should refuse an agent that is not an http.Agent, and an agent next to a custom transport', () => {
    expect(() => connect({ url: 'ws://127.0.0.1:1', agent: 'http://proxy:3128' as never })).toThrow(
      /Invalid agent: "http:\/\/proxy:3128" \(allowed: an http.Agent/,
    );
    expect(() => connect({ url: 'ws://127.0.0.1:1', agent: () => 'socks5://proxy:1080' as never })).toThrow(
      /Invalid agent: "socks5:\/\/proxy:1080" \(allowed: an http.Agent or undefined from agent\("ws:\/\/127.0.0.1:1"\)/,
    );
    const transport = { connect: () => NEVER };
    expect(() =>
      connect({ url: 'ws://127.0.0.1:1', agent: new HttpsProxyAgent('http://127.0.0.1:1'), transport }),
    ).toThrow(/no agent with a custom transport/);
  });
});

import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { Registry } from 'prom-client';
import { BehaviorSubject, Subject } from 'rxjs';
import { ConfigError, Connection, ConnectionStatus as S, ConnectOptions, connect } from '../../src/index';
import { GateState } from '../../src/model/gateState';
import { metricsSink } from '../../src/sinks/metricsSink';
import { MetricsServer, serveMetrics } from '../../src/sinks/serveMetrics';
import { tradeGate } from '../../src/sinks/tradeGate';
import { httpGet, parseExposition } from '../support/exposition';
import { TestServer, startTestServer, waitFor } from '../support/testServer';

describe('serveMetrics', () => {
  let server: MetricsServer | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const registry = (): Registry => new Registry();

  describe('GET /metrics', () => {
    it('should serve the registry in the Prometheus text format', async () => {
      const sink = metricsSink(
        {
          status$: new BehaviorSubject(S.Connected),
          quality$: new Subject(),
          stats$: new Subject(),
          events$: new Subject(),
          latency$: new Subject(),
        },
        { labels: { connection: 'market' } },
      );
      server = await serveMetrics({ registry: sink.registry, port: 0 });
      const response = await httpGet(`${server.url}/metrics`);
      sink.close();
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(response.headers['cache-control']).toBe('no-store');
      expect(Number(response.headers['content-length'])).toBe(Buffer.byteLength(response.body));
      expect(
        parseExposition(response.body).value('lifeline_status', { connection: 'market', status: 'Connected' }),
      ).toBe(1);
    });

    it('should ignore a query string, and answer HEAD without a body', async () => {
      server = await serveMetrics({ registry: registry(), port: 0 });
      expect((await httpGet(`${server.url}/metrics?x=1`)).status).toBe(200);
      const head = await httpGet(`${server.url}/metrics`, 'HEAD');
      expect(head.status).toBe(200);
      expect(head.body).toBe('');
    });

    it('should answer 500 when the registry fails', async () => {
      const failing = { contentType: 'text/plain', metrics: () => Promise.reject(new Error('collector broke')) };
      server = await serveMetrics({ registry: failing, port: 0 });
      const response = await httpGet(`${server.url}/metrics`);
      expect(response.status).toBe(500);
      expect(response.body).toBe('metrics failed: collector broke\n');
    });
  });

  describe('GET /healthz', () => {
    it('should follow the gate: 503 before its first state, 200 while open, 503 while closed', async () => {
      const gate$ = new Subject<GateState>();
      server = await serveMetrics({ registry: registry(), gate$, port: 0 });
      const health = async (): Promise<[number, unknown]> => {
        const response = await httpGet(`${server?.url}/healthz`);
        expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
        return [response.status, JSON.parse(response.body)];
      };
      expect(await health()).toEqual([503, { ok: false, reason: 'starting' }]);
      gate$.next({ open: false, reason: 'settling', since: 0 });
      expect(await health()).toEqual([503, { ok: false, reason: 'settling' }]);
      gate$.next({ open: true, reason: 'healthy', since: 1 });
      expect(await health()).toEqual([200, { ok: true, reason: 'healthy' }]);
      gate$.next({ open: false, reason: 'Failed', since: 2 });
      expect(await health()).toEqual([503, { ok: false, reason: 'Failed' }]);
      gate$.next({ open: true, reason: 'healthy', since: 3 });
      expect(await health()).toEqual([200, { ok: true, reason: 'healthy' }]);
      gate$.error(new Error('hook threw'));
      expect(await health()).toEqual([503, { ok: false, reason: 'gate failed: hook threw' }]);
    });

    it('should follow the status without a gate: 200 only while Connected', async () => {
      const status$ = new BehaviorSubject<S>(S.Connecting);
      server = await serveMetrics({ registry: registry(), status$, port: 0 });
      const health = async (): Promise<[number, string]> => {
        const response = await httpGet(`${server?.url}/healthz`);
        return [response.status, response.body];
      };
      expect(await health()).toEqual([503, '{"ok":false,"reason":"Connecting"}\n']);
      status$.next(S.Connected);
      expect(await health()).toEqual([200, '{"ok":true,"reason":"Connected"}\n']);
      status$.next(S.Unstable);
      expect(await health()).toEqual([503, '{"ok":false,"reason":"Unstable"}\n']);
    });

    it('should answer 200 with neither: the process is up', async () => {
      server = await serveMetrics({ registry: registry(), port: 0 });
      const response = await httpGet(`${server.url}/healthz`);
      expect([response.status, response.body]).toEqual([200, '{"ok":true,"reason":"up"}\n']);
    });

    it('should flip 200 → 503 → 200 with the trade gate of a real link whose server goes away and comes back', async () => {
      let ws: TestServer | undefined = await startTestServer();
      let link: Connection | undefined;
      try {
        const fast: Partial<ConnectOptions> = {
          heartbeatInterval: 100,
          heartbeatTimeout: 300,
          initialDelay: 100,
          maxDelay: 100,
          jitter: 'none',
          resetOnSuccess: 0,
          sampleInterval: 50,
          recoveryInterval: 'Infinity',
        };
        link = connect({ url: ws.url, ...fast, maxAttempts: 100 });
        const { gate$ } = tradeGate(link, { closeOn: ['Disconnected', 'Reconnecting'], settle: 0 });
        const sink = metricsSink(link, { gate$ });
        server = await serveMetrics({ registry: sink.registry, gate$, port: 0 });
        const url = `${server.url}/healthz`;
        const seen: number[] = [];
        const status = async (): Promise<number> => {
          const code = (await httpGet(url)).status;
          if (seen[seen.length - 1] !== code) seen.push(code);
          return code;
        };
        const until = async (code: number, what: string): Promise<void> => {
          const started = Date.now();
          while ((await status()) !== code) {
            if (Date.now() - started > 5000) throw new Error(`no ${code} (${what}) within 5 s`);
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
        };

        await until(200, 'connected');
        const port = ws.port;
        await ws.close();
        ws = undefined;
        await until(503, 'server gone');
        const gauge = parseExposition((await httpGet(`${server.url}/metrics`)).body).value('lifeline_gate_open');
        expect(gauge).toBe(0);
        ws = await startTestServer({ port });
        await until(200, 'server back');
        // (503 while still connecting, if the first probe was that quick,) 200 once open, 503 while the
        // server is away, 200 when it is back.
        expect(seen.slice(seen[0] === 503 ? 1 : 0)).toEqual([200, 503, 200]);
        expect(parseExposition((await httpGet(`${server.url}/metrics`)).body).value('lifeline_gate_open')).toBe(1);
        await waitFor(() => link?.snapshot().status === S.Connected, 1000, 'Connected');
        sink.close();
      } finally {
        await link?.close();
        await ws?.close();
      }
    });
  });

  describe('other requests', () => {
    it('should answer 404 for another path and 405 for another method', async () => {
      server = await serveMetrics({ registry: registry(), port: 0 });
      const missing = await httpGet(`${server.url}/`);
      expect([missing.status, missing.body]).toEqual([404, 'not found: try /metrics or /healthz\n']);
      expect((await httpGet(`${server.url}/metrics/extra`)).status).toBe(404);
      const post = await httpGet(`${server.url}/metrics`, 'POST');
      expect(post.status).toBe(405);
      expect(post.headers.allow).toBe('GET, HEAD');
    });
  });

  describe('listening', () => {
    it('should bind to 127.0.0.1 by default, on a free port when given 0', async () => {
      server = await serveMetrics({ registry: registry(), port: 0 });
      expect(server.host).toBe('127.0.0.1');
      expect(server.port).toBeGreaterThan(0);
      expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    });

    it('should reject when the port is taken', async () => {
      const blocker = createServer();
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      const port = (blocker.address() as { port: number }).port;
      try {
        await expect(serveMetrics({ registry: registry(), port })).rejects.toThrow(/EADDRINUSE/);
      } finally {
        await new Promise((resolve) => blocker.close(resolve));
      }
    });

    it('should close idempotently, ending keep-alive connections, and free the port', async () => {
      const gate$ = new BehaviorSubject({ open: true });
      const first = await serveMetrics({ registry: registry(), gate$, port: 0 });
      const agent = new Agent({ keepAlive: true });
      await new Promise<void>((resolve, reject) =>
        request(`${first.url}/healthz`, { agent }, (response) => {
          response.resume();
          response.on('end', resolve);
        })
          .on('error', reject)
          .end(),
      );
      const closing = first.close();
      expect(first.close()).toBe(closing);
      await closing;
      agent.destroy();
      expect(gate$.observed).toBe(false);
      server = await serveMetrics({ registry: registry(), port: first.port });
      expect(server.port).toBe(first.port);
    });
  });

  describe('configuration', () => {
    it.each([
      ['registry', { port: 0 }],
      ['registry', { registry: {}, port: 0 }],
      ['port', { registry: new Registry() }],
      ['port', { registry: new Registry(), port: -1 }],
      ['port', { registry: new Registry(), port: 65536 }],
      ['port', { registry: new Registry(), port: 1.5 }],
      ['port', { registry: new Registry(), port: '9464' }],
      ['host', { registry: new Registry(), port: 0, host: '' }],
      ['gate$', { registry: new Registry(), port: 0, gate$: { open: true } }],
      ['status$', { registry: new Registry(), port: 0, status$: 'Connected' }],
    ])('should throw a ConfigError naming %s before listening', (field, config) => {
      let caught: unknown;
      try {
        void serveMetrics(config as never);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ConfigError);
      expect((caught as ConfigError).field).toBe(field);
    });
  });
});

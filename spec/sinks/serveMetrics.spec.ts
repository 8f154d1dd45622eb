import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { Gauge, Registry } from 'prom-client';
import { BehaviorSubject, Subject, Subscription } from 'rxjs';
import { ConfigError, Connection, ConnectionStatus as S, ConnectOptions, connect } from '../../src/index';
import { GateState } from '../../src/model/gateState';
import { metricsSink } from '../../src/sinks/metricsSink';
import { MetricsServer, serveMetrics } from '../../src/sinks/serveMetrics';
import { tradeGate } from '../../src/sinks/tradeGate';
import { httpGet, parseExposition } from '../support/exposition';
import { TestServer, startTestServer, waitFor } from '../support/testServer';

/** Hand-fed streams, shaped like a `Connection`'s. */
function streams(status: S = S.Connecting) {
  return {
    status$: new BehaviorSubject<S>(status),
    quality$: new Subject<never>(),
    stats$: new Subject<never>(),
    events$: new Subject<never>(),
    latency$: new Subject<never>(),
  };
}

describe('serveMetrics', () => {
  let server: MetricsServer | undefined;

  afterEach(() => {
    server?.unsubscribe();
    server = undefined;
  });

  describe('GET /metrics', () => {
    it('should serve the link’s metrics in the Prometheus text format', async () => {
      server = await serveMetrics(streams(S.Connected), { labels: { connection: 'market' }, port: 0 });
      const response = await httpGet(`${server.url}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(response.headers['cache-control']).toBe('no-store');
      expect(Number(response.headers['content-length'])).toBe(Buffer.byteLength(response.body));
      const m = parseExposition(response.body);
      expect(m.value('lifeline_status', { connection: 'market', status: 'Connected' })).toBe(1);
      expect(m.families.has('lifeline_gate_open')).toBe(false);
    });

    it('should serve whatever else the registry holds, and hand the registry back', async () => {
      const registry = new Registry();
      new Gauge({ name: 'bot_orders_open', help: 'Orders resting on the book.', registers: [registry] }).set(3);
      metricsSink(streams(), { registry, labels: { connection: 'user' } });
      server = await serveMetrics(streams(), { registry, labels: { connection: 'market' }, port: 0 });
      expect(server.registry).toBe(registry);
      const m = parseExposition((await httpGet(`${server.url}/metrics`)).body);
      expect(m.value('bot_orders_open')).toBe(3);
      expect(m.value('lifeline_status', { connection: 'user', status: 'Connecting' })).toBe(1);
      expect(m.value('lifeline_status', { connection: 'market', status: 'Connecting' })).toBe(1);
    });

    it('should serve several links given by name, e.g. a pool’s connections', async () => {
      server = await serveMetrics({ market: streams(S.Connected), user: streams(S.Failed) }, { port: 0 });
      const m = parseExposition((await httpGet(`${server.url}/metrics`)).body);
      expect(m.value('lifeline_status', { connection: 'market', status: 'Connected' })).toBe(1);
      expect(m.value('lifeline_status', { connection: 'user', status: 'Failed' })).toBe(1);
    });

    it('should ignore a query string, and answer HEAD without a body', async () => {
      server = await serveMetrics(streams(), { port: 0 });
      expect((await httpGet(`${server.url}/metrics?x=1`)).status).toBe(200);
      const head = await httpGet(`${server.url}/metrics`, 'HEAD');
      expect(head.status).toBe(200);
      expect(head.body).toBe('');
    });

    it('should answer 500 when the registry fails', async () => {
      const registry = new Registry();
      new Gauge({
        name: 'broken',
        help: 'A collector that throws.',
        registers: [registry],
        collect() {
          throw new Error('collector broke');
        },
      });
      server = await serveMetrics(streams(), { registry, port: 0 });
      const response = await httpGet(`${server.url}/metrics`);
      expect(response.status).toBe(500);
      expect(response.body).toBe('metrics failed: collector broke\n');
    });
  });

  describe('GET /healthz', () => {
    it('should follow the gate: 503 before its first state, 200 while open, 503 while closed', async () => {
      const gate$ = new Subject<GateState>();
      const errors: unknown[] = [];
      server = await serveMetrics(streams(S.Connected), { gate$, port: 0, onError: (error) => errors.push(error) });
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
      expect(parseExposition((await httpGet(`${server.url}/metrics`)).body).value('lifeline_gate_open')).toBe(1);
      gate$.next({ open: false, reason: 'Failed', since: 2 });
      expect(await health()).toEqual([503, { ok: false, reason: 'Failed' }]);
      expect(parseExposition((await httpGet(`${server.url}/metrics`)).body).value('lifeline_gate_open')).toBe(0);
      gate$.next({ open: true, reason: 'healthy', since: 3 });
      expect(await health()).toEqual([200, { ok: true, reason: 'healthy' }]);
      gate$.error(new Error('hook threw'));
      expect(await health()).toEqual([503, { ok: false, reason: 'gate failed: hook threw' }]);
      // The sink heard it too: lifeline_gate_open stops updating, and onError says why.
      expect(errors).toEqual([new Error('hook threw')]);
    });

    it('should follow the status without a gate: 200 only while Connected', async () => {
      const link = streams();
      server = await serveMetrics(link, { port: 0 });
      const health = async (): Promise<[number, string]> => {
        const response = await httpGet(`${server?.url}/healthz`);
        return [response.status, response.body];
      };
      expect(await health()).toEqual([503, '{"ok":false,"reason":"Connecting"}\n']);
      link.status$.next(S.Connected);
      expect(await health()).toEqual([200, '{"ok":true,"reason":"Connected"}\n']);
      link.status$.next(S.Unstable);
      expect(await health()).toEqual([503, '{"ok":false,"reason":"Unstable"}\n']);
    });

    it('should follow the worst status of several links without a gate', async () => {
      const market = streams(S.Connected);
      const user = streams(S.Reconnecting);
      server = await serveMetrics({ market, user }, { port: 0 });
      expect((await httpGet(`${server.url}/healthz`)).body).toBe('{"ok":false,"reason":"Reconnecting"}\n');
      user.status$.next(S.Connected);
      expect((await httpGet(`${server.url}/healthz`)).status).toBe(200);
    });

    // The default gate (closeOn 'notReady', issue 10.6) and an explicit list both close while the link is down.
    it.each([
      ['the default gate', {}],
      ['a gate closing on Disconnected and Reconnecting', { closeOn: ['Disconnected', 'Reconnecting'] as const }],
    ])('should flip 200 → 503 → 200 with %s of a real link whose server goes away and comes back', async (_, gate) => {
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
        const { gate$ } = tradeGate(link, { ...gate, settle: 0 });
        server = await serveMetrics(link, { gate$, port: 0 });
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
      } finally {
        server?.unsubscribe();
        await link?.close();
        await ws?.close();
      }
    });
  });

  describe('other requests', () => {
    it('should answer 404 for another path and 405 for another method', async () => {
      server = await serveMetrics(streams(), { port: 0 });
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
      server = await serveMetrics(streams(), { port: 0 });
      expect(server.host).toBe('127.0.0.1');
      expect(server.port).toBeGreaterThan(0);
      expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    });

    it('should reject when the port is taken, leaving nothing subscribed and the labels free', async () => {
      const blocker = createServer();
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      const port = (blocker.address() as { port: number }).port;
      const link = streams();
      const gate$ = new BehaviorSubject({ open: true });
      const registry = new Registry();
      try {
        await expect(serveMetrics(link, { registry, gate$, port })).rejects.toThrow(/EADDRINUSE/);
      } finally {
        await new Promise((resolve) => blocker.close(resolve));
      }
      expect(link.status$.observed).toBe(false);
      expect(gate$.observed).toBe(false);
      metricsSink(streams(), { registry }).unsubscribe();
    });

    it('should be a Subscription: unsubscribing, once or twice, ends keep-alive connections, the sink and the port', async () => {
      const link = streams();
      const gate$ = new BehaviorSubject({ open: true });
      const registry = new Registry();
      const first = await serveMetrics(link, { registry, gate$, port: 0 });
      expect(first).toBeInstanceOf(Subscription);
      const agent = new Agent({ keepAlive: true });
      await new Promise<void>((resolve, reject) =>
        request(`${first.url}/healthz`, { agent }, (response) => {
          response.resume();
          response.on('end', resolve);
        })
          .on('error', reject)
          .end(),
      );
      first.unsubscribe();
      first.unsubscribe();
      agent.destroy();
      expect(first.closed).toBe(true);
      expect(gate$.observed).toBe(false);
      expect(link.status$.observed).toBe(false);
      await expect(httpGet(`${first.url}/metrics`)).rejects.toThrow(/ECONNREFUSED/);
      // The labels are free again (the sink is gone), and so is the port.
      metricsSink(streams(), { registry }).unsubscribe();
      server = await serveMetrics(streams(), { port: first.port });
      expect(server.port).toBe(first.port);
    });
  });

  describe('configuration', () => {
    it.each([
      ['source', {}, { port: 0 }],
      ['port', streams(), {}],
      ['port', streams(), { port: -1 }],
      ['port', streams(), { port: 65536 }],
      ['port', streams(), { port: 1.5 }],
      ['port', streams(), { port: '9464' }],
      ['host', streams(), { port: 0, host: '' }],
      ['gate$', streams(), { port: 0, gate$: { open: true } }],
      ['registry', streams(), { port: 0, registry: {} }],
      ['config', streams(), undefined],
    ])('should throw a ConfigError naming %s before listening', (field, source, config) => {
      let caught: unknown;
      try {
        void serveMetrics(source as never, config as never);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ConfigError);
      expect((caught as ConfigError).field).toBe(field);
    });

    it('should throw for a bad port with nothing left running', () => {
      const link = streams();
      expect(() => serveMetrics(link, { port: -1 })).toThrow(ConfigError);
      expect(link.status$.observed).toBe(false);
    });
  });
});

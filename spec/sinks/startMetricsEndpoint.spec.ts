import { createServer } from 'node:net';
import { Registry } from 'prom-client';
import { BehaviorSubject, Subject } from 'rxjs';
import { ConfigError, ConnectionStatus as S } from '../../src/index';
import { metricsSink } from '../../src/sinks/metricsSink';
import { MetricsEndpoint, startMetricsEndpoint } from '../../src/sinks/startMetricsEndpoint';
import { httpGet, parseExposition } from '../support/exposition';

function streams() {
  return {
    status$: new BehaviorSubject<S>(S.Connecting),
    quality$: new Subject<never>(),
    stats$: new Subject<never>(),
    events$: new Subject<never>(),
    latency$: new Subject<never>(),
  };
}

describe('startMetricsEndpoint', () => {
  let endpoint: MetricsEndpoint | undefined;

  afterEach(async () => {
    await endpoint?.close();
    endpoint = undefined;
  });

  it('should serve the link’s metrics, with /healthz following the status when there is no gate', async () => {
    const link = streams();
    endpoint = await startMetricsEndpoint(link, { port: 0, labels: { connection: 'market' } });
    expect(endpoint.url).toBe(`http://127.0.0.1:${endpoint.port}`);
    expect((await httpGet(`${endpoint.url}/healthz`)).status).toBe(503);
    link.status$.next(S.Connected);
    expect((await httpGet(`${endpoint.url}/healthz`)).status).toBe(200);
    const m = parseExposition((await httpGet(`${endpoint.url}/metrics`)).body);
    expect(m.value('lifeline_status', { connection: 'market', status: 'Connected' })).toBe(1);
    expect(m.families.has('lifeline_gate_open')).toBe(false);
  });

  it('should follow the gate when given one, in /healthz and lifeline_gate_open', async () => {
    const link = streams();
    const gate$ = new BehaviorSubject({ open: true, reason: 'healthy' });
    link.status$.next(S.Connected);
    endpoint = await startMetricsEndpoint(link, { port: 0, gate$ });
    expect((await httpGet(`${endpoint.url}/healthz`)).status).toBe(200);
    gate$.next({ open: false, reason: 'Failed' });
    expect((await httpGet(`${endpoint.url}/healthz`)).body).toBe('{"ok":false,"reason":"Failed"}\n');
    expect(parseExposition((await httpGet(`${endpoint.url}/metrics`)).body).value('lifeline_gate_open')).toBe(0);
  });

  it('should close the server and the sink, once', async () => {
    const link = streams();
    const registry = new Registry();
    const started = await startMetricsEndpoint(link, { port: 0, registry });
    const closing = started.close();
    expect(started.close()).toBe(closing);
    await closing;
    expect(link.status$.observed).toBe(false);
    await expect(httpGet(`${started.url}/metrics`)).rejects.toThrow(/ECONNREFUSED/);
    // The labels are free again: the sink was closed.
    metricsSink(streams(), { registry }).close();
  });

  it('should close the sink when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const link = streams();
    const registry = new Registry();
    try {
      await expect(startMetricsEndpoint(link, { port, registry })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
    expect(link.status$.observed).toBe(false);
    metricsSink(streams(), { registry }).close();
  });

  it('should throw a ConfigError, with nothing left running, for a bad port', () => {
    const link = streams();
    expect(() => startMetricsEndpoint(link, { port: -1 })).toThrow(ConfigError);
    expect(link.status$.observed).toBe(false);
  });
});

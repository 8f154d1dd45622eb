import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { Observable, SchedulerLike, asyncScheduler, combineLatest, isObservable, map } from 'rxjs';
import { ConfigError } from '../model/ConfigError';
import { ConnectionStatus } from '../model/ConnectionStatus';
import { errorMessage } from '../model/RetryExhaustedError';
import { worstStatus } from '../model/worstStatus';
import { MetricsSink, MetricsSource, MetricsSources, metricsSink } from './metricsSink';
import { MetricsRegistry, MetricsSinkConfig } from './resolveMetricsSinkConfig';

/** Where `serveMetrics` listens, the gate `/healthz` follows, and any `metricsSink` option. */
export interface ServeMetricsConfig<R extends MetricsRegistry = MetricsRegistry> extends MetricsSinkConfig<R> {
  /** The TCP port; `0` picks a free one (see the returned `port`). Required. */
  readonly port: number;
  /**
   * The address to listen on. Defaults to `'127.0.0.1'` (this machine only). In a container whose
   * probes come from outside (Kubernetes' kubelet calls the pod IP), pass `'0.0.0.0'`.
   */
  readonly host?: string;
  /**
   * The trade gate (`tradeGate(link).gate$`): `lifeline_gate_open`, and `/healthz` is 200 while it is
   * open, 503 while it is closed. Without it `/healthz` follows the status (the worst of several links).
   */
  readonly gate$?: Observable<{ readonly open: boolean; readonly reason?: string }>;
}

/**
 * A running metrics endpoint: a `Subscription` like every sink's (unsubscribe to stop listening, end
 * open connections and remove the series), with where it listens and the registry it serves.
 */
export type MetricsServer<R extends MetricsRegistry = MetricsRegistry> = MetricsSink<R> & {
  /** The port it listens on (the one picked when `port` was 0). */
  readonly port: number;
  readonly host: string;
  /** `http://<host>:<port>`: scrape `<url>/metrics`, probe `<url>/healthz`. */
  readonly url: string;
};

/** The `/healthz` body. */
export interface HealthBody {
  readonly ok: boolean;
  /** The gate's reason (`healthy`, `Failed`, `settling`, …) or the status; `starting` before the first. */
  readonly reason: string;
}

/**
 * Serves a link's metrics over HTTP for Prometheus, with a health check for a liveness or readiness
 * probe: a `metricsSink` on the link (or on several by name, e.g. a pool's `connections`) and an HTTP
 * server in one call.
 *
 * - `GET /metrics`: the registry's exposition, with its content type (Prometheus text format 0.0.4);
 *   anything else registered there (`collectDefaultMetrics`, other sinks) is served too.
 * - `GET /healthz`: `200 {"ok":true,"reason":"healthy"}` while the trade gate is open — or, without a
 *   gate, while the status is Connected; `503 {"ok":false,"reason":"Failed"}` otherwise, and before
 *   the first gate state or status (`"starting"`).
 * - `HEAD` on both; any other method 405; any other path 404.
 *
 * ```
 * gate$:     c----o--------f-------o---      (c closed, o open, f closed: Failed)
 * /healthz:  503--200------503-----200--
 * ```
 *
 * It listens on 127.0.0.1 unless told otherwise: metrics say when a bot cannot trade, which is
 * nobody else's business. Why a promise of a `Subscription`: the URL exists only once the port is
 * bound, and binding can fail (`EADDRINUSE`), so the promise settles that; what it resolves to is a
 * `Subscription` like every other sink's, so `subscription.add(await serveMetrics(…))` ties the
 * endpoint to the application's lifetime.
 *
 * @example
 * const { gate$ } = tradeGate(link);
 * const server = await serveMetrics(link, { gate$, port: 9464, labels: { connection: 'market' } });
 * console.log(`${server.url}/metrics`); // http://127.0.0.1:9464/metrics
 * // curl -i 127.0.0.1:9464/healthz
 * // HTTP/1.1 200 OK
 * // {"ok":true,"reason":"healthy"}
 * server.unsubscribe(); // on shutdown
 *
 * @param source A `Connection` (or its streams, see `MetricsSource`), or several by name.
 * @param config The port, host, gate and any `metricsSink` option (registry, prefix, labels, …).
 * @param scheduler Passed to `metricsSink`. Defaults to `asyncScheduler`.
 * @returns Once listening: the subscription, with the port, URL and registry. Rejects (with nothing left
 *   running) when the port cannot be bound.
 * @throws MissingPeerError when prom-client is not installed; ConfigError when an option is invalid,
 *   before anything listens or subscribes.
 */
export function serveMetrics<R extends MetricsRegistry = MetricsRegistry>(
  source: MetricsSource | MetricsSources,
  config: ServeMetricsConfig<R>,
  scheduler: SchedulerLike = asyncScheduler,
): Promise<MetricsServer<R>> {
  if (typeof config !== 'object' || config === null) throw new ConfigError('config', config, 'an object with a port');
  const { port, host = '127.0.0.1', ...sinkConfig } = config;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError('port', port, 'a whole number from 0 (any free port) to 65535');
  }
  if (typeof host !== 'string' || host.length === 0) {
    throw new ConfigError('host', host, 'an address, e.g. "127.0.0.1"');
  }
  const sink = metricsSink(source, sinkConfig, scheduler);
  let health: HealthBody = { ok: false, reason: 'starting' };
  sink.add(healthOf(source, sinkConfig.gate$).subscribe((body) => (health = body)));
  const server = createServer((request, response) => {
    handle(request, response, sink.registry, () => health).catch((error: unknown) => {
      // Only a failure to write the response gets here; the socket is gone or going.
      response.destroy(error instanceof Error ? error : undefined);
    });
  });
  return listen(server, port, host).then(
    (bound) => {
      sink.add(() => {
        server.close();
        // Keep-alive connections (Prometheus keeps one open) would hold the server open until they time out.
        server.closeAllConnections();
      });
      const url = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
      return Object.assign(sink, { port: bound, host, url });
    },
    (error: unknown) => {
      sink.unsubscribe();
      throw error;
    },
  );
}

/** `/healthz` as the gate says, or else as the status (the worst of several links) says. */
function healthOf(source: MetricsSource | MetricsSources, gate$: ServeMetricsConfig['gate$']): Observable<HealthBody> {
  const health$: Observable<HealthBody> = gate$
    ? gate$.pipe(map((state) => ({ ok: state.open, reason: state.reason ?? (state.open ? 'open' : 'closed') })))
    : statusOf(source).pipe(map((status) => ({ ok: status === ConnectionStatus.Connected, reason: status })));
  return new Observable<HealthBody>((subscriber) =>
    health$.subscribe({
      next: (body) => subscriber.next(body),
      error: (error: unknown) =>
        subscriber.next({ ok: false, reason: `${gate$ ? 'gate' : 'status'} failed: ${errorMessage(error)}` }),
    }),
  );
}

function statusOf(source: MetricsSource | MetricsSources): Observable<ConnectionStatus> {
  if (isObservable((source as Partial<MetricsSource>).status$)) return (source as MetricsSource).status$;
  return combineLatest(Object.values(source as MetricsSources).map((link) => link.status$)).pipe(map(worstStatus));
}

/** Resolves with the bound port once listening; rejects when the port cannot be bound. */
function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  registry: Pick<MetricsRegistry, 'metrics' | 'contentType'>,
  health: () => HealthBody,
): Promise<void> {
  const path = pathOf(request.url);
  if (path !== '/metrics' && path !== '/healthz') {
    send(response, request, 404, 'text/plain; charset=utf-8', 'not found: try /metrics or /healthz\n');
    return;
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('Allow', 'GET, HEAD');
    send(response, request, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
    return;
  }
  if (path === '/healthz') {
    const body = health();
    send(response, request, body.ok ? 200 : 503, 'application/json; charset=utf-8', `${JSON.stringify(body)}\n`);
    return;
  }
  let text: string;
  try {
    text = await registry.metrics();
  } catch (error) {
    send(response, request, 500, 'text/plain; charset=utf-8', `metrics failed: ${errorMessage(error)}\n`);
    return;
  }
  send(response, request, 200, registry.contentType, text);
}

function send(
  response: ServerResponse,
  request: IncomingMessage,
  status: number,
  contentType: string,
  body: string,
): void {
  response.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  response.end(request.method === 'HEAD' ? undefined : body);
}

function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const query = raw.indexOf('?');
  return query < 0 ? raw : raw.slice(0, query);
}

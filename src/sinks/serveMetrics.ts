import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { Observable, Subscription, isObservable } from 'rxjs';
import { ConfigError } from '../model/ConfigError';
import { ConnectionStatus } from '../model/ConnectionStatus';
import { errorMessage } from '../model/RetryExhaustedError';
import { MetricsRegistry } from './metricsSink';

/** What `serveMetrics` serves (the registry; the gate or status for `/healthz`) and where it listens. */
export interface ServeMetricsConfig {
  /** The registry to expose, e.g. `metricsSink(link).registry`. Required. */
  readonly registry: Pick<MetricsRegistry, 'metrics' | 'contentType'>;
  /**
   * The trade gate (`tradeGate(link).gate$`): `/healthz` is 200 while it is open, 503 while it is
   * closed. Takes precedence over `status$`.
   */
  readonly gate$?: Observable<{ readonly open: boolean; readonly reason?: string }>;
  /** Without a gate: `/healthz` is 200 while the status is Connected, 503 otherwise. */
  readonly status$?: Observable<ConnectionStatus>;
  /** The TCP port; `0` picks a free one (see the returned `port`). Required. */
  readonly port: number;
  /**
   * The address to listen on. Defaults to `'127.0.0.1'` (this machine only). In a container whose
   * probes come from outside (Kubernetes' kubelet calls the pod IP), pass `'0.0.0.0'`.
   */
  readonly host?: string;
}

/** A running metrics endpoint. */
export interface MetricsServer {
  /** The port it listens on (the one picked when `port` was 0). */
  readonly port: number;
  readonly host: string;
  /** `http://<host>:<port>`. */
  readonly url: string;
  /** Stops listening, ends open connections and unsubscribes. Idempotent; resolves when the server is closed. */
  close(): Promise<void>;
}

/** The `/healthz` body. */
export interface HealthBody {
  readonly ok: boolean;
  /** The gate's reason (`healthy`, `Failed`, `settling`, …) or the status; `starting` before the first. */
  readonly reason: string;
}

/**
 * Serves a metrics registry over HTTP for Prometheus, with a health check for a liveness or
 * readiness probe:
 *
 * - `GET /metrics`: `registry.metrics()` with its content type (Prometheus text format 0.0.4).
 * - `GET /healthz`: `200 {"ok":true,"reason":"healthy"}` while the trade gate is open — or, without a
 *   gate, while the status is Connected; `503 {"ok":false,"reason":"Failed"}` otherwise, and before
 *   the first gate state or status (`"starting"`). With neither, always 200 (the process answers).
 * - `HEAD` on both; any other method 405; any other path 404.
 *
 * ```
 * gate$:     c----o--------f-------o---      (c closed, o open, f closed: Failed)
 * /healthz:  503--200------503-----200--
 * ```
 *
 * It listens on 127.0.0.1 unless told otherwise: metrics say when a bot cannot trade, which is
 * nobody else's business.
 *
 * @example
 * const metrics = metricsSink(link, { gate$ });
 * const server = await serveMetrics({ registry: metrics.registry, gate$, port: 9464 });
 * // curl -i 127.0.0.1:9464/healthz
 * // HTTP/1.1 200 OK
 * // {"ok":true,"reason":"healthy"}
 * await server.close();
 *
 * @param config The registry, the gate or status, the port and host.
 * @returns Once listening: the port and `close()`. Rejects when the port cannot be bound (`EADDRINUSE`).
 * @throws ConfigError when an option is invalid, before anything listens.
 */
export function serveMetrics(config: ServeMetricsConfig): Promise<MetricsServer> {
  if (typeof config !== 'object' || config === null) throw new ConfigError('config', config, 'an object');
  const { registry, gate$, status$, port, host = '127.0.0.1' } = config;
  const r = registry as Partial<MetricsRegistry> | null | undefined;
  if (typeof r !== 'object' || r === null || typeof r.metrics !== 'function') {
    throw new ConfigError('registry', registry, 'a prom-client Registry (metricsSink(link).registry)');
  }
  if (gate$ !== undefined && !isObservable(gate$)) throw new ConfigError('gate$', gate$, 'an Observable of { open }');
  if (status$ !== undefined && !isObservable(status$)) {
    throw new ConfigError('status$', status$, 'an Observable of ConnectionStatus');
  }
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError('port', port, 'a whole number from 0 (any free port) to 65535');
  }
  if (typeof host !== 'string' || host.length === 0)
    throw new ConfigError('host', host, 'an address, e.g. "127.0.0.1"');

  let health: HealthBody = gate$ || status$ ? { ok: false, reason: 'starting' } : { ok: true, reason: 'up' };
  const subscription = new Subscription();
  if (gate$) {
    subscription.add(
      gate$.subscribe({
        next: (state) => (health = { ok: state.open, reason: state.reason ?? (state.open ? 'open' : 'closed') }),
        error: (error: unknown) => (health = { ok: false, reason: `gate failed: ${errorMessage(error)}` }),
      }),
    );
  } else if (status$) {
    subscription.add(
      status$.subscribe({
        next: (status) => (health = { ok: status === ConnectionStatus.Connected, reason: status }),
        error: (error: unknown) => (health = { ok: false, reason: `status failed: ${errorMessage(error)}` }),
      }),
    );
  }

  const server = createServer((request, response) => {
    handle(request, response, registry, () => health).catch((error: unknown) => {
      // Only a failure to write the response gets here; the socket is gone or going.
      response.destroy(error instanceof Error ? error : undefined);
    });
  });

  return new Promise<MetricsServer>((resolve, reject) => {
    const failed = (error: Error): void => {
      subscription.unsubscribe();
      reject(error);
    };
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      const bound = (server.address() as AddressInfo).port;
      resolve({
        port: bound,
        host,
        url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
        close: closer(server, subscription),
      });
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

function closer(server: Server, subscription: Subscription): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= new Promise<void>((resolve, reject) => {
      subscription.unsubscribe();
      server.close((error) => (error ? reject(error) : resolve()));
      // Keep-alive connections (Prometheus keeps one open) would hold close() until they time out.
      server.closeAllConnections();
    });
    return closing;
  };
}

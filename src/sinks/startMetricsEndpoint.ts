import { Observable, SchedulerLike, asyncScheduler } from 'rxjs';
import { ConfigError } from '../model/ConfigError';
import { MetricsRegistry, MetricsSinkConfig, MetricsSource, metricsSink } from './metricsSink';
import { MetricsServer, serveMetrics } from './serveMetrics';
import { ConnectionStatus } from '../model/ConnectionStatus';

/** The metrics sink's settings plus where the endpoint listens and the gate `/healthz` follows. */
export interface MetricsEndpointConfig extends Omit<MetricsSinkConfig, 'gate$'> {
  /** The TCP port; `0` picks a free one. Required. */
  readonly port: number;
  /** The address to listen on. Defaults to `'127.0.0.1'`. */
  readonly host?: string;
  /** The trade gate: `lifeline_gate_open`, and `/healthz` follows it. Without it `/healthz` follows the status. */
  readonly gate$?: Observable<{ readonly open: boolean; readonly reason?: string }>;
}

/** A running endpoint: the metrics sink and its HTTP server. */
export interface MetricsEndpoint {
  readonly port: number;
  /** `http://<host>:<port>`: scrape `<url>/metrics`, probe `<url>/healthz`. */
  readonly url: string;
  readonly registry: MetricsRegistry;
  /** Closes the server and the sink. Idempotent. */
  close(): Promise<void>;
}

/**
 * `metricsSink` and `serveMetrics` in one call, as `lifeline monitor --metrics-port` uses them:
 * metrics of the link (and gate) on `GET /metrics`, and `GET /healthz` following the gate (or,
 * without one, the status).
 *
 * @example
 * const endpoint = await startMetricsEndpoint(link, { gate$, port: 9464 });
 * console.log(`metrics on ${endpoint.url}/metrics`); // metrics on http://127.0.0.1:9464/metrics
 * // on shutdown
 * await endpoint.close();
 *
 * @param link A `Connection` (its streams; `status$` also drives `/healthz` without a gate).
 * @param config The port, host, gate and any `metricsSink` option.
 * @param scheduler Passed to `metricsSink`. Defaults to `asyncScheduler`.
 * @returns Once listening: the port, the URL, the registry and `close()`. Rejects (with the sink
 *   closed) when the port cannot be bound (`EADDRINUSE`).
 * @throws MissingPeerError when prom-client is not installed; ConfigError when an option is invalid.
 */
export function startMetricsEndpoint(
  link: MetricsSource & { readonly status$: Observable<ConnectionStatus> },
  config: MetricsEndpointConfig,
  scheduler: SchedulerLike = asyncScheduler,
): Promise<MetricsEndpoint> {
  if (typeof config !== 'object' || config === null) throw new ConfigError('config', config, 'an object with a port');
  const { port, host, gate$, ...sinkConfig } = config;
  const sink = metricsSink(link, { ...sinkConfig, ...(gate$ ? { gate$ } : {}) }, scheduler);
  let listening: Promise<MetricsServer>;
  try {
    listening = serveMetrics({
      registry: sink.registry,
      port,
      ...(host !== undefined ? { host } : {}),
      ...(gate$ ? { gate$ } : { status$: link.status$ }),
    });
  } catch (error) {
    sink.close();
    throw error;
  }
  return listening.then(
    (server) => {
      let closing: Promise<void> | undefined;
      return {
        port: server.port,
        url: server.url,
        registry: sink.registry,
        close(): Promise<void> {
          closing ??= server.close().finally(() => sink.close());
          return closing;
        },
      };
    },
    (error: unknown) => {
      sink.close();
      throw error;
    },
  );
}

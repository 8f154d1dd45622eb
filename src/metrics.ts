// The `lifeline-ws/metrics` entry: Prometheus metrics through prom-client, an optional peer dependency
// loaded on first use. Kept apart from the root entry so its types and its peer stay out of it.

export { metricsSink, defaultLatencyBuckets } from './sinks/metricsSink';
export type { MetricsSink, MetricsSinkConfig, MetricsSource, MetricsRegistry } from './sinks/metricsSink';
export { serveMetrics } from './sinks/serveMetrics';
export type { ServeMetricsConfig, MetricsServer, HealthBody } from './sinks/serveMetrics';
export { startMetricsEndpoint } from './sinks/startMetricsEndpoint';
export type { MetricsEndpoint, MetricsEndpointConfig } from './sinks/startMetricsEndpoint';

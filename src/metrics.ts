// lifeline-ws/metrics: Prometheus metrics on prom-client (an optional peer dependency).
export { metricsSink, defaultLatencyBuckets } from './sinks/metricsSink';
export type { MetricsSink, MetricsSinkConfig, MetricsSource, MetricsRegistry } from './sinks/metricsSink';
export { serveMetrics } from './sinks/serveMetrics';
export type { ServeMetricsConfig, MetricsServer, HealthBody } from './sinks/serveMetrics';
export { startMetricsEndpoint } from './sinks/startMetricsEndpoint';
export type { MetricsEndpoint, MetricsEndpointConfig } from './sinks/startMetricsEndpoint';

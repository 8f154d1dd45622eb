// The `lifeline-ws/metrics` entry: Prometheus metrics through prom-client, an optional peer dependency
// loaded on first use. Kept apart from the root entry so its types and its peer stay out of it.

export { metricsSink } from './sinks/metricsSink';
export type { MetricsSink, MetricsSource, MetricsSources } from './sinks/metricsSink';
export type { MetricsSinkConfig, MetricsRegistry } from './sinks/resolveMetricsSinkConfig';
export { defaultLatencyBuckets } from './sinks/metricDefinitions';
export { serveMetrics } from './sinks/serveMetrics';
export type { ServeMetricsConfig, MetricsServer, HealthBody } from './sinks/serveMetrics';

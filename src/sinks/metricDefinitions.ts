import { ConnectionStats } from '../model/ConnectionStats';

/** One metric a sink registers, without the prefix. */
export interface MetricDefinition {
  readonly kind: 'Gauge' | 'Counter' | 'Histogram';
  readonly name: string;
  readonly help: string;
  /** Labels besides the sink's constant ones. */
  readonly by?: readonly string[];
}

/**
 * Every metric of a `metricsSink`, by key: the one table the sink registers, feeds and removes from.
 * The exposition names are `<prefix><name>` (`lifeline_status`, …).
 */
export const metricDefinitions = {
  status: {
    kind: 'Gauge',
    name: 'status',
    help: 'Connection status: 1 for the current one, 0 for the others.',
    by: ['status'],
  },
  score: { kind: 'Gauge', name: 'quality_score', help: 'Overall connection quality score, 0-100 (70 and up is good).' },
  averageLatency: {
    kind: 'Gauge',
    name: 'latency_average_seconds',
    help: 'Weighted average round-trip latency (heartbeat and probe), seconds.',
  },
  packetLoss: {
    kind: 'Gauge',
    name: 'packet_loss_ratio',
    help: 'Share of heartbeats left unanswered (weighted), 0-1.',
  },
  errorRatio: { kind: 'Gauge', name: 'error_ratio', help: 'Share of connection checks that failed (weighted), 0-1.' },
  stability: {
    kind: 'Gauge',
    name: 'stability_ratio',
    help: 'Connection stability, 0-1: drops on disconnects and errors.',
  },
  throughput: {
    kind: 'Gauge',
    name: 'throughput_messages_per_second',
    help: 'Inbound messages per second (weighted average of samples).',
  },
  uptime: { kind: 'Gauge', name: 'uptime_ratio', help: 'Time connected / time monitored, 0-1.' },
  downtime: {
    kind: 'Gauge',
    name: 'downtime_seconds',
    help: 'Total time without an open link, the current outage included, seconds.',
  },
  latency: { kind: 'Histogram', name: 'latency_seconds', help: 'Round-trip latency samples, seconds.', by: ['source'] },
  connections: { kind: 'Counter', name: 'connections_total', help: 'Sockets opened.' },
  disconnections: { kind: 'Counter', name: 'disconnections_total', help: 'Open links lost (not counting close()).' },
  attempts: { kind: 'Counter', name: 'reconnect_attempts_total', help: 'Connection attempts after the first one.' },
  successes: { kind: 'Counter', name: 'reconnect_successes_total', help: 'Reconnect attempts that opened a socket.' },
  events: {
    kind: 'Counter',
    name: 'events_total',
    help: 'Connection events, by type and severity (1-4).',
    by: ['type', 'severity'],
  },
  gate: { kind: 'Gauge', name: 'gate_open', help: 'Trade gate: 1 while open (trading allowed), 0 while closed.' },
  feedLag: {
    kind: 'Gauge',
    name: 'feed_lag_seconds',
    help: "A feed's smoothed lag behind the exchange's own timestamps (clock offset corrected), seconds.",
    by: ['feed'],
  },
  feedLagP95: {
    kind: 'Gauge',
    name: 'feed_lag_p95_seconds',
    help: "The 95th percentile of a feed's recent lags, seconds.",
    by: ['feed'],
  },
  feedLagStale: {
    kind: 'Gauge',
    name: 'feed_lag_stale',
    help: 'A feed stale for its lag: 1 while its lag has stayed past maxLag (until it catches up), 0 otherwise.',
    by: ['feed'],
  },
  eventLoopLag: {
    kind: 'Gauge',
    name: 'event_loop_lag_seconds',
    help: "Largest event-loop lag of this process over the link's last sampleInterval, seconds (kept out of latency).",
  },
} as const satisfies Record<string, MetricDefinition>;

/** The metrics of the feeds watched for lag: one series per feed, only for a source with `feedLag$`. */
export const feedLagMetrics: ReadonlySet<MetricKey> = new Set<MetricKey>(['feedLag', 'feedLagP95', 'feedLagStale']);

/** A metric's key in `metricDefinitions`. */
export type MetricKey = keyof typeof metricDefinitions;

/** The counters fed from the statistics' totals, with the total each follows. */
export const metricTotals: ReadonlyMap<
  MetricKey,
  keyof Pick<
    ConnectionStats,
    'totalConnections' | 'totalDisconnections' | 'totalReconnectAttempts' | 'successfulReconnects'
  >
> = new Map([
  ['connections', 'totalConnections'],
  ['disconnections', 'totalDisconnections'],
  ['attempts', 'totalReconnectAttempts'],
  ['successes', 'successfulReconnects'],
]);

/** Exchange round trips: 1 ms (co-located) to 10 s; the heartbeat times out long before +Inf matters. */
export const defaultLatencyBuckets: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

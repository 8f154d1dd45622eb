import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { Observable, SchedulerLike, Subscription, asyncScheduler, isObservable } from 'rxjs';
import { ConfigError } from '../model/ConfigError';
import { connectionEventTypes, eventSeverity } from '../model/ConnectionEventType';
import { overallScore } from '../model/ConnectionQuality';
import { ConnectionStats, totalDowntime, uptimePercentage } from '../model/ConnectionStats';
import { connectionStatuses } from '../model/ConnectionStatus';
import { Connection, LatencySample } from '../streams/Connection';
import { loadPromClient } from './loadPromClient';

/**
 * The part of a prom-client `Registry` that lifeline's own signatures mention, so its type
 * declarations do not need prom-client installed. Pass a real `Registry`; you get the same one back.
 */
export interface MetricsRegistry {
  /** The exposition text of every metric. */
  metrics(): Promise<string>;
  /** The Content-Type of that text. */
  readonly contentType: string;
  /** The metric registered under `name`, if any (used to refuse registering a name twice). */
  getSingleMetric(name: string): unknown;
}

/** What the sink measures: a `Connection` as it is, or its streams as hand-fed or cold observables in a spec. */
export type MetricsSource = Pick<Connection, 'status$' | 'quality$' | 'stats$' | 'events$' | 'latency$'>;

/** Where `metricsSink` registers its metrics and how it names and labels them. */
export interface MetricsSinkConfig<R extends MetricsRegistry = MetricsRegistry> {
  /**
   * The prom-client `Registry` to register in, e.g. one that `collectDefaultMetrics` also fills.
   * Several sinks may share one if their `labels` differ. Defaults to a new `Registry`.
   */
  readonly registry?: R;
  /** Prepended to every metric name. Defaults to `'lifeline_'`. */
  readonly prefix?: string;
  /**
   * Labels on every series of this link, e.g. `{ connection: 'market' }`: tells the links of a pool
   * apart in one registry. Names may not be `status`, `source`, `type`, `severity`, `le` or start with
   * `__`. Defaults to none.
   */
  readonly labels?: Readonly<Record<string, string>>;
  /** The trade gate (`tradeGate(link).gate$`), for `<prefix>gate_open`. Without it that metric is absent. */
  readonly gate$?: Observable<{ readonly open: boolean }>;
  /**
   * Upper bounds of the latency histogram's buckets, in seconds. Defaults to
   * `[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]`: 1 ms (co-located) to 10 s.
   * Sinks sharing a registry share the histogram, with the buckets of the first.
   */
  readonly buckets?: readonly number[];
  /** Called when a source stream errors (that stream stops updating its metrics). Defaults to `console.error`. */
  readonly onError?: (error: unknown) => void;
}

/** A running metrics sink. */
export interface MetricsSink<R extends MetricsRegistry = MetricsRegistry> {
  /** The registry the metrics are in: serve `registry.metrics()` (see `serveMetrics`). */
  readonly registry: R;
  /**
   * Stops updating and removes this link's series from the registry (other links' stay). Idempotent.
   * Closing the link alone keeps the last values, so a final scrape still sees them.
   */
  close(): void;
}

/** Exchange round trips: 1 ms (co-located) to 10 s; the heartbeat times out long before +Inf matters. */
export const defaultLatencyBuckets: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

const RESERVED_LABELS = ['status', 'source', 'type', 'severity', 'le', 'quantile'];
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const METRIC_PREFIX = /^([a-zA-Z_:][a-zA-Z0-9_:]*)?$/;
const LATENCY_SOURCES: ReadonlyArray<LatencySample['source']> = ['heartbeat', 'probe'];

type Kind = 'Gauge' | 'Counter' | 'Histogram';
type Labels = Record<string, string>;

/** A metric lifeline created, with the collectors of every sink that shares it. */
interface Shared {
  readonly metric: Gauge | Counter | Histogram;
  readonly labelNames: readonly string[];
  readonly collectors: Set<() => void>;
}

interface Definition {
  readonly kind: Kind;
  readonly name: string;
  readonly help: string;
  /** Labels besides the sink's constant ones. */
  readonly by?: readonly string[];
}

/** Every metric of a sink, without the prefix. */
const definitions = {
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
} as const satisfies Record<string, Definition>;

type MetricKey = keyof typeof definitions;

/** The counters fed from the statistics' totals. */
const TOTALS = new Map<
  MetricKey,
  'totalConnections' | 'totalDisconnections' | 'totalReconnectAttempts' | 'successfulReconnects'
>([
  ['connections', 'totalConnections'],
  ['disconnections', 'totalDisconnections'],
  ['attempts', 'totalReconnectAttempts'],
  ['successes', 'successfulReconnects'],
]);

// Per registry: the metrics lifeline registered in it, and the label sets its sinks have claimed.
const sharedMetrics = new WeakMap<object, Map<string, Shared>>();
const claimedLabels = new WeakMap<object, Set<string>>();

/**
 * Exposes a link's health as Prometheus metrics through prom-client (an optional peer dependency,
 * loaded on the first call: `npm install prom-client`). With the default prefix `lifeline_`:
 *
 * | metric                                   | type      | what                                                        |
 * |------------------------------------------|-----------|-------------------------------------------------------------|
 * | `lifeline_status{status}`                | gauge     | 1 for the current status, 0 for the five others             |
 * | `lifeline_quality_score`                 | gauge     | overall score, 0–100 (70 and up is good)                    |
 * | `lifeline_latency_average_seconds`       | gauge     | weighted average round trip (absent before the first)       |
 * | `lifeline_packet_loss_ratio`             | gauge     | unanswered heartbeats, 0–1                                  |
 * | `lifeline_error_ratio`                   | gauge     | failed connection checks, 0–1                               |
 * | `lifeline_stability_ratio`               | gauge     | connection stability, 0–1                                   |
 * | `lifeline_throughput_messages_per_second`| gauge     | inbound messages per second (weighted)                      |
 * | `lifeline_uptime_ratio`                  | gauge     | time connected / time monitored, 0–1, as of the scrape      |
 * | `lifeline_downtime_seconds`              | gauge     | total time without a link, current outage included          |
 * | `lifeline_latency_seconds{source}`       | histogram | every round trip, `heartbeat` or `probe`                    |
 * | `lifeline_connections_total`             | counter   | sockets opened                                              |
 * | `lifeline_disconnections_total`          | counter   | open links lost                                             |
 * | `lifeline_reconnect_attempts_total`      | counter   | connection attempts after the first                         |
 * | `lifeline_reconnect_successes_total`     | counter   | reconnect attempts that opened a socket                     |
 * | `lifeline_events_total{type,severity}`   | counter   | connection events (all ten types, from 0)                   |
 * | `lifeline_gate_open`                     | gauge     | 1 while the trade gate is open (only with `gate$`)          |
 *
 * Counters start from the link's totals, restored ones included (`connect({ restore })`), so they
 * carry on across a restart where Prometheus would otherwise see a reset. Every series carries
 * `labels`. The status is the Prometheus "enum" pattern: `lifeline_status == 1` selects the current
 * one, and `lifeline_status{status="Failed"} == 1` is an alert.
 *
 * ```
 * status$:   a-b------c-d--b--        (a Connecting, b Connected, c Disconnected, d Reconnecting)
 * lifeline_status{status="Connected"}:  0-1------0----1--
 * stats$:    s-t------u-v--w--
 * lifeline_reconnect_attempts_total:    0-0------0-1--1--
 * ```
 *
 * @example
 * const metrics = metricsSink(link, { labels: { connection: 'market' }, gate$ });
 * const server = await serveMetrics({ registry: metrics.registry, gate$, port: 9464 });
 * // curl 127.0.0.1:9464/metrics
 * // # HELP lifeline_quality_score Overall connection quality score, 0-100 (70 and up is good).
 * // # TYPE lifeline_quality_score gauge
 * // lifeline_quality_score{connection="market"} 97.5
 *
 * @param source A `Connection`, or any object with its streams (see `MetricsSource`).
 * @param config Registry, prefix, constant labels, the gate, histogram buckets.
 * @param scheduler The clock for the downtime and uptime figures at scrape time. Defaults to `asyncScheduler`.
 * @returns The registry and `close()`.
 * @throws MissingPeerError when prom-client is not installed; ConfigError when an option is invalid.
 */
export function metricsSink<R extends MetricsRegistry = MetricsRegistry>(
  source: MetricsSource,
  config: MetricsSinkConfig<R> = {},
  scheduler: SchedulerLike = asyncScheduler,
): MetricsSink<R> {
  if (typeof config !== 'object' || config === null) throw new ConfigError('config', config, 'an object');
  const {
    registry: givenRegistry,
    prefix = 'lifeline_',
    labels = {},
    gate$,
    buckets = defaultLatencyBuckets,
    onError = (error: unknown) => console.error(error),
  } = config;
  checkSource(source);
  if (typeof prefix !== 'string' || !METRIC_PREFIX.test(prefix)) {
    throw new ConfigError('prefix', prefix, 'letters, digits, _ and : (not starting with a digit), e.g. "lifeline_"');
  }
  const constant = checkLabels(labels);
  if (gate$ !== undefined && !isObservable(gate$)) throw new ConfigError('gate$', gate$, 'an Observable of { open }');
  if (
    !Array.isArray(buckets) ||
    buckets.length === 0 ||
    !buckets.every((b, i) => typeof b === 'number' && Number.isFinite(b) && b > 0 && (i === 0 || b > buckets[i - 1]))
  ) {
    throw new ConfigError('buckets', buckets, 'increasing positive numbers of seconds, e.g. [0.01, 0.1, 1]');
  }
  if (typeof onError !== 'function') throw new ConfigError('onError', onError, 'a function (error) => void');
  const r = givenRegistry as Partial<Registry> | undefined;
  if (
    r !== undefined &&
    (typeof r !== 'object' ||
      r === null ||
      typeof r.registerMetric !== 'function' ||
      typeof r.metrics !== 'function' ||
      typeof r.getSingleMetric !== 'function')
  ) {
    throw new ConfigError('registry', givenRegistry, 'a prom-client Registry');
  }

  const prom = loadPromClient();
  const registry = (givenRegistry as unknown as Registry | undefined) ?? new prom.Registry();
  const claimKey = JSON.stringify(Object.entries(constant).sort(([a], [b]) => (a < b ? -1 : 1)));
  const claimed = claimedLabels.get(registry) ?? new Set<string>();
  if (claimed.has(claimKey)) {
    throw new ConfigError(
      'labels',
      labels,
      'labels no other metricsSink on this registry has, e.g. { connection: "market" } and { connection: "user" }',
    );
  }
  const shared = sharedMetrics.get(registry) ?? new Map<string, Shared>();
  const names = Object.keys(constant);

  const keys = (Object.keys(definitions) as MetricKey[]).filter((key) => key !== 'gate' || gate$ !== undefined);
  const labelNamesOf = (key: MetricKey): string[] => [...names, ...((definitions[key] as Definition).by ?? [])];
  // All checks first, so a conflict leaves the registry as it was.
  for (const key of keys) {
    const fullName = prefix + definitions[key].name;
    const existing = registry.getSingleMetric(fullName);
    if (existing === undefined) continue;
    const entry = shared.get(fullName);
    if (entry?.metric !== existing) {
      throw new ConfigError(
        'prefix',
        prefix,
        `a prefix whose metric names are free in the registry (${fullName} is taken)`,
      );
    }
    if (entry.labelNames.join() !== labelNamesOf(key).join()) {
      throw new ConfigError(
        'labels',
        labels,
        `the label names of the other sinks on this registry (${entry.labelNames.join(', ') || 'none'})`,
      );
    }
  }
  /** The metric, created, or shared with the sinks on this registry that made it. */
  const obtain = (key: MetricKey): Shared => {
    const { kind, name, help } = definitions[key];
    const fullName = prefix + name;
    const existing = shared.get(fullName);
    if (existing !== undefined && registry.getSingleMetric(fullName) === existing.metric) return existing;
    const collectors = new Set<() => void>();
    const common = {
      name: fullName,
      help,
      labelNames: labelNamesOf(key),
      registers: [registry],
      collect: () => collectors.forEach((run) => run()),
    };
    const metric =
      kind === 'Gauge'
        ? new prom.Gauge(common)
        : kind === 'Counter'
          ? new prom.Counter(common)
          : new prom.Histogram({ ...common, buckets: [...buckets] });
    const entry: Shared = { metric, labelNames: common.labelNames, collectors };
    shared.set(fullName, entry);
    return entry;
  };
  const m = Object.fromEntries(keys.map((key) => [key, obtain(key)])) as Record<MetricKey, Shared>;
  const gauge = (key: MetricKey): Gauge => m[key].metric as Gauge;
  const counter = (key: MetricKey): Counter => m[key].metric as Counter;
  const histogram = (key: MetricKey): Histogram => m[key].metric as Histogram;
  const at = (extra: Labels = {}): Labels => ({ ...constant, ...extra });

  let stats: ConnectionStats | undefined;
  const collectDowntime = (): void => {
    if (stats) gauge('downtime').set(at(), totalDowntime(stats, scheduler.now()) / 1000);
  };
  const collectUptime = (): void => {
    if (stats) gauge('uptime').set(at(), uptimePercentage(stats, scheduler.now()) / 100);
  };
  m.downtime.collectors.add(collectDowntime);
  m.uptime.collectors.add(collectUptime);
  claimed.add(claimKey);
  claimedLabels.set(registry, claimed);
  sharedMetrics.set(registry, shared);

  // Every series this sink owns exists from the start: rate() and absent() need no first event.
  for (const type of connectionEventTypes)
    counter('events').inc(at({ type, severity: String(eventSeverity(type)) }), 0);
  for (const key of TOTALS.keys()) counter(key).inc(at(), 0);
  // prom-client shows an unlabelled gauge as 0 until set; no average is not an average of 0 ms.
  gauge('averageLatency').remove(at());

  const subscription = new Subscription();
  const report = { error: (error: unknown) => onError(error) };
  subscription.add(
    source.status$.subscribe({
      next: (current) => {
        for (const s of connectionStatuses) gauge('status').set(at({ status: s }), s === current ? 1 : 0);
      },
      ...report,
    }),
  );
  subscription.add(
    source.quality$.subscribe({
      next: (q) => {
        gauge('score').set(at(), overallScore(q));
        if (q.latencySamples > 0) gauge('averageLatency').set(at(), q.averageLatencyMs / 1000);
        gauge('packetLoss').set(at(), q.packetLossRate);
        gauge('errorRatio').set(at(), q.errorRate);
        gauge('stability').set(at(), q.connectionStability / 100);
        gauge('throughput').set(at(), q.dataThroughput);
      },
      ...report,
    }),
  );
  subscription.add(
    source.stats$.subscribe({
      next: (next) => {
        // Counters move by the growth of the totals; the first value (restored totals too) is growth from 0.
        for (const [key, field] of TOTALS) {
          const delta = next[field] - (stats?.[field] ?? 0);
          if (delta > 0) counter(key).inc(at(), delta);
        }
        stats = next;
      },
      ...report,
    }),
  );
  subscription.add(
    source.events$.subscribe({
      next: (event) => counter('events').inc(at({ type: event.type, severity: String(event.severity) })),
      ...report,
    }),
  );
  subscription.add(
    source.latency$.subscribe({
      next: (sample) => histogram('latency').observe(at({ source: sample.source }), sample.latencyMs / 1000),
      ...report,
    }),
  );
  if (gate$) {
    subscription.add(gate$.subscribe({ next: (state) => gauge('gate').set(at(), state.open ? 1 : 0), ...report }));
  }

  let closed = false;
  return {
    registry: registry as unknown as R,
    close(): void {
      if (closed) return;
      closed = true;
      subscription.unsubscribe();
      m.uptime.collectors.delete(collectUptime);
      m.downtime.collectors.delete(collectDowntime);
      for (const key of keys) {
        const metric = m[key].metric as Gauge;
        if (key === 'status') connectionStatuses.forEach((status) => metric.remove(at({ status })));
        else if (key === 'events') {
          connectionEventTypes.forEach((type) => metric.remove(at({ type, severity: String(eventSeverity(type)) })));
        } else if (key === 'latency') LATENCY_SOURCES.forEach((source) => metric.remove(at({ source })));
        else metric.remove(at());
      }
      claimed.delete(claimKey);
    },
  };
}

function checkSource(source: MetricsSource): void {
  const s = source as unknown as Record<string, unknown> | null;
  const streams = ['status$', 'quality$', 'stats$', 'events$', 'latency$'];
  if (typeof s !== 'object' || s === null || !streams.every((name) => isObservable(s[name]))) {
    throw new ConfigError('source', source, `a Connection (${streams.join(', ')})`);
  }
}

function checkLabels(labels: unknown): Labels {
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) {
    throw new ConfigError('labels', labels, 'an object of label names to string values, e.g. { connection: "market" }');
  }
  for (const [name, value] of Object.entries(labels)) {
    if (!LABEL_NAME.test(name) || name.startsWith('__') || RESERVED_LABELS.includes(name)) {
      throw new ConfigError(
        `labels.${name}`,
        name,
        `a label name of letters, digits and _, not starting with __, other than ${RESERVED_LABELS.join(', ')}`,
      );
    }
    if (typeof value !== 'string') throw new ConfigError(`labels.${name}`, value, 'a string');
  }
  return { ...(labels as Labels) };
}

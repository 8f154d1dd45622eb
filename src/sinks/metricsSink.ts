import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { Observable, SchedulerLike, Subscription, asyncScheduler, isObservable } from 'rxjs';
import { ConfigError } from '../model/ConfigError';
import { connectionEventTypes, eventSeverity } from '../model/ConnectionEventType';
import { overallScore } from '../model/ConnectionQuality';
import { ConnectionStats, totalDowntime, uptimePercentage } from '../model/ConnectionStats';
import { connectionStatuses } from '../model/ConnectionStatus';
import { Connection, LatencySample } from '../streams/Connection';
import { PromClientModule, loadPromClient } from './loadPromClient';
import { MetricKey, feedLagMetrics, metricDefinitions, metricTotals } from './metricDefinitions';
import { MetricFamily, metricFamilies } from './metricFamilies';
import {
  MetricsRegistry,
  MetricsSinkConfig,
  ResolvedMetricsSinkConfig,
  resolveMetricsSinkConfig,
} from './resolveMetricsSinkConfig';

/**
 * What the sink measures: a `Connection` as it is, or its streams as hand-fed or cold observables in a
 * spec; with `feedLag$`, the lag of the feeds watched for it too; with `lag$` (a `Connection` has it),
 * the process's event-loop lag.
 */
export type MetricsSource = Pick<Connection, 'status$' | 'quality$' | 'stats$' | 'events$' | 'latency$'> &
  Partial<Pick<Connection, 'feedLag$' | 'lag$'>>;

/** Several links by name, e.g. a pool's `connections`: each one's series carry `connection="<name>"`. */
export type MetricsSources = Readonly<Record<string, MetricsSource>>;

/** A running metrics sink: unsubscribe to stop it and remove its series; `registry` is where they are. */
export type MetricsSink<R extends MetricsRegistry = MetricsRegistry> = Subscription & {
  /** The registry the metrics are in: serve `registry.metrics()`, or use `serveMetrics`. */
  readonly registry: R;
};

const LATENCY_SOURCES: ReadonlyArray<LatencySample['source']> = ['heartbeat', 'probe'];
const STREAMS = ['status$', 'quality$', 'stats$', 'events$', 'latency$'] as const;

type Labels = Record<string, string>;
type Series = (extra?: Labels) => Labels;

/**
 * Exposes a link's health as Prometheus metrics through prom-client (an optional peer dependency,
 * loaded on the first call: `npm install prom-client`), for as long as the returned subscription
 * lasts. With the default prefix `lifeline_`:
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
 * | `lifeline_events_total{type,severity}`   | counter   | connection events (all thirteen types, from 0)              |
 * | `lifeline_gate_open`                     | gauge     | 1 while the trade gate is open (only with `gate$`)          |
 * | `lifeline_feed_lag_seconds{feed}`        | gauge     | a feed's smoothed lag behind the exchange's timestamps      |
 * | `lifeline_feed_lag_p95_seconds{feed}`    | gauge     | p95 of its recent lags                                      |
 * | `lifeline_feed_lag_stale{feed}`          | gauge     | 1 while it is stale for its lag (feeds with `timestampOf`)  |
 * | `lifeline_event_loop_lag_seconds`        | gauge     | largest event-loop lag of the last `sampleInterval` (`lag$`)|
 *
 * Counters start from the link's totals, restored ones included (`connect({ restore })`), so they
 * carry on across a restart where Prometheus would otherwise see a reset. Every series carries
 * `labels`. The status is the Prometheus "enum" pattern: `lifeline_status == 1` selects the current
 * one, and `lifeline_status{status="Failed"} == 1` is an alert. Several links at once — a pool's
 * `connections` — go in as a record by name: each gets the label `connection` with its name.
 *
 * Unsubscribing stops the updates and removes this sink's series from the registry (other sinks'
 * stay). Closing the link alone keeps the last values, so a final scrape still sees them.
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
 * console.log(await metrics.registry.metrics());
 * // # HELP lifeline_quality_score Overall connection quality score, 0-100 (70 and up is good).
 * // # TYPE lifeline_quality_score gauge
 * // lifeline_quality_score{connection="market"} 97.5
 * metrics.unsubscribe(); // the series are gone from the registry
 *
 * @param source A `Connection` (or its streams, see `MetricsSource`), or several by name.
 * @param config Registry, prefix, constant labels, the gate, histogram buckets.
 * @param scheduler The clock for the downtime and uptime figures at scrape time. Defaults to `asyncScheduler`.
 * @returns A `Subscription` (unsubscribe to stop and remove the series) carrying the `registry`.
 * @throws MissingPeerError when prom-client is not installed; ConfigError when an option is invalid.
 */
export function metricsSink<R extends MetricsRegistry = MetricsRegistry>(
  source: MetricsSource | MetricsSources,
  config: MetricsSinkConfig<R> = {},
  scheduler: SchedulerLike = asyncScheduler,
): MetricsSink<R> {
  const resolved = resolveMetricsSinkConfig(config);
  const links = linksOf(source, resolved.labels);
  const prom = loadPromClient();
  const registry = (resolved.registry as Registry | undefined) ?? new prom.Registry();
  const subscription = new Subscription();
  try {
    for (const { link, labels } of links) {
      subscription.add(watch(link, { ...resolved, labels }, registry, prom, scheduler));
    }
  } catch (error) {
    subscription.unsubscribe();
    throw error;
  }
  return Object.assign(subscription, { registry: registry as unknown as R });
}

/** The links to watch, each with its constant labels: one source as given, or a record by name. */
function linksOf(
  source: MetricsSource | MetricsSources,
  labels: Readonly<Labels>,
): Array<{ link: MetricsSource; labels: Readonly<Labels> }> {
  if (isSource(source)) return [{ link: source, labels }];
  const entries = typeof source === 'object' && source !== null ? Object.entries(source) : [];
  if (entries.length === 0 || !entries.every(([, link]) => isSource(link))) {
    throw new ConfigError('source', source, `a Connection (${STREAMS.join(', ')}), or a record of them by name`);
  }
  return entries.map(([name, link]) => ({ link, labels: { ...labels, connection: name } }));
}

function isSource(value: unknown): value is MetricsSource {
  const s = value as Record<string, unknown> | null;
  return typeof s === 'object' && s !== null && STREAMS.every((name) => isObservable(s[name]));
}

/** One link's metrics: registered (or shared), every series created, fed, removed on unsubscribe. */
function watch(
  source: MetricsSource,
  config: ResolvedMetricsSinkConfig,
  registry: Registry,
  prom: PromClientModule,
  scheduler: SchedulerLike,
): Subscription {
  const { prefix, labels, gate$, buckets } = config;
  const keys = (Object.keys(metricDefinitions) as MetricKey[]).filter(
    (key) =>
      (key !== 'gate' || gate$ !== undefined) &&
      (!feedLagMetrics.has(key) || source.feedLag$ !== undefined) &&
      (key !== 'eventLoopLag' || source.lag$ !== undefined),
  );
  const { families, release } = metricFamilies(registry, prom, { keys, prefix, labels, buckets });
  const at: Series = (extra = {}) => ({ ...labels, ...extra });
  const counter = (key: MetricKey): Counter => families[key].metric as Counter;
  // Every series this sink owns exists from the start: rate() and absent() need no first event.
  for (const type of connectionEventTypes)
    counter('events').inc(at({ type, severity: String(eventSeverity(type)) }), 0);
  for (const key of metricTotals.keys()) counter(key).inc(at(), 0);
  // prom-client shows an unlabelled gauge as 0 until set; no average is not an average of 0 ms.
  (families.averageLatency.metric as Gauge).remove(at());

  const subscription = feed(source, families, at, config, scheduler);
  subscription.add(() => {
    removeSeries(families, keys, at);
    release();
  });
  return subscription;
}

/** Pushes every emission of the link's streams (and the gate) into its metrics; uptime and downtime are pulled at scrape time. */
function feed(
  source: MetricsSource,
  families: Readonly<Record<MetricKey, MetricFamily>>,
  at: Series,
  { gate$, onError }: Pick<ResolvedMetricsSinkConfig, 'gate$' | 'onError'>,
  scheduler: SchedulerLike,
): Subscription {
  const gauge = (key: MetricKey): Gauge => families[key].metric as Gauge;
  const on = <T>(stream$: Observable<T>, next: (value: T) => void): Subscription =>
    stream$.subscribe({ next, error: (error: unknown) => onError(error) });
  let stats: ConnectionStats | undefined;
  const collectDowntime = (): void => {
    if (stats) gauge('downtime').set(at(), totalDowntime(stats, scheduler.now()) / 1000);
  };
  const collectUptime = (): void => {
    if (stats) gauge('uptime').set(at(), uptimePercentage(stats, scheduler.now()) / 100);
  };
  families.downtime.collectors.add(collectDowntime);
  families.uptime.collectors.add(collectUptime);

  const subscription = new Subscription(() => {
    families.downtime.collectors.delete(collectDowntime);
    families.uptime.collectors.delete(collectUptime);
  });
  subscription.add(
    on(source.status$, (current) => {
      for (const s of connectionStatuses) gauge('status').set(at({ status: s }), s === current ? 1 : 0);
    }),
  );
  subscription.add(
    on(source.quality$, (q) => {
      gauge('score').set(at(), overallScore(q));
      if (q.latencySamples > 0) gauge('averageLatency').set(at(), q.averageLatencyMs / 1000);
      gauge('packetLoss').set(at(), q.packetLossRate);
      gauge('errorRatio').set(at(), q.errorRate);
      gauge('stability').set(at(), q.connectionStability / 100);
      gauge('throughput').set(at(), q.dataThroughput);
    }),
  );
  subscription.add(
    on(source.stats$, (next) => {
      // Counters move by the growth of the totals; the first value (restored totals too) is growth from 0.
      for (const [key, field] of metricTotals) {
        const delta = next[field] - (stats?.[field] ?? 0);
        if (delta > 0) (families[key].metric as Counter).inc(at(), delta);
      }
      stats = next;
    }),
  );
  subscription.add(
    on(source.events$, (event) =>
      (families.events.metric as Counter).inc(at({ type: event.type, severity: String(event.severity) })),
    ),
  );
  subscription.add(
    on(source.latency$, (sample) =>
      (families.latency.metric as Histogram).observe(at({ source: sample.source }), sample.latencyMs / 1000),
    ),
  );
  if (gate$) subscription.add(on(gate$, (state) => gauge('gate').set(at(), state.open ? 1 : 0)));
  if (source.feedLag$) {
    // A series per feed watched for lag; the feeds are known only from the readings, so removed here.
    const feeds = new Set<string>();
    subscription.add(
      on(source.feedLag$, (readings) => {
        for (const { feed, smoothedMs, p95Ms, stale } of readings) {
          feeds.add(feed);
          gauge('feedLag').set(at({ feed }), smoothedMs / 1000);
          gauge('feedLagP95').set(at({ feed }), p95Ms / 1000);
          gauge('feedLagStale').set(at({ feed }), stale ? 1 : 0);
        }
      }),
    );
    subscription.add(() => {
      for (const feed of feeds) for (const key of feedLagMetrics) gauge(key).remove(at({ feed }));
    });
  }
  if (source.lag$) subscription.add(on(source.lag$, (lagMs) => gauge('eventLoopLag').set(at(), lagMs / 1000)));
  return subscription;
}

/** Removes this sink's series from its metrics; the other sinks' series stay. */
function removeSeries(
  families: Readonly<Record<MetricKey, MetricFamily>>,
  keys: readonly MetricKey[],
  at: Series,
): void {
  for (const key of keys) {
    const metric = families[key].metric as Gauge;
    if (key === 'status') connectionStatuses.forEach((status) => metric.remove(at({ status })));
    else if (key === 'events') {
      connectionEventTypes.forEach((type) => metric.remove(at({ type, severity: String(eventSeverity(type)) })));
    } else if (key === 'latency') LATENCY_SOURCES.forEach((source) => metric.remove(at({ source })));
    else if (!feedLagMetrics.has(key)) metric.remove(at());
  }
}

import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ConfigError } from '../model/ConfigError';
import { PromClientModule } from './loadPromClient';
import { MetricDefinition, MetricKey, metricDefinitions } from './metricDefinitions';

/** A metric lifeline registered, with the scrape-time collectors of every sink that shares it. */
export interface MetricFamily {
  readonly metric: Gauge | Counter | Histogram;
  readonly labelNames: readonly string[];
  readonly collectors: Set<() => void>;
}

/** What one sink asks of a registry: the metrics (by key), their prefix, its constant labels, the buckets. */
export interface MetricFamiliesRequest {
  readonly keys: readonly MetricKey[];
  readonly prefix: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly buckets: readonly number[];
}

/** One sink's hold on a registry: its metrics, and `release()` to give its label set back. */
export interface MetricFamilies {
  readonly families: Readonly<Record<MetricKey, MetricFamily>>;
  release(): void;
}

// Per registry: the metrics lifeline registered in it, and the label sets its sinks have claimed.
const registered = new WeakMap<object, Map<string, MetricFamily>>();
const claimedLabels = new WeakMap<object, Set<string>>();

/**
 * The metrics one `metricsSink` feeds in a registry: created there, or shared with the sinks on that
 * registry that created them (a pool's links, told apart by their labels). Every check runs before
 * anything is registered, so a conflict leaves the registry as it was.
 *
 * @example
 * const { families, release } = metricFamilies(registry, prom, { keys: ['status'], prefix: 'lifeline_', labels: { connection: 'market' }, buckets });
 * families.status.metric; // the lifeline_status gauge
 *
 * @param registry Where to register.
 * @param prom The prom-client module.
 * @param request The metrics, prefix, constant labels and buckets.
 * @returns The metrics by key and `release()`.
 * @throws ConfigError when another sink on the registry has these labels, or a name is taken by
 *   another metric, or shared metrics have other label names.
 */
export function metricFamilies(
  registry: Registry,
  prom: PromClientModule,
  request: MetricFamiliesRequest,
): MetricFamilies {
  const { keys, prefix, labels, buckets } = request;
  const claimKey = JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
  const claimed = claimedLabels.get(registry) ?? new Set<string>();
  if (claimed.has(claimKey)) {
    throw new ConfigError(
      'labels',
      labels,
      'labels no other metricsSink on this registry has, e.g. { connection: "market" } and { connection: "user" }',
    );
  }
  const shared = registered.get(registry) ?? new Map<string, MetricFamily>();
  const labelNamesOf = (key: MetricKey): string[] => [
    ...Object.keys(labels),
    ...((metricDefinitions[key] as MetricDefinition).by ?? []),
  ];
  for (const key of keys) checkFree(registry, shared, prefix + metricDefinitions[key].name, labelNamesOf(key), request);

  const obtain = (key: MetricKey): MetricFamily => {
    const { kind, name, help } = metricDefinitions[key];
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
    const family: MetricFamily = { metric, labelNames: common.labelNames, collectors };
    shared.set(fullName, family);
    return family;
  };
  const families = Object.fromEntries(keys.map((key) => [key, obtain(key)])) as Record<MetricKey, MetricFamily>;
  claimed.add(claimKey);
  claimedLabels.set(registry, claimed);
  registered.set(registry, shared);
  return { families, release: () => claimed.delete(claimKey) };
}

/** Throws unless `fullName` is free in the registry or a metric of lifeline's with the same label names. */
function checkFree(
  registry: Registry,
  shared: ReadonlyMap<string, MetricFamily>,
  fullName: string,
  labelNames: readonly string[],
  request: MetricFamiliesRequest,
): void {
  const existing = registry.getSingleMetric(fullName);
  if (existing === undefined) return;
  const family = shared.get(fullName);
  if (family?.metric !== existing) {
    throw new ConfigError(
      'prefix',
      request.prefix,
      `a prefix whose metric names are free in the registry (${fullName} is taken)`,
    );
  }
  if (family.labelNames.join() !== labelNames.join()) {
    throw new ConfigError(
      'labels',
      request.labels,
      `the label names of the other sinks on this registry (${family.labelNames.join(', ') || 'none'})`,
    );
  }
}

import { Observable, isObservable } from 'rxjs';
import { ConfigError } from '../model/ConfigError';
import { defaultLatencyBuckets } from './metricDefinitions';

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

/** A `MetricsSinkConfig` checked, with its defaults. */
export interface ResolvedMetricsSinkConfig {
  /** A prom-client `Registry`, checked; typed by the part lifeline names, so prom-client's types stay out. */
  readonly registry?: MetricsRegistry;
  readonly prefix: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly gate$?: Observable<{ readonly open: boolean }>;
  readonly buckets: readonly number[];
  readonly onError: (error: unknown) => void;
}

const RESERVED_LABELS = ['status', 'source', 'type', 'severity', 'le', 'quantile'];
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const METRIC_PREFIX = /^([a-zA-Z_:][a-zA-Z0-9_:]*)?$/;

/**
 * Checks a `MetricsSinkConfig` and applies its defaults, loading nothing and registering nothing.
 *
 * @example
 * resolveMetricsSinkConfig({ labels: { connection: 'market' } }).prefix; // 'lifeline_'
 *
 * @param config The sink's options.
 * @returns The options with their defaults; `registry` stays absent when none was given.
 * @throws ConfigError naming the first bad option.
 */
export function resolveMetricsSinkConfig(config: MetricsSinkConfig = {}): ResolvedMetricsSinkConfig {
  if (typeof config !== 'object' || config === null) throw new ConfigError('config', config, 'an object');
  const {
    registry,
    prefix = 'lifeline_',
    labels = {},
    gate$,
    buckets = defaultLatencyBuckets,
    onError = (error: unknown) => console.error(error),
  } = config;
  if (typeof prefix !== 'string' || !METRIC_PREFIX.test(prefix)) {
    throw new ConfigError('prefix', prefix, 'letters, digits, _ and : (not starting with a digit), e.g. "lifeline_"');
  }
  checkLabels(labels);
  if (gate$ !== undefined && !isObservable(gate$)) throw new ConfigError('gate$', gate$, 'an Observable of { open }');
  if (
    !Array.isArray(buckets) ||
    buckets.length === 0 ||
    !buckets.every((b, i) => typeof b === 'number' && Number.isFinite(b) && b > 0 && (i === 0 || b > buckets[i - 1]))
  ) {
    throw new ConfigError('buckets', buckets, 'increasing positive numbers of seconds, e.g. [0.01, 0.1, 1]');
  }
  if (typeof onError !== 'function') throw new ConfigError('onError', onError, 'a function (error) => void');
  const r = registry as (Partial<MetricsRegistry> & { registerMetric?: unknown }) | undefined;
  if (
    r !== undefined &&
    (typeof r !== 'object' ||
      r === null ||
      typeof r.registerMetric !== 'function' ||
      typeof r.metrics !== 'function' ||
      typeof r.getSingleMetric !== 'function')
  ) {
    throw new ConfigError('registry', registry, 'a prom-client Registry');
  }
  return {
    ...(registry !== undefined ? { registry } : {}),
    prefix,
    labels: { ...labels },
    ...(gate$ !== undefined ? { gate$ } : {}),
    buckets,
    onError,
  };
}

function checkLabels(labels: unknown): void {
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
}

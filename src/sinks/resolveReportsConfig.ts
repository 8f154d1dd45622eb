import { ObservableInput } from 'rxjs';
import { Severity } from '../model/ConnectionEventType';
import { QualityThresholds, defaultQualityThresholds } from '../model/ConnectionQuality';
import { LifelineConfig } from '../model/LifelineConfig';
import { ConfigError } from '../model/ConfigError';
import { integer, range } from '../model/configRules';
import { Duration, parseDuration } from '../model/parseDuration';

/** When `reports` reports and what a report holds: interval, thresholds, notable events, sparkline width. */
export interface ReportsConfig {
  /** Time between reports. Defaults to `'10m'` (the seed's). */
  readonly every?: Duration;
  /** Thresholds for the quality warnings. Defaults to the source's `config`, else `defaultQualityThresholds`. */
  readonly thresholds?: QualityThresholds;
  /** How many of the period's notable events a report lists. Defaults to `5`. */
  readonly notableEvents?: number;
  /** The lowest severity that makes an event notable (1–4). Defaults to `2`. */
  readonly minSeverity?: Severity;
  /** The widest latency sparkline, in characters. Defaults to `32`. */
  readonly sparklineWidth?: number;
  /**
   * Extra report moments besides the interval, e.g. a signal handler or the end of a run. Each
   * emission takes a report of the period so far and starts a new period; the interval keeps its rhythm.
   */
  readonly trigger$?: ObservableInput<unknown>;
}

/** A `ReportsConfig` checked, with its defaults: what a report run needs. */
export interface ResolvedReportsConfig {
  /** Milliseconds between reports. */
  readonly periodMs: number;
  readonly thresholds: QualityThresholds;
  readonly notableEvents: number;
  readonly minSeverity: Severity;
  readonly sparklineWidth: number;
  /** Absent when not given: nothing to subscribe. */
  readonly trigger$?: ObservableInput<unknown>;
}

/**
 * Checks a `ReportsConfig` and applies its defaults, starting nothing: what `reports` and
 * `reportSink` run with.
 *
 * @example
 * resolveReportsConfig({ every: '1m' }).periodMs; // 60000
 *
 * @param config The reports' options.
 * @param source The source's `config`, if it has one: the default thresholds.
 * @returns The settings, every default applied.
 * @throws ConfigError naming the first bad option.
 */
export function resolveReportsConfig(
  config: ReportsConfig,
  source?: Pick<LifelineConfig, 'qualityThreshold' | 'latencyWarning' | 'errorRateWarning'>,
): ResolvedReportsConfig {
  const {
    every = '10m',
    thresholds = source ?? defaultQualityThresholds,
    notableEvents = 5,
    minSeverity = 2,
    sparklineWidth = 32,
    trigger$,
  } = config;
  const periodMs = parseDuration(every, 'every', { allowZero: false });
  integer('notableEvents', notableEvents, 0);
  integer('sparklineWidth', sparklineWidth, 1);
  if (![1, 2, 3, 4].includes(minSeverity)) throw new ConfigError('minSeverity', minSeverity, '1, 2, 3 or 4');
  range('thresholds.qualityThreshold', thresholds.qualityThreshold, 0, 100);
  return {
    periodMs,
    thresholds,
    notableEvents,
    minSeverity,
    sparklineWidth,
    ...(trigger$ !== undefined ? { trigger$ } : {}),
  };
}

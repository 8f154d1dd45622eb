import { SchedulerLike, Subscription, asyncScheduler } from 'rxjs';
import { oneOf } from '../model/configRules';
import { ConfigError } from '../model/ConfigError';
import { ConnectionReport } from './ConnectionReport';
import { ReportFormat, formatReport } from './formatReport';
import { ReportLocale, reportLocale } from './ReportLocale';
import { ReportSource, ReportsConfig, reports } from './reports';

/** `reports`' settings plus how `reportSink` writes each report: language, text or JSON, the writer. */
export interface ReportSinkConfig extends ReportsConfig {
  /** The language of text reports. Defaults to `'zh-CN'`. */
  readonly locale?: ReportLocale;
  /** `'text'` (the seed's layout) or `'json'` (one line per report). Defaults to `'text'`. */
  readonly format?: ReportFormat;
  /**
   * Where reports go: a console, a logger, a file. Gets the formatted text and the report as data.
   * Defaults to `console.log`.
   */
  readonly writer?: (text: string, report: ConnectionReport) => void;
  /**
   * Called when the writer throws (reporting goes on: a full disk must not stop a trading bot) and
   * when a source stream errors (reporting ends). Defaults to `console.error`.
   */
  readonly onError?: (error: unknown) => void;
}

/**
 * Writes a status report every `every` (10 minutes by default): `reports(source)` formatted by
 * `formatReport` and handed to `writer`. The seed's report, in zh-CN unless told otherwise.
 *
 * ```
 * every:   ------|------|------|
 * writer:  ------r------r------r     (formatted text, report data)
 * ```
 *
 * Stops when the subscription is unsubscribed or the source's `status$` completes.
 *
 * @example
 * const sink = reportSink(link, { every: '10m', locale: 'zh-CN' });
 * // after 10 minutes, on the console:
 * // 📡 连接状态报告:
 * //    连接状态: 已连接 (Connected)
 * //    …
 * sink.unsubscribe();
 *
 * @param source A `Connection`, or any object with its streams (see `ReportSource`).
 * @param config The interval, language, format and writer.
 * @param scheduler Defaults to `asyncScheduler`.
 * @returns The subscription; unsubscribe to stop reporting.
 * @throws ConfigError when an option is invalid, before anything is subscribed.
 */
export function reportSink(
  source: ReportSource,
  config: ReportSinkConfig = {},
  scheduler: SchedulerLike = asyncScheduler,
): Subscription {
  const {
    locale = 'zh-CN',
    format = 'text',
    writer = (text: string) => console.log(text),
    onError = (error: unknown) => console.error(error),
    ...reportsConfig
  } = config;
  reportLocale(locale);
  oneOf('format', format, ['text', 'json'] as const);
  if (typeof writer !== 'function') throw new ConfigError('writer', writer, 'a function (text, report) => void');
  if (typeof onError !== 'function') throw new ConfigError('onError', onError, 'a function (error) => void');
  return reports(source, reportsConfig, scheduler).subscribe({
    next: (report) => {
      try {
        writer(formatReport(report, { locale, format }), report);
      } catch (error) {
        onError(error);
      }
    },
    // A source that errors ends reporting; say so rather than let RxJS rethrow it as an uncaught exception.
    error: onError,
  });
}

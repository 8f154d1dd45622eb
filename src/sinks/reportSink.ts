import { Observer, SchedulerLike, Subscription, asyncScheduler } from 'rxjs';
import { oneOf } from '../model/configRules';
import { ConfigError } from '../model/ConfigError';
import { ConnectionReport } from './ConnectionReport';
import { ReportFormat, formatReport } from './formatReport';
import { ReportLocale, reportLocale } from './ReportLocale';
import { ReportRun, ReportSource } from './ReportRun';
import { ReportsConfig, resolveReportsConfig } from './resolveReportsConfig';

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

// Defaults made once, not per call: every link with a sink would hold its own copy.
const writeToConsole = (text: string): void => console.log(text);
const errorToConsole = (error: unknown): void => console.error(error);

/**
 * Writes a status report every `every` (10 minutes by default): `reports(source)` formatted by
 * `formatReport` and handed to `writer`. The seed's report, in zh-CN unless told otherwise.
 *
 * ```
 * every:   ------|------|------|
 * writer:  ------r------r------r     (formatted text, report data)
 * ```
 *
 * Stops when the subscription is unsubscribed or the source's `status$` completes. The subscription
 * is the report run itself (see `reports`: a `Connection` is read through `snapshot()`, with only
 * `events$` and `latency$` subscribed), with no Observable or subscriber between it and the writer.
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
    writer = writeToConsole,
    onError = errorToConsole,
    ...reportsConfig
  } = config;
  reportLocale(locale);
  oneOf('format', format, ['text', 'json'] as const);
  if (typeof writer !== 'function') throw new ConfigError('writer', writer, 'a function (text, report) => void');
  if (typeof onError !== 'function') throw new ConfigError('onError', onError, 'a function (error) => void');
  const settings = resolveReportsConfig(reportsConfig, source.config);
  // The run itself is the subscription: no Observable, subscriber or closures between it and the writer.
  return new ReportRun(source, settings, scheduler, new ReportWriter(locale, format, writer, onError));
}

/** Formats each report and hands it to the writer; a throwing writer or a failed source goes to `onError`. */
class ReportWriter implements Observer<ConnectionReport> {
  constructor(
    private readonly locale: ReportLocale,
    private readonly format: ReportFormat,
    private readonly writer: (text: string, report: ConnectionReport) => void,
    private readonly onError: (error: unknown) => void,
  ) {}

  next(report: ConnectionReport): void {
    try {
      this.writer(formatReport(report, { locale: this.locale, format: this.format }), report);
    } catch (error) {
      this.onError(error);
    }
  }

  // A source that errors ends reporting; say so rather than let it go unheard.
  error(error: unknown): void {
    this.onError(error);
  }

  complete(): void {}
}

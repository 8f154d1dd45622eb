import { format } from 'date-fns';
import { QualityWarning } from '../model/ConnectionQuality';
import { statusLabelEn, statusLabelZh } from '../model/ConnectionStatus';
import { oneOf } from '../model/configRules';
import { FeedLagReading } from '../model/FeedLagReading';
import { ConnectionReport } from './ConnectionReport';
import { ReportLocale, reportLocale } from './ReportLocale';
import { dateFnsLocale } from './dateFnsLocale';
import { compactDuration } from './compactDuration';
import { describeEvent } from './describeEvent';
import { reportJson } from './reportJson';

/** `'text'`: the seed's report for people. `'json'`: one line of JSON (see `reportJson`). */
export type ReportFormat = 'text' | 'json';

/** How `formatReport` writes a report: its language and text or JSON. */
export interface FormatReportOptions {
  /** The language of the text. Defaults to `'zh-CN'`. */
  readonly locale?: ReportLocale;
  /** Defaults to `'text'`. */
  readonly format?: ReportFormat;
}

interface Words {
  readonly title: string;
  readonly status: string;
  readonly score: string;
  readonly latency: string;
  readonly notMeasured: string;
  readonly stability: string;
  readonly errorRate: string;
  /** No sample since the last connect, while the period has some: their average, named as such. */
  readonly periodOnly: (averageMs: number) => string;
  readonly statistics: string;
  readonly connections: string;
  readonly disconnections: string;
  readonly successRate: string;
  readonly uptime: string;
  readonly downtime: string;
  readonly period: (length: string, from: string, to: string) => string;
  readonly trend: string;
  readonly samples: (n: number) => string;
  readonly noSamples: string;
  /** The feeds' lag: the heading, and one feed's figures. */
  readonly feedLag: string;
  readonly feedLagLine: (feed: FeedLagReading) => string;
  /** The period's largest event-loop lag: this process's own stalls. */
  readonly lag: (ms: number) => string;
  readonly warnings: string;
  readonly warning: Readonly<Record<QualityWarning, string>>;
  readonly events: (shown: number, total: number) => string;
  readonly noEvents: string;
  readonly separator: string;
}

const ms = (value: number): string => `${Math.round(value)}ms`;

const WORDS: Readonly<Record<ReportLocale, Words>> = {
  'zh-CN': {
    title: '📡 连接状态报告:',
    status: '连接状态',
    score: '连接质量评分',
    latency: '平均延迟',
    notMeasured: '未测量',
    periodOnly: (ms) => `本次连接尚无样本 (本周期平均 ${ms}ms)`,
    stability: '连接稳定性',
    errorRate: '错误率',
    statistics: '统计信息',
    connections: '总连接次数',
    disconnections: '总断开次数',
    successRate: '重连成功率',
    uptime: '在线时间',
    downtime: '总停机时间',
    period: (length, from, to) => `本周期 (${length}, ${from} – ${to})`,
    trend: '延迟走势',
    samples: (n) => `${n} 个样本`,
    noSamples: '无样本',
    feedLag: '行情延迟 (相对交易所时间戳)',
    feedLagLine: (f) =>
      `${f.feed}: ${ms(f.lastMs)} (平滑 ${ms(f.smoothedMs)}, p95 ${ms(f.p95Ms)}, 最大 ${ms(f.maxMs)}; 上限 ${ms(f.maxLagMs)})` +
      (f.stale ? ' 已过时' : ''),
    lag: (ms) => `事件循环延迟: 最大 ${ms}ms (本进程卡顿, 不计入链路延迟)`,
    warnings: '质量警告',
    warning: { latency: '平均延迟过高', errorRate: '错误率过高' },
    events: (shown, total) => (shown < total ? `重要事件 (${total}, 显示最近 ${shown} 条)` : `重要事件 (${total})`),
    noEvents: '重要事件: 无',
    separator: '、',
  },
  en: {
    title: '📡 Connection status report:',
    status: 'Status',
    score: 'Quality score',
    latency: 'Average latency',
    notMeasured: 'not measured',
    periodOnly: (ms) => `no sample since the last connect (period average ${ms}ms)`,
    stability: 'Stability',
    errorRate: 'Error rate',
    statistics: 'Statistics',
    connections: 'Total connections',
    disconnections: 'Total disconnections',
    successRate: 'Reconnect success rate',
    uptime: 'Uptime',
    downtime: 'Total downtime',
    period: (length, from, to) => `This period (${length}, ${from} – ${to})`,
    trend: 'Latency trend',
    samples: (n) => `${n} ${n === 1 ? 'sample' : 'samples'}`,
    noSamples: 'no samples',
    feedLag: "Feed lag (behind the exchange's timestamps)",
    feedLagLine: (f) =>
      `${f.feed}: ${ms(f.lastMs)} (smoothed ${ms(f.smoothedMs)}, p95 ${ms(f.p95Ms)}, max ${ms(f.maxMs)}; maxLag ${ms(f.maxLagMs)})` +
      (f.stale ? ' STALE' : ''),
    lag: (ms) => `Event-loop lag: max ${ms}ms (this process's own stalls, kept out of the link's latency)`,
    warnings: 'Quality warnings',
    warning: { latency: 'high average latency', errorRate: 'high error rate' },
    events: (shown, total) =>
      shown < total ? `Notable events (${total}, latest ${shown} shown)` : `Notable events (${total})`,
    noEvents: 'Notable events: none',
    separator: ', ',
  },
};

const percent = (value: number): string => `${value.toFixed(1)}%`;

/**
 * A report as text: the seed's zh-CN layout line by line (the default), its English equivalent, or
 * one line of JSON. After the seed's lines comes the period: a latency sparkline with its range, the
 * feeds' lag when some are watched for it (one line per feed, `已过时` / `STALE` when stale), the
 * period's largest event-loop lag (when the report has it), the quality warnings that hold, and the
 * latest notable events.
 *
 * ```
 * 📡 连接状态报告:
 *    连接状态: 已连接 (Connected)
 *    连接质量评分: 85.2/100
 *    平均延迟: 45ms
 *    连接稳定性: 92.1%
 *    错误率: 2.3%
 *
 *    统计信息:
 *    - 总连接次数: 15
 *    - 总断开次数: 3
 *    - 重连成功率: 100.0%
 *    - 在线时间: 98.7%
 *    - 总停机时间: 2分15秒
 *
 *    本周期 (10分, 11:50:00 – 12:00:00):
 *    - 延迟走势: ▁▁▂▃▅█▆▃ 38–212ms, 8 个样本
 *    - 行情延迟 (相对交易所时间戳):
 *      trades: 42ms (平滑 45ms, p95 88ms, 最大 120ms; 上限 1000ms)
 *    - 重要事件 (1):
 *      11:52:10 [严重] 连接断开: connection lost (connection closed: 1006 abnormal closure)
 * ```
 *
 * @example
 * console.log(formatReport(buildReport(input)));                    // the block above
 * console.log(formatReport(report, { locale: 'en' }));              // 📡 Connection status report: …
 * console.log(formatReport(report, { format: 'json' }));            // {"at":"…","status":"Connected",…}
 *
 * @throws ConfigError when `locale` or `format` is not one it knows.
 */
export function formatReport(report: ConnectionReport, options: FormatReportOptions = {}): string {
  const { locale = 'zh-CN', format: shape = 'text' } = options;
  reportLocale(locale);
  oneOf('format', shape, ['text', 'json'] as const);
  if (shape === 'json') return JSON.stringify(reportJson(report));
  const w = WORDS[locale];
  const { quality, stats, latency } = report;
  const time = (ms: number): string => format(ms, 'HH:mm:ss', { locale: dateFnsLocale(locale) });
  const status =
    locale === 'en'
      ? statusLabelEn(report.status)
      : `${statusLabelZh(report.status)} (${statusLabelEn(report.status)})`;
  const lines = [
    w.title,
    `   ${w.status}: ${status}`,
    `   ${w.score}: ${report.score.toFixed(1)}/100`,
    `   ${w.latency}: ${averageLatency(report, w)}`,
    `   ${w.stability}: ${percent(quality.connectionStability)}`,
    `   ${w.errorRate}: ${percent(quality.errorRate * 100)}`,
    '',
    `   ${w.statistics}:`,
    `   - ${w.connections}: ${stats.totalConnections}`,
    `   - ${w.disconnections}: ${stats.totalDisconnections}`,
    `   - ${w.successRate}: ${percent(stats.reconnectSuccessRate)}`,
    `   - ${w.uptime}: ${percent(stats.uptimePercentage)}`,
    `   - ${w.downtime}: ${compactDuration(stats.totalDowntimeMs, locale)}`,
    '',
    `   ${w.period(compactDuration(report.at - report.periodStart, locale), time(report.periodStart), time(report.at))}:`,
    `   - ${w.trend}: ${
      latency.samples > 0
        ? `${latency.sparkline} ${Math.round(latency.minMs ?? 0)}–${Math.round(latency.maxMs ?? 0)}ms, ${w.samples(latency.samples)}`
        : w.noSamples
    }`,
  ];
  if (report.feedLag !== undefined && report.feedLag.length > 0) {
    lines.push(`   - ${w.feedLag}:`);
    for (const feed of report.feedLag) lines.push(`     ${w.feedLagLine(feed)}`);
  }
  if (report.maxLagMs !== undefined) lines.push(`   - ${w.lag(Math.round(report.maxLagMs))}`);
  if (report.warnings.length > 0) {
    lines.push(`   - ${w.warnings}: ${report.warnings.map((warning) => w.warning[warning]).join(w.separator)}`);
  }
  if (report.notableEventCount === 0) lines.push(`   - ${w.noEvents}`);
  else {
    lines.push(`   - ${w.events(report.notableEvents.length, report.notableEventCount)}:`);
    for (const event of report.notableEvents) lines.push(`     ${describeEvent(event, locale)}`);
  }
  return lines.join('\n');
}

// The quality figures start afresh on every socket; the period's samples may predate it. "Not measured"
// next to a sparkline of samples would contradict itself.
function averageLatency({ quality, latency }: ConnectionReport, w: Words): string {
  if (quality.latencySamples > 0) return `${Math.round(quality.averageLatencyMs)}ms`;
  if (latency.samples > 0 && latency.averageMs !== undefined) return w.periodOnly(Math.round(latency.averageMs));
  return w.notMeasured;
}

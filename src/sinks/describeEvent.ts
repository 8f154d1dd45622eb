import { format } from 'date-fns';
import { ConnectionEvent } from '../model/ConnectionEvent';
import { ConnectionEventType, eventLabelZh } from '../model/ConnectionEventType';
import { ReportLocale } from './ReportLocale';
import { dateFnsLocale } from './dateFnsLocale';
import { redactText } from './redactText';
import { severityLabel } from './severityLabel';

/**
 * One event as a line of text for people: local time, severity, type, description, and the error
 * and latency when known. A quality event carries the average latency whatever its warnings; it is
 * shown only when latency is what the event is about (a latency warning, or a forecast), so
 * `warnings: errorRate` never reads as an error rate of some milliseconds. Secrets in the
 * description and the error are redacted.
 *
 * @example
 * describeEvent(event, 'zh-CN'); // '11:52:10 [严重] 连接断开: connection lost (connection closed: 1006 abnormal closure)'
 * describeEvent(event, 'en');    // '11:52:10 [critical] Disconnected: connection lost (connection closed: 1006 abnormal closure)'
 * describeEvent(event, 'en', { time: false }); // '[critical] Disconnected: connection lost (…)'
 */
export function describeEvent(
  event: ConnectionEvent,
  locale: ReportLocale = 'zh-CN',
  { time: withTime = true }: { readonly time?: boolean } = {},
): string {
  const time = withTime ? `${format(event.timestamp, 'HH:mm:ss', { locale: dateFnsLocale(locale) })} ` : '';
  const type = locale === 'en' ? event.type : eventLabelZh(event.type);
  const details = [
    event.errorMessage !== undefined ? redactText(event.errorMessage) : undefined,
    event.latencyMs !== undefined && latencyIsTheSubject(event) ? `${Math.round(event.latencyMs)}ms` : undefined,
  ].filter((detail) => detail !== undefined);
  return (
    `${time}[${severityLabel(event.severity, locale)}] ${type}: ${redactText(event.description)}` +
    (details.length > 0 ? ` (${details.join(', ')})` : '')
  );
}

const QUALITY_EVENTS: ReadonlySet<string> = new Set([
  ConnectionEventType.QualityDegraded,
  ConnectionEventType.QualityImproved,
]);

function latencyIsTheSubject(event: ConnectionEvent): boolean {
  if (!QUALITY_EVENTS.has(event.type) || event.predicted === true) return true;
  const warnings = /warnings: ([^()]*)/.exec(event.description)?.[1] ?? '';
  return warnings.split(',').some((warning) => warning.trim() === 'latency');
}

import { Severity } from '../model/ConnectionEventType';
import { ReportLocale } from './ReportLocale';

const LABELS: Readonly<Record<ReportLocale, Readonly<Record<Severity, string>>>> = {
  'zh-CN': { 1: '信息', 2: '提示', 3: '警告', 4: '严重' },
  en: { 1: 'info', 2: 'notice', 3: 'warning', 4: 'critical' },
};

/**
 * The word for an event severity: 1 info · 2 notice · 3 warning · 4 critical (`信息`, `提示`, `警告`, `严重`).
 *
 * @example
 * severityLabel(4, 'en'); // 'critical'
 */
export function severityLabel(severity: Severity, locale: ReportLocale = 'zh-CN'): string {
  return LABELS[locale][severity];
}

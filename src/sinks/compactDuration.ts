import { Duration as DateFnsDuration, formatDuration, intervalToDuration } from 'date-fns';
import type { Locale } from 'date-fns';
import { ReportLocale } from './ReportLocale';
import { dateFnsLocale } from './dateFnsLocale';

type Token = 'xSeconds' | 'xMinutes' | 'xHours' | 'xDays' | 'xWeeks' | 'xMonths' | 'xYears';

const UNITS: Readonly<Record<ReportLocale, Readonly<Record<Token, string>>>> = {
  'zh-CN': { xSeconds: '秒', xMinutes: '分', xHours: '小时', xDays: '天', xWeeks: '周', xMonths: '个月', xYears: '年' },
  en: { xSeconds: 's', xMinutes: 'm', xHours: 'h', xDays: 'd', xWeeks: 'w', xMonths: 'mo', xYears: 'y' },
};
const DELIMITER: Readonly<Record<ReportLocale, string>> = { 'zh-CN': '', en: ' ' };
const UNDER_A_SECOND: Readonly<Record<ReportLocale, string>> = { 'zh-CN': '毫秒', en: 'ms' };

// date-fns' own zh-CN wording is "2 分钟 15 秒" and en is "2 minutes 15 seconds": right for prose, too
// wide for a report line, and not the seed's "2分15秒". So the date-fns locale is kept (it is the
// date-fns locale object formatDuration expects) with only its unit wording made compact.
const compactLocales: Readonly<Record<ReportLocale, Locale>> = {
  'zh-CN': compact('zh-CN'),
  en: compact('en'),
};

function compact(locale: ReportLocale): Locale {
  const units = UNITS[locale];
  return {
    ...dateFnsLocale(locale),
    formatDistance: (token: string, count: number) => `${count}${units[token as Token] ?? token}`,
  };
}

/**
 * A duration in the compact form of the seed's report: `2分15秒` in zh-CN, `2m 15s` in en. Built on
 * date-fns: `intervalToDuration` splits it and `formatDuration` joins it with compact unit words
 * (date-fns alone prints `2 分钟 15 秒`). Zero units are left out; under a second it is shown in
 * milliseconds (`450毫秒`, `450ms`) because a sub-second outage still matters to a trading bot;
 * from a second up it is rounded to the nearest second.
 *
 * @example
 * compactDuration(135_000);        // '2分15秒'
 * compactDuration(135_000, 'en');  // '2m 15s'
 * compactDuration(3_605_000);      // '1小时5秒'
 *
 * @param ms Milliseconds; negative counts as 0, `Infinity` prints `∞`.
 * @param locale Defaults to `'zh-CN'`.
 */
export function compactDuration(ms: number, locale: ReportLocale = 'zh-CN'): string {
  if (Number.isNaN(ms)) return '—';
  if (ms === Infinity) return '∞';
  const total = Math.max(0, Math.round(ms));
  if (total < 1000) return `${total}${UNDER_A_SECOND[locale]}`;
  // To the nearest second: intervalToDuration truncates, and 4999 ms is not "4s".
  const parts: DateFnsDuration = intervalToDuration({ start: 0, end: Math.round(total / 1000) * 1000 });
  return formatDuration(parts, { locale: compactLocales[locale], delimiter: DELIMITER[locale] });
}

import type { Locale } from 'date-fns';
import { enUS, zhCN } from 'date-fns/locale';
import { ReportLocale } from './ReportLocale';

/**
 * The date-fns locale behind a report locale. Internal: kept out of the package's public API so that
 * its declarations never import date-fns' types (which fail a consumer's `module: node16` check
 * without `skipLibCheck`).
 *
 * @example
 * format(at, 'HH:mm:ss', { locale: dateFnsLocale('en') });
 *
 * @param locale The report locale.
 * @returns `enUS` for `'en'`, `zhCN` for `'zh-CN'`.
 */
export function dateFnsLocale(locale: ReportLocale): Locale {
  return locale === 'en' ? enUS : zhCN;
}

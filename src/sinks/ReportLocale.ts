import { oneOf } from '../model/configRules';

/** The languages reports and the CLI speak: `'zh-CN'` (the seed's, and the default) or `'en'`. */
export type ReportLocale = 'zh-CN' | 'en';

/** Every report locale, the default first. */
export const reportLocales: readonly ReportLocale[] = ['zh-CN', 'en'];

/** Checks a locale option, throwing a `ConfigError` naming `field` when it is not one of `reportLocales`. */
export function reportLocale(value: unknown, field = 'locale'): ReportLocale {
  return oneOf(field, value, reportLocales);
}

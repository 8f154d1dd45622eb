// Pins formatReport's options: a locale of the two, a format of the two.
import { expectTypeOf } from 'expect-type';
import { ConnectionReport, FormatReportOptions, formatReport } from '../../src/index';

declare const report: ConnectionReport;

export function cases(): void {
  expectTypeOf(formatReport(report)).toEqualTypeOf<string>();
  formatReport(report, { locale: 'en', format: 'json' });
  formatReport(report, { locale: 'zh-CN', format: 'text' });
  // @ts-expect-error the report locales are zh-CN and en
  formatReport(report, { locale: 'fr' });
  // @ts-expect-error the formats are text and json
  formatReport(report, { format: 'html' });
  // @ts-expect-error not an option
  formatReport(report, { colour: true });
  expectTypeOf<FormatReportOptions>().toEqualTypeOf<{
    readonly locale?: 'zh-CN' | 'en';
    readonly format?: 'text' | 'json';
  }>();
}

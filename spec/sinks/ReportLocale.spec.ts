import { ConfigError } from '../../src/index';
import { reportLocale, reportLocales } from '../../src/sinks/ReportLocale';

describe('ReportLocale', () => {
  it('should know zh-CN (first, the default) and en', () => {
    expect(reportLocales).toEqual(['zh-CN', 'en']);
  });

  it('should reject another locale with a ConfigError naming the field and the allowed values', () => {
    expect(reportLocale('en')).toBe('en');
    expect(() => reportLocale('zh')).toThrow(ConfigError);
    expect(() => reportLocale('zh', 'language')).toThrow('Invalid language: "zh" (allowed: "zh-CN" or "en")');
  });
});

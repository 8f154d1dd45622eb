import { enUS, zhCN } from 'date-fns/locale';
import { dateFnsLocale } from '../../src/sinks/dateFnsLocale';

describe('dateFnsLocale', () => {
  it('should map each report locale to its date-fns locale', () => {
    expect(dateFnsLocale('zh-CN')).toBe(zhCN);
    expect(dateFnsLocale('en')).toBe(enUS);
  });
});

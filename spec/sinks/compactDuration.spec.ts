import { formatDuration, intervalToDuration } from 'date-fns';
import { enUS, zhCN } from 'date-fns/locale';
import { compactDuration } from '../../src/sinks/compactDuration';

describe('compactDuration', () => {
  it.each([
    [135_000, '2分15秒', '2m 15s'],
    [600_000, '10分', '10m'],
    [3_605_000, '1小时5秒', '1h 5s'],
    [90_061_000, '1天1小时1分1秒', '1d 1h 1m 1s'],
    [1000, '1秒', '1s'],
    [135_499, '2分15秒', '2m 15s'],
    [135_500, '2分16秒', '2m 16s'],
    [4999, '5秒', '5s'],
  ])('should print %p ms as %p in zh-CN and %p in en', (ms, zh, en) => {
    expect(compactDuration(ms)).toBe(zh);
    expect(compactDuration(ms, 'zh-CN')).toBe(zh);
    expect(compactDuration(ms, 'en')).toBe(en);
  });

  it("should be more compact than date-fns' own wording (the README's reason for it)", () => {
    const duration = intervalToDuration({ start: 0, end: 135_000 });
    expect(formatDuration(duration, { locale: zhCN })).toBe('2 分钟 15 秒');
    expect(formatDuration(duration, { locale: enUS })).toBe('2 minutes 15 seconds');
    expect(compactDuration(135_000)).toBe('2分15秒');
  });

  it('should print under a second in milliseconds', () => {
    expect(compactDuration(0)).toBe('0毫秒');
    expect(compactDuration(450, 'en')).toBe('450ms');
  });

  it('should count a negative duration as 0 and print Infinity and NaN without throwing', () => {
    expect(compactDuration(-5, 'en')).toBe('0ms');
    expect(compactDuration(Infinity)).toBe('∞');
    expect(compactDuration(Number.NaN)).toBe('—');
  });
});

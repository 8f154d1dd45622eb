import { sparkline, sparklineBuckets } from '../../src/sinks/sparkline';

describe('sparkline', () => {
  it('should draw the lowest value ▁ and the highest █', () => {
    expect(sparkline([12, 15, 14, 40, 180, 95, 30, 20])).toBe('▁▁▁▂█▄▂▁');
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7])).toBe('▁▂▃▄▅▆▇█');
  });

  it('should draw a flat series as ▁ and an empty one as nothing', () => {
    expect(sparkline([5, 5, 5])).toBe('▁▁▁');
    expect(sparkline([])).toBe('');
  });

  it('should skip non-finite values', () => {
    expect(sparkline([1, Number.NaN, Infinity, 2])).toBe('▁█');
  });

  it('should bucket a long series to the width, keeping each bucket’s spike', () => {
    const series = Array.from({ length: 100 }, (_, i) => (i === 57 ? 900 : 10));
    expect(sparkline(series, 10)).toHaveLength(10);
    expect(sparkline(series, 10)).toBe('▁▁▁▁▁█▁▁▁▁');
    expect(sparklineBuckets(series, 10)).toHaveLength(10);
  });
});

import { severityLabel } from '../../src/sinks/severityLabel';

describe('severityLabel', () => {
  it('should name the four severities in zh-CN by default and in en', () => {
    expect([1, 2, 3, 4].map((s) => severityLabel(s as 1 | 2 | 3 | 4))).toEqual(['信息', '提示', '警告', '严重']);
    expect([1, 2, 3, 4].map((s) => severityLabel(s as 1 | 2 | 3 | 4, 'en'))).toEqual([
      'info',
      'notice',
      'warning',
      'critical',
    ]);
  });
});

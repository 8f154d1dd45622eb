import { describeGate, gateReasonText } from '../../src/sinks/describeGate';

describe('describeGate', () => {
  it('should say open or closed and why, in zh-CN by default or en', () => {
    expect(describeGate({ open: true, reason: 'healthy' })).toBe('开启: 连接正常且质量良好');
    expect(describeGate({ open: false, reason: 'Failed' }, 'en')).toBe('CLOSED: the link has Failed');
    expect(describeGate({ open: false, reason: 'settling' }, 'en')).toBe(
      'CLOSED: the link is back; waiting out the settle time',
    );
  });

  it('should have words for every reason in both languages', () => {
    const reasons = [
      'healthy',
      'settling',
      'quality',
      'Connecting',
      'Disconnected',
      'Reconnecting',
      'Unstable',
      'Failed',
      'closed',
      'unknown',
    ] as const;
    for (const reason of reasons) {
      expect(gateReasonText(reason, 'en')).toMatch(/\w/);
      expect(gateReasonText(reason, 'zh-CN')).not.toHaveLength(0);
    }
  });
});

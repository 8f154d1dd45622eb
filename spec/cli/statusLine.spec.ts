import { initialConnectionState } from '../../src/model/ConnectionState';
import { initialQuality } from '../../src/model/ConnectionQuality';
import { statusLine } from '../../src/cli/statusLine';

describe('statusLine', () => {
  const quality = { ...initialQuality, averageLatencyMs: 42.4, latencySamples: 3 };

  it('should show status, score, latency and the gate, and no attempt while Connected', () => {
    const state = { ...initialConnectionState(0, 5), status: 'Connected' as const };
    expect(
      statusLine({ state, quality, gate: { open: true, reason: 'healthy', since: 0 }, now: 0, locale: 'en' }),
    ).toBe('● Connected │ score 100.0 │ latency 42ms │ gate open');
  });

  it('should drop the attempt counter once a reconnect has succeeded', () => {
    const reconnecting = { ...initialConnectionState(0, 5), status: 'Reconnecting' as const, attempt: 3 };
    const reconnected = { ...reconnecting, status: 'Connected' as const };
    expect(statusLine({ state: reconnecting, quality, now: 0, locale: 'en' })).toContain('attempt 3/5');
    expect(statusLine({ state: reconnected, quality, now: 0, locale: 'en' })).not.toContain('attempt');
    expect(statusLine({ state: { ...reconnected, status: 'Unstable' }, quality, now: 0, locale: 'en' })).not.toContain(
      'attempt',
    );
  });

  it('should count down to the next retry and say why the gate is closed, in zh-CN by default', () => {
    const state = { ...initialConnectionState(0, 5), status: 'Reconnecting' as const, attempt: 2, nextRetryAt: 5000 };
    expect(
      statusLine({
        state,
        quality: initialQuality,
        gate: { open: false, reason: 'Reconnecting', since: 0 },
        now: 1800,
      }),
      // Was 评分 100.0: an unmeasured link's latency part scores 0 (issue 11 item 12), hence 70 beside 延迟 —.
    ).toBe('◌ 重连中 (Reconnecting) │ 评分 70.0 │ 延迟 — │ 尝试 2/5 │ 下次重试 3秒 │ 交易 关闭 (Reconnecting)');
  });

  it('should show an unlimited budget as ∞', () => {
    const state = { ...initialConnectionState(0, Infinity), status: 'Failed' as const };
    expect(statusLine({ state, quality, now: 0, locale: 'en' })).toBe(
      '✖ Failed │ score 100.0 │ latency 42ms │ attempt 0/∞',
    );
  });
});

import { ConfigError } from '../../src/index';
import { buildReport } from '../../src/sinks/ConnectionReport';
import { formatReport } from '../../src/sinks/formatReport';
import { SEED_AT, at, attempt, disconnected, inUtc, reconnected, seedQuality, seedStats } from './fixtures';

const seedInput = {
  at: SEED_AT,
  periodStart: SEED_AT - 600_000,
  status: 'Connected',
  quality: seedQuality,
  stats: seedStats,
  latencies: [38, 41, 45, 60, 95, 212, 120, 70],
  events: [disconnected, attempt, reconnected],
} as const;
const seedReport = buildReport(seedInput);

describe('formatReport', () => {
  inUtc();

  describe('in zh-CN (the default)', () => {
    it("should print the seed's report line by line, then the period", () => {
      expect(formatReport(seedReport).split('\n')).toEqual([
        '📡 连接状态报告:',
        '   连接状态: 已连接 (Connected)',
        '   连接质量评分: 85.2/100',
        '   平均延迟: 45ms',
        '   连接稳定性: 92.1%',
        '   错误率: 2.3%',
        '',
        '   统计信息:',
        '   - 总连接次数: 15',
        '   - 总断开次数: 3',
        '   - 重连成功率: 100.0%',
        '   - 在线时间: 98.7%',
        '   - 总停机时间: 2分15秒',
        '',
        '   本周期 (10分, 11:50:00 – 12:00:00):',
        '   - 延迟走势: ▁▁▁▂▃█▄▂ 38–212ms, 8 个样本',
        '   - 重要事件 (2):',
        '     11:52:10 [严重] 连接断开: connection lost (connection closed: 1006 abnormal closure)',
        '     11:52:12 [提示] 重连尝试: reconnect attempt 1/5',
      ]);
    });

    it('should say when latency was not measured and the period had no samples or events', () => {
      const lines = formatReport(
        buildReport({
          at: SEED_AT,
          periodStart: SEED_AT - 600_000,
          status: 'Reconnecting',
          quality: { ...seedQuality, latencySamples: 0 },
          stats: seedStats,
          latencies: [],
          events: [],
        }),
      ).split('\n');
      expect(lines[1]).toBe('   连接状态: 重连中 (Reconnecting)');
      expect(lines[3]).toBe('   平均延迟: 未测量');
      expect(lines.slice(14)).toEqual([
        '   本周期 (10分, 11:50:00 – 12:00:00):',
        '   - 延迟走势: 无样本',
        '   - 重要事件: 无',
      ]);
    });

    it('should not say "not measured" next to a sparkline: with period samples only, it gives their average', () => {
      // Reconnected just before the report: the new socket has no round trip yet, the period has 18.
      const latencies = [4, 5, 4, 6, 5, 4, 5, 5, 4, 6, 5, 4, 5, 4, 5, 6, 4, 5];
      const report = buildReport({
        at: SEED_AT,
        periodStart: SEED_AT - 600_000,
        status: 'Connected',
        quality: { ...seedQuality, latencySamples: 0 },
        stats: seedStats,
        latencies,
        events: [],
      });
      const zh = formatReport(report).split('\n');
      expect(zh[3]).toBe('   平均延迟: 本次连接尚无样本 (本周期平均 5ms)');
      expect(zh[15]).toMatch(/18 个样本$/);
      expect(formatReport(report, { locale: 'en' }).split('\n')[3]).toBe(
        '   Average latency: no sample since the last connect (period average 5ms)',
      );
    });

    it("should give the period's largest event-loop lag after the latency trend, when the report has it", () => {
      const lines = formatReport(buildReport({ ...seedInput, maxLagMs: 1402.4 })).split('\n');
      expect(lines.slice(15, 18)).toEqual([
        '   - 延迟走势: ▁▁▁▂▃█▄▂ 38–212ms, 8 个样本',
        '   - 事件循环延迟: 最大 1402ms (本进程卡顿, 不计入链路延迟)',
        '   - 重要事件 (2):',
      ]);
      expect(formatReport(buildReport({ ...seedInput, maxLagMs: 0 }), { locale: 'en' })).toContain(
        "   - Event-loop lag: max 0ms (this process's own stalls, kept out of the link's latency)\n",
      );
      expect(formatReport(seedReport)).not.toContain('事件循环');
    });

    it('should list the quality warnings that hold', () => {
      const report = buildReport({
        at: SEED_AT,
        periodStart: SEED_AT - 600_000,
        status: 'Unstable',
        quality: { ...seedQuality, averageLatencyMs: 1500, errorRate: 0.2 },
        stats: seedStats,
        latencies: [1500],
        events: [],
      });
      expect(formatReport(report).split('\n')).toContain('   - 质量警告: 平均延迟过高、错误率过高');
    });

    it('should say how many notable events there were when it lists only the latest', () => {
      const events = Array.from({ length: 7 }, (_, i) => ({ ...attempt, timestamp: at(11, 55, i) }));
      const lines = formatReport(
        buildReport({
          at: SEED_AT,
          periodStart: SEED_AT - 600_000,
          status: 'Connected',
          quality: seedQuality,
          stats: seedStats,
          latencies: [],
          events,
        }),
      ).split('\n');
      expect(lines).toContain('   - 重要事件 (7, 显示最近 5 条):');
      expect(lines.filter((line) => line.startsWith('     11:55:'))).toHaveLength(5);
    });
  });

  describe('in en', () => {
    it('should print the English layout line by line', () => {
      expect(formatReport(seedReport, { locale: 'en' }).split('\n')).toEqual([
        '📡 Connection status report:',
        '   Status: Connected',
        '   Quality score: 85.2/100',
        '   Average latency: 45ms',
        '   Stability: 92.1%',
        '   Error rate: 2.3%',
        '',
        '   Statistics:',
        '   - Total connections: 15',
        '   - Total disconnections: 3',
        '   - Reconnect success rate: 100.0%',
        '   - Uptime: 98.7%',
        '   - Total downtime: 2m 15s',
        '',
        '   This period (10m, 11:50:00 – 12:00:00):',
        '   - Latency trend: ▁▁▁▂▃█▄▂ 38–212ms, 8 samples',
        '   - Notable events (2):',
        '     11:52:10 [critical] Disconnected: connection lost (connection closed: 1006 abnormal closure)',
        '     11:52:12 [notice] ReconnectAttempt: reconnect attempt 1/5',
      ]);
    });
  });

  describe('with feeds watched for lag', () => {
    const lagReport = buildReport({
      at: SEED_AT,
      periodStart: SEED_AT - 600_000,
      status: 'Connected',
      quality: seedQuality,
      stats: seedStats,
      latencies: [],
      events: [],
      feedLag: [
        {
          feed: 'trades',
          lastMs: 42,
          smoothedMs: 45.3,
          maxMs: 120,
          p95Ms: 88,
          recent: 64,
          stale: false,
          maxLagMs: 1000,
          samples: 1200,
          invalid: 0,
        },
        {
          feed: 'book',
          lastMs: 2612.4,
          smoothedMs: 2480,
          maxMs: 3104,
          p95Ms: 2950,
          recent: 64,
          stale: true,
          maxLagMs: 1000,
          samples: 900,
          invalid: 2,
        },
      ],
    });

    it('should print a line per feed after the latency trend, marking a stale one (zh-CN)', () => {
      const lines = formatReport(lagReport).split('\n');
      expect(lines.slice(15, 19)).toEqual([
        '   - 延迟走势: 无样本',
        '   - 行情延迟 (相对交易所时间戳):',
        '     trades: 42ms (平滑 45ms, p95 88ms, 最大 120ms; 上限 1000ms)',
        '     book: 2612ms (平滑 2480ms, p95 2950ms, 最大 3104ms; 上限 1000ms) 已过时',
      ]);
    });

    it('should print the same lines in en', () => {
      const lines = formatReport(lagReport, { locale: 'en' }).split('\n');
      expect(lines.slice(16, 19)).toEqual([
        "   - Feed lag (behind the exchange's timestamps):",
        '     trades: 42ms (smoothed 45ms, p95 88ms, max 120ms; maxLag 1000ms)',
        '     book: 2612ms (smoothed 2480ms, p95 2950ms, max 3104ms; maxLag 1000ms) STALE',
      ]);
    });

    it('should carry the readings in the JSON line, and print nothing about lag when no feed is watched', () => {
      expect(JSON.parse(formatReport(lagReport, { format: 'json' })).feedLag).toEqual(lagReport.feedLag);
      expect(seedReport.feedLag).toBeUndefined();
      expect(formatReport(seedReport)).not.toContain('行情延迟');
    });
  });

  describe('as JSON', () => {
    it('should print one line of JSON with ISO 8601 timestamps', () => {
      const text = formatReport(seedReport, { format: 'json' });
      expect(text).not.toContain('\n');
      const data = JSON.parse(text);
      expect(data).toMatchObject({
        at: '1970-01-01T12:00:00.000Z',
        periodStart: '1970-01-01T11:50:00.000Z',
        periodMs: 600_000,
        status: 'Connected',
        stats: {
          totalConnections: 15,
          totalDisconnections: 3,
          reconnectSuccessRate: 100,
          totalDowntimeMs: 135_000,
          lastDisconnectTime: '1970-01-01T11:50:00.000Z',
        },
        latency: { samples: 8, minMs: 38, maxMs: 212, sparkline: '▁▁▁▂▃█▄▂' },
        notableEventCount: 2,
      });
      expect(data.score).toBeCloseTo(85.2, 6);
      expect(data.notableEvents[0]).toMatchObject({ type: 'Disconnected', timestamp: '1970-01-01T11:52:10.000Z' });
    });
  });

  it('should reject an unknown locale or format with a ConfigError naming it', () => {
    expect(() => formatReport(seedReport, { locale: 'fr' as never })).toThrow(ConfigError);
    expect(() => formatReport(seedReport, { locale: 'fr' as never })).toThrow(/locale.*"fr".*"zh-CN" or "en"/);
    expect(() => formatReport(seedReport, { format: 'xml' as never })).toThrow(/format.*"xml"/);
  });

  it('should never print a secret found in an event', () => {
    const leaky = { ...disconnected, errorMessage: 'upgrade to wss://x.io/ws?apikey=s3cr3t failed' };
    const text = formatReport(
      buildReport({
        at: SEED_AT,
        periodStart: SEED_AT - 600_000,
        status: 'Connected',
        quality: seedQuality,
        stats: seedStats,
        latencies: [],
        events: [leaky],
      }),
    );
    expect(text).toContain('wss://x.io/ws?apikey=***');
    expect(text).not.toContain('s3cr3t');
  });
});

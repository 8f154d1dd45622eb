import { assertBuilt, reapCliRuns, runCli } from './runCli';

describe('lifeline demo (the built binary)', () => {
  beforeAll(assertBuilt);
  afterEach(reapCliRuns);

  it('should play the whole fault story at 5× speed, print at least two reports and exit 0 by itself', async () => {
    const run = runCli(['demo', '--speed', '5']);
    expect(await run.exited).toBe(0);
    const out = run.stdout.join('\n');
    expect(out).toMatch(/^lifeline demo — a mock exchange on ws:\/\/127\.0\.0\.1:\d+\/ws/);
    for (const fault of [
      'fault 1/4 — dropped connection',
      'fault 2/4 — stall (half-open)',
      'fault 3/4 — latency spike',
      'fault 4/4 — outage longer than the retry budget',
    ]) {
      expect(out).toContain(fault);
    }
    // The story: the drop and the stall are noticed, the outage exhausts the retries, the link recovers.
    expect(out).toContain('连接断开: connection lost (connection closed: 1006 abnormal closure)');
    expect(out).toContain('心跳超时');
    expect(out).toMatch(/status {3}连接失败 \(Failed\)/);
    expect(out).toContain('upgrade refused: HTTP 503');
    expect(out.lastIndexOf('status   已连接 (Connected)')).toBeGreaterThan(out.indexOf('status   连接失败 (Failed)'));
    // The gate and the strategy.
    expect(out).toContain('关闭: 连接失败');
    expect(out).toContain('trading paused');
    expect(out).toContain('trading resumed after');
    expect(out).toMatch(/order {4}#\d+ (buy|sell) 0.01 @ [\d.]+ → sent/);
    expect(out).toMatch(/order {4}#\d+ (buy|sell) 0.01 @ [\d.]+ → rejected by the gate \(Failed\), not sent/);
    expect(run.stdout.filter((line) => line === '📡 连接状态报告:').length).toBeGreaterThanOrEqual(2);
    expect(out).toContain('── summary ──');
    expect(out).toMatch(/reports: [23]\n/);
    expect(out).toMatch(/done in \d+s; exit 0$/);
    // "about a minute" at speed 1: the story is not cut short at 5×.
    expect(Number(/done in (\d+)s/.exec(out)?.[1]) * 5).toBeGreaterThanOrEqual(60);
    expect(run.stderr.join('')).toBe('');
  }, 45_000);

  it('should speak English with --locale en', async () => {
    const run = runCli(['demo', '--speed', '12', '--locale', 'en']);
    expect(await run.exited).toBe(0);
    expect(run.stdout).toContain('📡 Connection status report:');
    expect(run.stdout.join('\n')).toContain('CLOSED: the link has Failed');
  }, 30_000);

  it('should take the speed from LIFELINE_DEMO_SPEED, and reject a bad one with exit 2', async () => {
    const bad = runCli(['demo'], { LIFELINE_DEMO_SPEED: 'warp' });
    expect(await bad.exited).toBe(2);
    expect(bad.stderr.join('\n')).toContain('invalid --speed: "warp" (allowed: a number from 0.1 to 100, e.g. 2)');
    const zero = runCli(['demo', '--speed', '0']);
    expect(await zero.exited).toBe(2);
    expect(zero.stdout.join('')).toBe('');
  });
});

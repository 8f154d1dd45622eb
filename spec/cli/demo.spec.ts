import { assertBuilt, reapCliRuns, runCli } from './runCli';

/** Where `text` first appears after position `from`, or -1. */
function after(out: string, from: number, text: string | RegExp): number {
  if (typeof text === 'string') return out.indexOf(text, from);
  const match = new RegExp(text.source, 'g');
  match.lastIndex = from;
  return match.exec(out)?.index ?? -1;
}

describe('lifeline demo (the built binary)', () => {
  beforeAll(assertBuilt);
  afterEach(reapCliRuns);

  it('should play the whole fault story at 5× speed, print at least two reports and exit 0 by itself', async () => {
    const run = runCli(['demo', '--speed', '5']);
    expect(await run.exited).toBe(0);
    const out = run.stdout.join('\n');
    expect(out).toMatch(/^lifeline demo — a mock exchange on ws:\/\/127\.0\.0\.1:\d+\/ws/);
    for (const fault of [
      'fault 1/5 — dropped connection',
      'fault 2/5 — stall (half-open)',
      'fault 3/5 — latency spike',
      'fault 4/5 — the exchange tells every socket to reconnect now',
      'fault 5/5 — outage longer than the retry budget',
    ]) {
      expect(out).toContain(fault);
    }
    // The story: the drop and the stall are noticed, the notice obeyed, the outage exhausts the retries, the link recovers.
    expect(out).toContain('连接断开: connection lost (connection closed: 1006 abnormal closure)');
    expect(out).toContain('心跳超时');
    expect(out).toContain('connection lost (the exchange asked for a reconnect: server upgrade)');
    expect(out).toMatch(/status {3}连接失败 \(Failed\)/);
    expect(out).toContain('upgrade refused: HTTP 503');
    expect(out.lastIndexOf('status   已连接 (Connected)')).toBeGreaterThan(out.indexOf('status   连接失败 (Failed)'));
    // The greeting is a frame, not a message: never a decode error.
    expect(out).not.toContain('malformed');
    // Every socket the exchange opened was set up with a freshly signed login, and nothing was refused.
    const opened = out.match(/exchange connection #\d+ open; greeted it/g) ?? [];
    const logins = out.match(/exchange connection #\d+: login accepted, signed \d+ ms before it arrived/g) ?? [];
    expect(opened.length).toBeGreaterThanOrEqual(5);
    expect(logins.length).toBe(opened.length);
    expect(out).not.toMatch(/login refused|subscription to \w+ refused|over the limit/);
    // After the drop: the fresh login, the acknowledged resubscription, the resync hook, ready, the gate reopening — in order.
    let at = out.indexOf('fault 1/5');
    for (const step of [
      /connection #\d+: login accepted/,
      /connection #\d+: subscription to ticks acknowledged/,
      /connection #\d+: subscription to orders acknowledged/,
      "session  resync hook: the account's orders read back",
      '会话就绪: ready',
      'gate     开启',
      'trading resumed after',
    ]) {
      const next = after(out, at, step);
      // Named, so a failure says which step is missing.
      expect({ step: String(step), found: next > at }).toEqual({ step: String(step), found: true });
      at = next;
    }
    expect(at).toBeLessThan(out.indexOf('fault 2/5'));
    // The dead man's switch lapses during the outage; the resync after it reads the account back.
    expect(out.indexOf("dead man's switch lapsed")).toBeGreaterThan(out.indexOf('fault 5/5'));
    // The gate and the strategy: orders are requests, answered by the exchange.
    expect(out).toContain('关闭: 连接失败');
    expect(out).toContain('trading paused');
    expect(out).toMatch(/order {4}#\d+ (buy|sell) 0.01 @ [\d.]+ → placed: order \d+, (resting|filled at once)/);
    expect(out).toMatch(/order {4}#4 sell 0 @ [\d.]+ → refused by the exchange \(badOrder\)/);
    expect(out).toMatch(/order {4}#\d+ (buy|sell) 0.01 @ [\d.]+ → rejected by the gate \(Failed\), not sent/);
    // Reports, each with the sessions set up in its period.
    expect(run.stdout.filter((line) => line === '📡 连接状态报告:').length).toBeGreaterThanOrEqual(2);
    expect(out).toMatch(
      /本周期会话建立:\n {3}- #1 login ✓ at 00:00\.\d \(signed \d+ ms before\) → ticks ✓ orders ✓ → resync: /,
    );
    // The summary: the session story and the exchange's rules kept.
    expect(out).toContain('── summary ──');
    expect(out).toMatch(/each set up with a freshly signed login \((\d+) accepted, 0 refused\)/);
    expect(out).toMatch(
      /messages: at most \d+ from one connection in any 200ms \(the exchange's limit 20\); never over it/,
    );
    expect(out).toContain('requests that reached the exchange past their deadline: 0;');
    expect(out).toMatch(/reports: [23]\n/);
    expect(out).toMatch(/done in \d+s; exit 0$/);
    // "about a minute" at speed 1: the story is not cut short at 5×.
    expect(Number(/done in (\d+)s; exit 0$/.exec(out)?.[1]) * 5).toBeGreaterThanOrEqual(60);
    expect(run.stderr.join('')).toBe('');
  }, 45_000);

  it('should speak English with --locale en', async () => {
    const run = runCli(['demo', '--speed', '12', '--locale', 'en']);
    expect(await run.exited).toBe(0);
    expect(run.stdout).toContain('📡 Connection status report:');
    const out = run.stdout.join('\n');
    expect(out).toContain('CLOSED: the link has Failed');
    expect(out).toContain('   Sessions set up this period:');
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

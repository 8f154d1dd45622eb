import { ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CountingServer, mostInAnyWindow, startCountingServer } from '../support/countingServer';
import { RedisServer, startRedisServer } from '../support/redisServer';
import { waitFor } from '../support/testServer';

// Several OS processes share one Redis budget and send one message per granted take to a counting
// server on 127.0.0.1, which stands in for an exchange that counts messages per window.
const WORKER = path.join(__dirname, '..', 'support', 'budgetWorker.js');
const BUILT = path.join(__dirname, '..', '..', 'dist', 'redis.js');

interface WorkerInput {
  readonly key: string;
  readonly limit: number;
  readonly window: number;
  readonly timeout: number;
  readonly margin: number;
  readonly holdAfterRestart: boolean;
  readonly durationMs: number;
  readonly skewMs?: number;
}

interface WorkerReport {
  readonly granted: number;
  readonly refused: number;
  readonly unavailable: number;
  readonly maxUnavailableMs: number;
}

interface Worker {
  readonly child: ChildProcess;
  /** Each rejected take: how long it took and why. */
  readonly rejections: Array<{ tookMs: number; reason: string }>;
  readonly done: Promise<WorkerReport>;
  stop(): void;
}

const workers = new Set<ChildProcess>();

function startWorker(redis: RedisServer, counter: CountingServer, input: WorkerInput): Worker {
  const child = fork(WORKER, [JSON.stringify({ ...input, redisUrl: redis.url, counterPort: counter.port })], {
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  workers.add(child);
  child.once('exit', () => workers.delete(child));
  const rejections: Array<{ tookMs: number; reason: string }> = [];
  const done = new Promise<WorkerReport>((resolve, reject) => {
    child.on(
      'message',
      (message: { type: string; message?: string } & WorkerReport & { tookMs: number; reason: string }) => {
        if (message.type === 'unavailable') rejections.push({ tookMs: message.tookMs, reason: message.reason });
        if (message.type === 'done') resolve(message);
        if (message.type === 'failed') reject(new Error(`worker failed: ${message.message}`));
      },
    );
    child.once('exit', (code) => reject(new Error(`worker exited with ${code} before reporting`)));
  });
  return { child, rejections, done, stop: () => child.connected && child.send({ type: 'stop' }) };
}

async function runFleet(redis: RedisServer, counter: CountingServer, inputs: WorkerInput[]): Promise<WorkerReport[]> {
  const reports = await Promise.all(inputs.map((input) => startWorker(redis, counter, input).done));
  const granted = reports.reduce((sum, report) => sum + report.granted, 0);
  await waitFor(() => counter.arrivals.length >= granted, 2000, 'every granted message to arrive');
  return reports;
}

describe('redisBudget shared by several processes (integration, real redis-server)', () => {
  let redis: RedisServer;
  let counter: CountingServer;

  beforeAll(async () => {
    if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run \`npm run build\` first (npm test does)`);
    redis = await startRedisServer();
  });

  beforeEach(async () => {
    counter = await startCountingServer();
  });

  afterEach(async () => {
    workers.forEach((child) => child.kill('SIGKILL'));
    await counter.close();
  });

  afterAll(async () => {
    await redis?.stop();
  });

  const fleet = { limit: 10, window: 500, timeout: 200, margin: 200, holdAfterRestart: false, durationMs: 2500 };

  it('should never let the fleet exceed the limit in any window, as counted where the messages arrive', async () => {
    const reports = await runFleet(redis, counter, [
      { ...fleet, key: 'spec:fleet' },
      { ...fleet, key: 'spec:fleet' },
      { ...fleet, key: 'spec:fleet' },
    ]);

    const granted = reports.reduce((sum, report) => sum + report.granted, 0);
    expect(counter.arrivals.length).toBe(granted);
    expect(mostInAnyWindow(counter.arrivals, fleet.window)).toBeLessThanOrEqual(fleet.limit);
    // They did hammer it (every process was refused) and the budget was used, not just refused:
    // 2.5 s holds three full windows of 500 ms + 200 ms margin.
    expect(reports.every((report) => report.refused > 0)).toBe(true);
    expect(granted).toBeGreaterThanOrEqual(2 * fleet.limit);
  });

  it('should not care that the processes disagree about the time by ±40 s (Redis TIME decides)', async () => {
    const reports = await runFleet(redis, counter, [
      { ...fleet, key: 'spec:skew', skewMs: -40_000 },
      { ...fleet, key: 'spec:skew', skewMs: 0 },
      { ...fleet, key: 'spec:skew', skewMs: 40_000 },
    ]);

    expect(mostInAnyWindow(counter.arrivals, fleet.window)).toBeLessThanOrEqual(fleet.limit);
    expect(reports.reduce((sum, report) => sum + report.granted, 0)).toBeGreaterThanOrEqual(2 * fleet.limit);
    // A process ahead by 40 s would see the others' takes as long gone, one behind as not yet made.
    expect(reports.every((report) => report.granted > 0)).toBe(true);
  });

  it('should fail closed at once while Redis is down, then work again once it is back on the same port', async () => {
    const input = { ...fleet, key: 'spec:outage', window: 3000, holdAfterRestart: true, durationMs: 15_000 };
    const running = [
      startWorker(redis, counter, input),
      startWorker(redis, counter, input),
      startWorker(redis, counter, input),
    ];
    // Fill the window first, so a restart that forgot those takes would let a second window's worth through.
    await waitFor(() => counter.arrivals.length >= input.limit, 8000, 'the fleet to fill one window');

    await redis.kill();
    const killedAt = performance.now();
    await waitFor(() => running.every((worker) => worker.rejections.length >= 2), 3000, 'every process to be refused');
    // Down for 1 s: long enough to tell a prompt refusal from a take that hangs until Redis is back,
    // short enough that the takes before the kill are still in the window once the clients reconnect.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, killedAt + 1000 - performance.now())));
    const sentBeforeRestart = counter.arrivals.length;
    await redis.restart();
    const restartedAt = performance.now();
    // Held for window + margin after Redis's start (its uptime counts whole seconds): about 3.2 to 4.2 s.
    await waitFor(() => counter.arrivals.some((at) => at > restartedAt), 6000, 'a message after the restart');
    running.forEach((worker) => worker.stop());
    const reports = await Promise.all(running.map((worker) => worker.done));
    await waitFor(() => counter.arrivals.length >= reports.reduce((sum, r) => sum + r.granted, 0), 2000, 'arrivals');

    // Nothing was sent while Redis was down (a take granted just before the kill may land a moment after it).
    expect(counter.arrivals.filter((at) => at > killedAt + 50 && at <= restartedAt)).toEqual([]);
    expect(counter.arrivals.filter((at) => at <= restartedAt).length).toBe(sentBeforeRestart);
    // Every refusal came promptly, bounded by the take's timeout (200 ms), not by Redis coming back (1 s).
    const rejections = running.flatMap((worker) => worker.rejections);
    expect(rejections.length).toBeGreaterThanOrEqual(6);
    expect(Math.max(...rejections.map((r) => r.tookMs))).toBeLessThan(700);
    expect(rejections.every((r) => r.reason === 'error' || r.reason === 'timeout')).toBe(true);
    // Across the restart too, the limit held in every window.
    expect(mostInAnyWindow(counter.arrivals, input.window)).toBeLessThanOrEqual(input.limit);
  });
});

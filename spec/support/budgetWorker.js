// A bot process for the Redis budget specs, forked by spec/integration/redisBudget.spec.ts: it takes
// from one shared Redis budget as fast as it can for `durationMs` and, on each granted take, sends one
// line to the counting server (the "exchange"). It uses the built package (npm test builds first).
//
// Input (argv[2], JSON): { redisUrl, key, limit, window, timeout, margin, holdAfterRestart, counterPort,
//   durationMs, skewMs }. It stops after `durationMs` or on a { type: 'stop' } message. `skewMs` moves this process's wall clock (Date.now) by that much, as a host
//   whose clock is off would be.
// Messages to the parent: { type: 'unavailable', tookMs, reason } for each rejected take, then
//   { type: 'done', granted, refused, unavailable, maxUnavailableMs }.
const net = require('node:net');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { setTimeout: sleep } = require('node:timers/promises');

const input = JSON.parse(process.argv[2]);
if (input.skewMs) {
  const realNow = Date.now;
  Date.now = () => realNow() + input.skewMs;
}
const { redisBudget } = require(path.join(__dirname, '..', '..', 'dist', 'redis.js'));

async function main() {
  const socket = net.connect(input.counterPort, '127.0.0.1');
  socket.setNoDelay(true);
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const budget = redisBudget({
    redis: input.redisUrl,
    key: input.key,
    limit: input.limit,
    window: input.window,
    timeout: input.timeout,
    margin: input.margin,
    holdAfterRestart: input.holdAfterRestart,
  });
  const stats = { granted: 0, refused: 0, unavailable: 0, maxUnavailableMs: 0 };
  const until = performance.now() + input.durationMs;
  let stopping = false;
  process.on('message', (message) => (stopping = stopping || message.type === 'stop'));
  while (!stopping && performance.now() < until) {
    const started = performance.now();
    try {
      const wait = await budget.take(Date.now());
      if (wait === 0) {
        stats.granted++;
        socket.write('1\n');
      } else {
        stats.refused++;
        await sleep(Math.min(wait, 10));
      }
    } catch (error) {
      const tookMs = performance.now() - started;
      if (error.code !== 'LIFELINE_BUDGET_UNAVAILABLE') throw error;
      stats.unavailable++;
      stats.maxUnavailableMs = Math.max(stats.maxUnavailableMs, tookMs);
      process.send({ type: 'unavailable', tookMs, reason: error.reason });
      await sleep(10);
    }
  }
  await budget.close();
  await new Promise((resolve) => socket.end(resolve));
  process.removeAllListeners('message');
  process.send({ type: 'done', ...stats }, () => process.exit(0));
}

main().catch((error) => {
  process.send({ type: 'failed', message: String(error && error.stack) }, () => process.exit(1));
});

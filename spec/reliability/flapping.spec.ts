import { performance } from 'node:perf_hooks';
import { ConnectionEventType as E } from '../../src/index';
import { runFlappingCase } from './support/flappingCase';
import { startRecordingServer } from './support/recordingServer';
import { ReliabilityCase } from './support/reliabilityCase';

// Case 9, fast: 2.5 s of flapping (the full 10 s runs in spec/reliability/slow with
// `npm run test:reliability`). See support/flappingCase.ts for what is measured and how.

describe('reliability 9: flapping (accepted, then dropped after 100 ms)', () => {
  let c: ReliabilityCase | undefined;
  afterEach(async () => c?.dispose());

  it('should keep backing off across short sessions, with timers, sockets, subscribers, listeners and heap flat', async () => {
    c = new ReliabilityCase('09a-flapping-fast', '9 flapping 2.5 s (fast)');
    await runFlappingCase(c, 2500);
  });

  it('should, by contrast, reset the backoff after every session when resetOnSuccess is 0', async () => {
    c = new ReliabilityCase('09c-flapping-no-min-uptime', '9 flapping 1 s, resetOnSuccess 0 (control)');
    const server = c.own(
      await startRecordingServer({
        onSocket: (socket) => {
          const timer = setTimeout(() => socket.terminate(), 100);
          socket.on('close', () => clearTimeout(timer));
        },
      }),
    );
    c.connect({ url: server.url, initialDelay: 50, maxDelay: 200, resetOnSuccess: 0, maxAttempts: Infinity });
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 1000));

    const attempts = c.eventsOf(E.ReconnectAttempt).map((e) => e.retryCount);
    // Every session "succeeded", so every retry is the first again: the server is hit every ~150 ms.
    expect(attempts.length).toBeGreaterThanOrEqual(3);
    expect(attempts.every((n) => n === 1)).toBe(true);
    const result = await c.finish({
      sent: 0,
      delivered: 0,
      rejected: {},
      lost: 0,
      notes: `${server.log.connections.length} sessions in ${Math.round(performance.now() - started)} ms, every retry attempt 1 (what resetOnSuccess prevents)`,
    });
    expect(result.leaked).toBe(0);
  });
});

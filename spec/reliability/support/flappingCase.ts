import { performance } from 'node:perf_hooks';
import { ConnectionEventType as E } from '../../../src/index';
import { backoffDelay } from '../../../src/model/backoffDelay';
import { activeResources } from './activeResources';
import { liveHeap } from './forceGc';
import { startRecordingServer } from './recordingServer';
import { ReliabilityCase } from './reliabilityCase';
import { processListenerCount, subscriberCount } from './subscriberCount';

/** One reading of what the process holds while the link flaps. */
export interface FlapSample {
  readonly at: number;
  readonly timeouts: number;
  readonly sockets: number;
  readonly subscribers: number;
  readonly processListeners: number;
}

const SESSION_MS = 100;
const schedule = { initialDelay: 50, maxDelay: 200, factor: 2, jitter: 'none' as const };

/**
 * Case 9, for a given duration: the server accepts every connection and drops it (socket destroyed)
 * 100 ms later. resetOnSuccess is 1 s, so no session lives long enough to reset the backoff: the retry
 * count must only ever grow (1, 2, 3, …) and the delay stay at its cap, instead of hammering the
 * server at the initial delay.
 *
 * How growth is measured, at the same point of every cycle (as the socket reopens):
 * `process.getActiveResourcesInfo()` (Timeout and TCPSocketWrap entries: timers and sockets), the
 * subscribers on the link's own subjects (see `subscriberCount`), and the listeners on `process`.
 * The largest reading in the second half of the run may exceed the largest in the first half by at
 * most one (a short-lived timer caught or not): a per-cycle leak would make it climb. The heap is read after a forced full GC (see `forceGc`) once
 * the first cycles are done and again at the end; the growth is reported, and bounded generously
 * (8 MiB) against noise.
 */
export async function runFlappingCase(c: ReliabilityCase, durationMs: number): Promise<void> {
  const drops: number[] = [];
  const server = c.own(
    await startRecordingServer({
      onSocket: (socket) => {
        const timer = setTimeout(() => {
          drops.push(performance.now());
          socket.terminate();
        }, SESSION_MS);
        socket.on('close', () => clearTimeout(timer));
      },
    }),
  );
  const link = c.connect({ url: server.url, ...schedule, resetOnSuccess: 1000, maxAttempts: Infinity });
  const samples: FlapSample[] = [];
  const started = performance.now();
  // Read at the same point of every cycle — synchronously, as the socket reopens — so that readings
  // compare like with like; a reading at a random moment would catch a session in one cycle and a
  // backoff delay in the next.
  link.events$.subscribe((event) => {
    if (event.type !== E.ReconnectSuccess) return;
    const resources = activeResources();
    samples.push({
      at: Math.round(performance.now() - started),
      timeouts: resources.Timeout ?? 0,
      sockets: resources.TCPSocketWrap ?? 0,
      subscribers: subscriberCount(link),
      processListeners: processListenerCount(),
    });
  });
  let heapAfterWarmup: number | undefined;
  while (performance.now() - started < durationMs) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    if (heapAfterWarmup === undefined && performance.now() - started >= Math.min(1000, durationMs / 4)) {
      heapAfterWarmup = liveHeap();
    }
  }
  const heapAtEnd = liveHeap();
  const heapGrowth = heapAtEnd - (heapAfterWarmup ?? heapAtEnd);

  const attempts = c.eventsOf(E.ReconnectAttempt).map((e) => e.retryCount);
  const cycles = server.log.connections.length;
  // Never reset by a short session: 1, 2, 3, … for the whole run.
  expect(attempts.length).toBeGreaterThanOrEqual(4);
  expect(attempts).toEqual(attempts.map((_, i) => i + 1));
  const delays = attempts.map((n) => backoffDelay(n, schedule, Math.random));
  expect(delays[delays.length - 1]).toBe(schedule.maxDelay);
  // Each session's drop is seen at once.
  const disconnects = c.events.filter((e) => e.value.type === E.Disconnected).map((e) => e.at);
  const detections = drops.slice(0, disconnects.length).map((at, i) => (disconnects[i] as number) - at);
  expect(detections.every((ms) => ms >= 0 && ms < 1000)).toBe(true);

  expect(samples.length).toBeGreaterThanOrEqual(4);
  const half = Math.floor(samples.length / 2);
  const maxOf = (key: keyof FlapSample, from: number, to: number): number =>
    Math.max(...samples.slice(from, to).map((s) => s[key]));
  for (const key of ['timeouts', 'sockets', 'subscribers', 'processListeners'] as const) {
    // One short-lived timer may or may not be pending at the instant of a reading (±1); a leak per
    // cycle would add one per cycle: +4 or more over the fast run, +15 or more over the slow one.
    // Labelled, so a failure says which figure grew.
    expect({ [key]: maxOf(key, half, samples.length) <= maxOf(key, 0, half) + 1 }).toEqual({ [key]: true });
  }
  expect(heapGrowth).toBeLessThan(8 * 1024 * 1024);
  expect(link.snapshot().recentEvents.length).toBeLessThanOrEqual(link.config.maxEvents);

  const series = (key: keyof FlapSample): string => {
    const values = samples.map((sample) => sample[key]);
    return Math.min(...values) === Math.max(...values)
      ? `${values[0]} flat`
      : `${Math.min(...values)}–${Math.max(...values)}`;
  };
  const result = await c.finish({
    detectMs: Math.round(Math.max(...detections)),
    sent: 0,
    delivered: 0,
    rejected: {},
    lost: 0,
    notes:
      `${cycles} sessions of ${SESSION_MS} ms in ${durationMs / 1000} s; retry counts 1…${attempts.length} (never reset), ` +
      `delay capped at ${schedule.maxDelay} ms; at each reopen: timers ${series('timeouts')}, sockets ${series('sockets')}, ` +
      `subscribers ${series('subscribers')}, process listeners ${series('processListeners')}; ` +
      `heap after GC ${heapGrowth >= 0 ? '+' : ''}${(heapGrowth / 1024).toFixed(0)} KiB; detect = worst drop → Disconnected`,
  });
  expect(result.leaked).toBe(0);
}

import { setTimeout as sleep } from 'node:timers/promises';
import { Subscription } from 'rxjs';
import { startFaultProxy } from '../spec/support/faultProxy';
import { Connection, ConnectionEventType, ConnectionStatus, connect } from '../src/index';
import { probeMain } from './probeMain';
import { ServerProcess, startServerProcess } from './serverProcess';

export interface DetectionInput {
  /** Half-open repetitions. */
  readonly reps: number;
  /** Heartbeat interval and timeout for the half-open test, ms. */
  readonly heartbeatInterval: number;
  readonly heartbeatTimeout: number;
  /** Server downtimes for the restart test, ms: one restart each. */
  readonly downtimes: readonly number[];
  /** Backoff for the restart test, ms. */
  readonly initialDelay: number;
  readonly maxDelay: number;
}

export interface HalfOpenSample {
  /** Blackhole to the HeartbeatTimeout event, ms. */
  readonly detectMs: number;
}

export interface RestartSample {
  /** How long the server was down, ms (stop to listening again). */
  readonly downMs: number;
  /** Scheduled delay of the retry that succeeded, ms. */
  readonly retryDelayMs: number;
  /** Listening to Connected, ms: what a user sees; includes the backoff still to run. */
  readonly listeningToConnectedMs: number;
  /** Connected − max(listening, scheduled retry time), ms: the library's own reaction time. */
  readonly recoveryMs: number;
  /** Of which: the successful attempt's start − max(listening, scheduled retry time), ms (timer lateness). */
  readonly attemptLateMs: number;
  /** And: Connected − that attempt's start, ms (TCP connect, upgrade, open). */
  readonly handshakeMs: number;
}

export interface DetectionResult {
  readonly halfOpen: readonly HalfOpenSample[];
  readonly restart: readonly RestartSample[];
}

/** Counts the link's opens (into Connected, or Unstable when drops have cost it its score). */
interface OpenTracker {
  /** Resolves with the scheduler time of the open that made the count exceed `opens`. */
  after(opens: number, timeoutMs: number): Promise<number>;
  readonly subscription: Subscription;
}

function trackOpens(link: Connection): OpenTracker {
  const times: number[] = [];
  let wasUp = false;
  let notify = (): void => undefined;
  const subscription = link.state$.subscribe((state) => {
    const up = state.status === ConnectionStatus.Connected || state.status === ConnectionStatus.Unstable;
    if (up && !wasUp) {
      times.push(state.since);
      notify();
    }
    wasUp = up;
  });
  const after = (opens: number, timeoutMs: number): Promise<number> =>
    new Promise<number>((resolve, reject) => {
      if (times.length > opens) return resolve(times[opens]);
      const timer = setTimeout(
        () => reject(new Error(`timed out after ${timeoutMs} ms waiting for open ${opens + 1}`)),
        timeoutMs,
      );
      notify = () => {
        if (times.length <= opens) return;
        clearTimeout(timer);
        notify = () => undefined;
        resolve(times[opens]);
      };
    });
  return { after, subscription };
}

/**
 * Half-open: a link through the fault proxy is blackholed (no FIN, no RST, bytes vanish); the time
 * until the HeartbeatTimeout event. The phase of the blackhole against the ping schedule is varied.
 */
async function halfOpen(input: DetectionInput): Promise<HalfOpenSample[]> {
  const { reps, heartbeatInterval, heartbeatTimeout } = input;
  const server = await startServerProcess();
  const proxy = await startFaultProxy(server.port);
  const link = connect({
    url: `ws://127.0.0.1:${proxy.port}/idle`,
    heartbeatInterval,
    heartbeatTimeout,
    initialDelay: '20ms',
    maxDelay: '200ms',
    jitter: 'none',
    maxAttempts: Infinity,
    resetOnSuccess: 0,
    // Measure the backoff alone: the connection budget (30 a minute) would add its own waits.
    connectLimit: Infinity,
  });
  const opens = trackOpens(link);
  let timedOut: ((at: number) => void) | undefined;
  const events = link.events$.subscribe((event) => {
    if (event.type !== ConnectionEventType.HeartbeatTimeout) return;
    const at = performance.now();
    // Restore before the reconnect starts, or the handshake itself would vanish into the blackhole.
    proxy.restore();
    timedOut?.(at);
  });
  const samples: HalfOpenSample[] = [];
  try {
    for (let rep = 0; rep < reps; rep++) {
      await opens.after(rep, 10_000);
      // A few heartbeats first, then a blackhole at a different phase of the ping schedule each time.
      await sleep(3 * heartbeatInterval + ((rep * 0.37) % 1) * heartbeatInterval);
      const detected = new Promise<number>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error('no HeartbeatTimeout within 10× the timeout')),
          10 * heartbeatTimeout,
        );
        timedOut = (at) => {
          clearTimeout(timer);
          resolve(at);
        };
      });
      const blackholedAt = performance.now();
      proxy.blackhole();
      samples.push({ detectMs: (await detected) - blackholedAt });
      timedOut = undefined;
    }
  } finally {
    events.unsubscribe();
    opens.subscription.unsubscribe();
    await link.close();
    await proxy.close();
    await server.stop();
  }
  return samples;
}

/**
 * Server restart: stop the server, let the client back off, start it again on the same port; the
 * time from listening to Connected, and that time less whatever backoff delay was still scheduled.
 */
async function restart(input: DetectionInput): Promise<RestartSample[]> {
  const { downtimes, initialDelay, maxDelay } = input;
  let server: ServerProcess = await startServerProcess();
  const port = server.port;
  const link = connect({
    url: `${server.url}/idle`,
    heartbeatInterval: '1s',
    heartbeatTimeout: '3s',
    initialDelay,
    maxDelay,
    factor: 2,
    jitter: 'none',
    maxAttempts: 1000,
    resetOnSuccess: '100ms',
    // Measure the backoff alone: the connection budget (30 a minute) would add its own waits.
    connectLimit: Infinity,
  });
  const opens = trackOpens(link);
  let scheduledAt = 0;
  let scheduledDelay = 0;
  let attemptAt = 0;
  const attempts = link.events$.subscribe((event) => {
    if (event.type === ConnectionEventType.ReconnectAttempt) attemptAt = event.timestamp;
  });
  const retries = link.state$.subscribe((state) => {
    if (state.nextRetryAt !== undefined && state.status === ConnectionStatus.Reconnecting) {
      scheduledAt = state.nextRetryAt;
      // state$ emits synchronously with the retryScheduled signal, so now is when the delay started.
      scheduledDelay = state.nextRetryAt - Date.now();
    }
  });
  const samples: RestartSample[] = [];
  try {
    for (let rep = 0; rep < downtimes.length; rep++) {
      await opens.after(rep, 10_000);
      await sleep(300);
      await server.stop();
      const stoppedAt = Date.now();
      await sleep(Math.max(0, downtimes[rep] - (Date.now() - stoppedAt)));
      server = await startServerProcess(port);
      const connectedAt = await opens.after(rep + 1, maxDelay + 10_000);
      const listeningAt = server.listeningAt;
      const due = Math.max(listeningAt, scheduledAt);
      samples.push({
        downMs: listeningAt - stoppedAt,
        retryDelayMs: scheduledDelay,
        listeningToConnectedMs: connectedAt - listeningAt,
        recoveryMs: connectedAt - due,
        attemptLateMs: attemptAt - due,
        handshakeMs: connectedAt - attemptAt,
      });
    }
  } finally {
    retries.unsubscribe();
    attempts.unsubscribe();
    opens.subscription.unsubscribe();
    await link.close();
    await server.stop();
  }
  return samples;
}

async function measure(input: DetectionInput): Promise<DetectionResult> {
  return { halfOpen: await halfOpen(input), restart: await restart(input) };
}

if (require.main === module) probeMain(measure);

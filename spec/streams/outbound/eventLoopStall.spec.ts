import { TestScheduler } from 'rxjs/testing';
import {
  Connection,
  ConnectionEvent,
  ConnectionEventType as E,
  ConnectOptions,
  ConnectionStatus as S,
  LatencySample,
  connect,
} from '../../../src/index';
import { MarbleTransport } from '../../../src/testing';
import { stallingScheduler } from '../../support/stallingScheduler';
import { formatReport, reports } from '../../../src/index';
import { MetricsSink, metricsSink } from '../../../src/metrics';
import { parseExposition } from '../../support/exposition';
import { at, record } from './virtualTime';

// Issue 10, contract 5: a busy bot must not make a healthy link look bad. The process's own stalls
// (a handler blocking the event loop, a GC pause) are measured by the scheduler's lateness and taken
// out of round trips: quality does not drop, the link does not go Unstable, nothing is torn down.
// The stall is reported on its own: `lag$`, a ProcessStalled event from `lagWarning` (500 ms by
// default), the `lifeline_event_loop_lag_seconds` metric and the report's lag line (spec/sinks).
// A stall is modelled by `stallingScheduler`: whatever falls due while it lasts runs at its end.

const frames = { o: MarbleTransport.OPEN };

describe('outbound: an event-loop stall is the process, not the link', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  interface Run {
    link: Connection;
    transport: MarbleTransport;
    events: ConnectionEvent[];
    statuses: Array<[number, S]>;
    latencies: Array<[number, LatencySample]>;
    lags: Array<[number, number]>;
  }

  /** A healthy link (pongs after 5 ms) whose process stalls at `from` for `ms`, closed at `closeAt`. */
  function start(from: number, ms: number, closeAt: number, options: Partial<ConnectOptions> = {}): Run {
    const { scheduler, stall } = stallingScheduler(testScheduler);
    const transport = new MarbleTransport(scheduler, [testScheduler.createColdObservable('o', frames)], {
      autoPongMs: 5,
    });
    const link = connect({ url: 'ws://exchange.test', transport, scheduler, jitter: 'none', ...options });
    stall(from, ms);
    const events: ConnectionEvent[] = [];
    link.events$.subscribe((event) => events.push(event));
    const run: Run = {
      link,
      transport,
      events,
      statuses: record(testScheduler, link.status$),
      latencies: record(testScheduler, link.latency$),
      lags: record(testScheduler, link.lag$),
    };
    at(testScheduler, closeAt, () => void link.close());
    return run;
  }

  it('should take a 1.5 s stall out of the round trip it spans: latency, quality and status stay healthy', () => {
    let run!: Run;
    let quality!: ReturnType<Connection['snapshot']>;
    testScheduler.run(() => {
      // The ping sent at 30 s is out when a handler blocks the loop from 30.002 s to 31.502 s: its pong,
      // back at 30.005 s, is read only at 31.502 s.
      run = start(30_002, 1500, 40_000, { adaptiveHeartbeat: false });
      at(testScheduler, 39_999, () => (quality = run.link.snapshot()));
    });
    const rtts = run.latencies.map(([t, sample]) => [t, sample.latencyMs]);
    expect(rtts[0]).toEqual([5, 5]);
    // Read at 31.502 s, 1502 ms after the ping; the stall (seen at the monitor's 100 ms resolution) taken out.
    expect(rtts[1]?.[0]).toBe(31_502);
    expect(rtts[1]?.[1]).toBeLessThanOrEqual(100);
    expect(quality.quality.averageLatencyMs).toBeLessThan(100);
    expect(quality.warnings).toEqual([]);
    expect(run.statuses.map(([, s]) => s)).toEqual([S.Connecting, S.Connected, S.Disconnected]);
    expect(run.events.map((e) => e.type)).not.toContain(E.QualityDegraded);
    expect(run.transport.attempts).toBe(1);
    expect(run.transport.connections[0]?.aborted).toBe(false);
  });

  it('should report the stall on its own: lag$ and a ProcessStalled event past lagWarning', () => {
    let run!: Run;
    testScheduler.run(() => {
      run = start(30_002, 1500, 40_000, { adaptiveHeartbeat: false });
    });
    const stalled = run.events.filter((e) => e.type === E.ProcessStalled);
    expect(stalled).toHaveLength(1);
    // The monitor looks every 100 ms: the look due at 30.1 s ran at 31.502 s, 1402 ms late.
    expect(stalled[0]).toMatchObject({ timestamp: 31_502, latencyMs: 1402, severity: 3 });
    expect(stalled[0]?.description).toContain("taken out of the link's latency");
    // lag$: the largest lag of each sampleInterval (1 s); the stall shows once, the rest is calm.
    const lags = run.lags.map(([, ms]) => ms);
    expect(lags.filter((ms) => ms > 0)).toEqual([1402]);
    expect(lags.length).toBeGreaterThan(30);
  });

  it("should carry the stall into the report's lag line", () => {
    const texts: string[] = [];
    testScheduler.run(() => {
      const run = start(30_002, 1500, 50_000, { adaptiveHeartbeat: false });
      reports(run.link, { every: '20s' }, testScheduler).subscribe((report) =>
        texts.push(formatReport(report, { locale: 'en' })),
      );
    });
    expect(texts).toHaveLength(2);
    expect(texts[0]).toContain('   - Event-loop lag: max 0ms');
    expect(texts[1]).toContain('   - Event-loop lag: max 1402ms');
    // The round trip the stall spanned is no latency warning.
    expect(texts[1]).not.toContain('Quality warnings');
  });

  it('should set lifeline_event_loop_lag_seconds from lag$', async () => {
    let run!: Run;
    let sink!: MetricsSink;
    testScheduler.run(() => {
      // Closed right after the period with the stall: the gauge keeps the last value it was given.
      run = start(30_002, 1500, 32_000, { adaptiveHeartbeat: false });
      sink = metricsSink(run.link, {}, testScheduler);
    });
    const exposition = parseExposition(await sink.registry.metrics());
    sink.unsubscribe();
    expect(run.lags[run.lags.length - 1]).toEqual([31_502, 1402]);
    expect(exposition.value('lifeline_event_loop_lag_seconds')).toBe(1.402);
    expect(exposition.all('lifeline_latency_seconds_sum')[0]?.value).toBeLessThan(0.2);
  });

  it('should complete lag$ when the link closes, leaving no timer behind', () => {
    let completedAt = -1;
    let leftover = -1;
    testScheduler.run(() => {
      const run = start(10_050, 300, 15_000);
      run.link.lag$.subscribe({ complete: () => (completedAt = testScheduler.now()) });
      at(testScheduler, 15_001, () => {
        leftover = testScheduler.actions.length;
        // Were a timer left, the run would never end: cancel whatever is left so the spec fails instead.
        testScheduler.actions.slice().forEach((action) => action.unsubscribe());
      });
    });
    expect(completedAt).toBe(15_000);
    expect(leftover).toBe(0);
  });

  it('should raise no event for a stall under lagWarning, and still show it in lag$', () => {
    let run!: Run;
    testScheduler.run(() => {
      run = start(10_050, 300, 15_000);
    });
    expect(run.events.map((e) => e.type)).not.toContain(E.ProcessStalled);
    expect(run.lags.map(([, ms]) => ms).filter((ms) => ms > 0)).toEqual([250]);
  });

  it('should not tear down a healthy link for a stall longer than the heartbeat timeout', () => {
    let run!: Run;
    testScheduler.run(() => {
      // 70 s blocked: past heartbeatTimeout (60 s) and unstableTimeout (60 s).
      run = start(30_002, 70_000, 200_000);
    });
    expect(run.events.map((e) => e.type)).not.toContain(E.HeartbeatTimeout);
    expect(run.statuses.map(([, s]) => s)).toEqual([S.Connecting, S.Connected, S.Disconnected]);
    expect(run.transport.attempts).toBe(1);
    expect(run.transport.connections[0]?.aborted).toBe(false);
    expect(run.events.find((e) => e.type === E.ProcessStalled)?.latencyMs).toBe(69_902);
  });
});

import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ConfigError, ConnectionEvent, ConnectionStatus, FeedLagReading, LatencySample } from '../../src/index';
import { createEvent } from '../../src/model/ConnectionEvent';
import { initialStats } from '../../src/model/ConnectionStats';
import { ConnectionReport } from '../../src/sinks/ConnectionReport';
import { ReportSource, reports } from '../../src/sinks/reports';
import { goodQuality, seedQuality } from './fixtures';

const statuses = { a: ConnectionStatus.Connected, b: ConnectionStatus.Reconnecting };
/** Round trips as a `Connection`'s `latency$` gives them (the report reads only `latencyMs`). */
const sample = (latencyMs: number): LatencySample => ({ source: 'heartbeat', latencyMs, at: 0 });
const latencies = { w: sample(10), x: sample(20), y: sample(30), z: sample(40) };
const events: Record<string, ConnectionEvent> = {
  i: createEvent('Connected', 3, 'connected'),
  e: createEvent('Disconnected', 9, 'connection lost'),
};

/** The parts of a report a marble can show. */
const brief = (report: ConnectionReport) => ({
  at: report.at,
  from: report.periodStart,
  status: report.status,
  samples: report.latency.samples,
  trend: report.latency.trend,
  events: report.notableEvents.map((event) => event.type),
});

describe('reports', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('should report every period the latest status and what the period collected', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source: ReportSource = {
        status$: cold('a------------b', statuses),
        quality$: cold('q', { q: seedQuality }),
        stats$: cold('s', { s: initialStats(0) }),
        latency$: cold('--w--x----y-----z', latencies),
        events$: cold('---i-----e', events),
      };
      expectObservable(reports(source, { every: 6 }, testScheduler).pipe(map(brief)), '^ 19ms !').toBe(
        '------r-----s-----t',
        {
          r: { at: 6, from: 0, status: 'Connected', samples: 2, trend: [10, 20], events: [] },
          s: { at: 12, from: 6, status: 'Connected', samples: 1, trend: [30], events: ['Disconnected'] },
          t: { at: 18, from: 12, status: 'Reconnecting', samples: 1, trend: [40], events: [] },
        },
      );
    });
  });

  it("should give each report the period's largest event-loop lag from lag$, and none without it", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const streams: ReportSource = {
        status$: cold('a', statuses),
        quality$: cold('q', { q: seedQuality }),
        stats$: cold('s', { s: initialStats(0) }),
        latency$: cold('-'),
        events$: cold('-'),
      };
      const lag$ = cold('0-3-1---0-----2', { 0: 0, 1: 1402, 2: 250, 3: 20 });
      const maxLag = (report: ConnectionReport): number | undefined => report.maxLagMs;
      expectObservable(reports({ ...streams, lag$ }, { every: 6 }, testScheduler).pipe(map(maxLag)), '^ 19ms !').toBe(
        '------a-----b-----c',
        { a: 1402, b: 0, c: 250 },
      );
      expectObservable(reports(streams, { every: 6 }, testScheduler).pipe(map(maxLag)), '^ 7ms !').toBe('------u', {
        u: undefined,
      });
    });
  });

  it('should compute the derived statistics as of each report', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source: ReportSource = {
        status$: cold('a', statuses),
        quality$: cold('q', { q: goodQuality }),
        stats$: cold('s', { s: initialStats(0) }),
        latency$: cold('-'),
        events$: cold('-'),
      };
      const figures = reports(source, { every: 4 }, testScheduler).pipe(
        map((r) => [r.stats.totalDowntimeMs, r.stats.uptimePercentage, r.score]),
      );
      expectObservable(figures, '^ 9ms !').toBe('----a---b', { a: [4, 0, 100], b: [8, 0, 100] });
    });
  });

  it('should wait until status, quality and statistics have each emitted', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source: ReportSource = {
        status$: cold('a', statuses),
        quality$: cold('---q', { q: seedQuality }),
        stats$: cold('s', { s: initialStats(0) }),
        latency$: cold('-w', latencies),
        events$: cold('-'),
      };
      expectObservable(reports(source, { every: 2 }, testScheduler).pipe(map(brief)), '^ 5ms !').toBe('----r-', {
        r: { at: 4, from: 0, status: 'Connected', samples: 1, trend: [10], events: [] },
      });
    });
  });

  it('should take an extra report on the trigger and start a new period', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source: ReportSource = {
        status$: cold('a', statuses),
        quality$: cold('q', { q: seedQuality }),
        stats$: cold('s', { s: initialStats(0) }),
        latency$: cold('-w---x', latencies),
        events$: cold('-'),
      };
      const result = reports(source, { every: 10, trigger$: cold('----t') }, testScheduler).pipe(map(brief));
      expectObservable(result, '^ 12ms !').toBe('----r-----s', {
        r: { at: 4, from: 0, status: 'Connected', samples: 1, trend: [10], events: [] },
        s: { at: 10, from: 4, status: 'Connected', samples: 1, trend: [20], events: [] },
      });
    });
  });

  it('should list only events at or above minSeverity, and count the ones it leaves out', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source: ReportSource = {
        status$: cold('a', statuses),
        quality$: cold('q', { q: seedQuality }),
        stats$: cold('s', { s: initialStats(0) }),
        latency$: cold('-'),
        events$: cold('ieeei', events),
      };
      const result = reports(source, { every: 6, notableEvents: 2, minSeverity: 4 }, testScheduler).pipe(
        map((r) => [r.notableEvents.length, r.notableEventCount]),
      );
      expectObservable(result, '^ 7ms !').toBe('------a', { a: [2, 3] });
    });
  });

  it('should judge the warnings by the source config thresholds', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source: ReportSource = {
        status$: cold('a', statuses),
        quality$: cold('q', { q: seedQuality }),
        stats$: cold('s', { s: initialStats(0) }),
        latency$: cold('-'),
        events$: cold('-'),
        config: { qualityThreshold: 70, latencyWarning: 40, errorRateWarning: 0.02 },
      };
      const result = reports(source, { every: 3 }, testScheduler).pipe(map((r) => r.warnings));
      expectObservable(result, '^ 3ms !').toBe('---a', { a: ['latency', 'errorRate'] });
    });
  });

  it('should report the latest feed lag readings when the source has feedLag$, and none when it has not', () => {
    const reading = (lastMs: number): FeedLagReading => ({
      feed: 'trades',
      lastMs,
      smoothedMs: lastMs,
      maxMs: lastMs,
      p95Ms: lastMs,
      recent: 1,
      stale: false,
      maxLagMs: 1000,
      samples: 1,
      invalid: 0,
    });
    testScheduler.run(({ cold, expectObservable }) => {
      const base: ReportSource = {
        status$: cold('a', statuses),
        quality$: cold('q', { q: seedQuality }),
        stats$: cold('s', { s: initialStats(0) }),
        latency$: cold('-'),
        events$: cold('-'),
      };
      const source: ReportSource = {
        ...base,
        feedLag$: cold('f--g---h', { f: [], g: [reading(40)], h: [reading(90)] }),
      };
      expectObservable(reports(source, { every: 5 }, testScheduler).pipe(map((r) => r.feedLag)), '^ 11ms !').toBe(
        '-----r----s',
        { r: [reading(40)], s: [reading(90)] },
      );
      expectObservable(reports(base, { every: 5 }, testScheduler).pipe(map((r) => r.feedLag)), '^ 6ms !').toBe(
        '-----u',
        { u: undefined },
      );
    });
  });

  it('should complete when the status stream completes', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const latency$ = cold<LatencySample>('-');
      const source: ReportSource = {
        status$: cold('a---|', statuses),
        quality$: cold('q', { q: seedQuality }),
        stats$: cold('s', { s: initialStats(0) }),
        latency$,
        events$: cold('-'),
      };
      expectObservable(reports(source, { every: 3 }, testScheduler).pipe(map((r) => r.at))).toBe('---a|', { a: 3 });
      expectSubscriptions(latency$.subscriptions).toBe('^---!');
    });
  });

  it('should error when a source errors', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source: ReportSource = {
        status$: cold('a', statuses),
        quality$: cold('q', { q: seedQuality }),
        stats$: cold('s', { s: initialStats(0) }),
        latency$: cold('--#'),
        events$: cold('-'),
      };
      expectObservable(reports(source, { every: 5 }, testScheduler)).toBe('--#');
    });
  });

  it('should keep its period per subscription', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source: ReportSource = {
        status$: cold('a', statuses),
        quality$: cold('q', { q: seedQuality }),
        stats$: cold('s', { s: initialStats(0) }),
        latency$: cold('w', latencies),
        events$: cold('-'),
      };
      const report$ = reports(source, { every: 5 }, testScheduler).pipe(map((r) => [r.periodStart, r.at]));
      expectObservable(report$, '^ 5ms !').toBe('-----a', { a: [0, 5] });
      expectObservable(report$, '--^ 5ms !').toBe('-------b', { b: [2, 7] });
    });
  });

  describe('with a source that has snapshot() (a Connection)', () => {
    it('should read status, quality and statistics from it at report time, subscribing only events$ and latency$', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const status$ = cold<ConnectionStatus>('a', statuses);
        const quality$ = cold('q', { q: seedQuality });
        const stats$ = cold('s', { s: initialStats(0) });
        const source: ReportSource = {
          status$,
          quality$,
          stats$,
          latency$: cold('--w--x----y', latencies),
          events$: cold('---i-----e', events),
          snapshot: () => ({
            status: testScheduler.now() < 10 ? statuses.a : statuses.b,
            quality: goodQuality,
            stats: initialStats(0),
          }),
        };
        const result = reports(source, { every: 6 }, testScheduler).pipe(map(brief));
        expectObservable(result, '^ 13ms !').toBe('------r-----s', {
          r: { at: 6, from: 0, status: 'Connected', samples: 2, trend: [10, 20], events: [] },
          s: { at: 12, from: 6, status: 'Reconnecting', samples: 1, trend: [30], events: ['Disconnected'] },
        });
        expectSubscriptions(status$.subscriptions).toBe([]);
        expectSubscriptions(quality$.subscriptions).toBe([]);
        expectSubscriptions(stats$.subscriptions).toBe([]);
      });
    });

    it('should complete when events$ completes, as a closed Connection’s streams all do', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const latency$ = cold<LatencySample>('-');
        const source: ReportSource = {
          status$: cold('a', statuses),
          quality$: cold('q', { q: seedQuality }),
          stats$: cold('s', { s: initialStats(0) }),
          latency$,
          events$: cold('----|'),
          snapshot: () => ({ status: statuses.a, quality: goodQuality, stats: initialStats(0) }),
        };
        expectObservable(reports(source, { every: 3 }, testScheduler).pipe(map((r) => r.at))).toBe('---a|', { a: 3 });
        expectSubscriptions(latency$.subscriptions).toBe('^---!');
      });
    });
  });

  it('should report exact figures and keep the spike over a period of many samples', () => {
    const values = Array.from({ length: 600 }, (_, i) => (i === 400 ? 900 : 10 + (i % 7)));
    const reported: ConnectionReport[] = [];
    testScheduler.run(({ cold }) => {
      const source: ReportSource = {
        status$: cold('a', statuses),
        quality$: cold('q', { q: seedQuality }),
        stats$: cold('s', { s: initialStats(0) }),
        latency$: cold(values.map(() => 'v').join(''), { v: sample(0) }).pipe(
          map((_, i) => sample(values[i] as number)),
        ),
        events$: cold('-'),
      };
      const subscription = reports(source, { every: 600, sparklineWidth: 8 }, testScheduler).subscribe((r) =>
        reported.push(r),
      );
      testScheduler.schedule(() => subscription.unsubscribe(), 601);
    });
    const [report] = reported;
    expect(report?.latency).toMatchObject({ samples: 600, minMs: 10, maxMs: 900 });
    expect(report?.latency.averageMs).toBeCloseTo(values.reduce((a, b) => a + b) / 600, 9);
    expect(report?.latency.trend).toHaveLength(8);
    expect(Math.max(...(report?.latency.trend ?? []))).toBe(900);
  });

  it('should reject bad options with a ConfigError naming the option, before subscribing', () => {
    const source = {} as ReportSource;
    expect(() => reports(source, { every: 0 })).toThrow(ConfigError);
    expect(() => reports(source, { every: 'soon' })).toThrow(/Invalid every: "soon"/);
    expect(() => reports(source, { notableEvents: -1 })).toThrow(/notableEvents/);
    expect(() => reports(source, { minSeverity: 7 as never })).toThrow(/minSeverity.*1, 2, 3 or 4/);
  });
});

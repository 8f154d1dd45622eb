import { NEVER, Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ConfigError, ConnectionStatus, connect } from '../../src/index';
import { initialStats } from '../../src/model/ConnectionStats';
import { ConnectionReport } from '../../src/sinks/ConnectionReport';
import { ReportSource } from '../../src/sinks/reports';
import { reportSink } from '../../src/sinks/reportSink';
import { MarbleTransport } from '../../src/testing';
import { inUtc, seedQuality } from './fixtures';

describe('reportSink', () => {
  let testScheduler: TestScheduler;
  inUtc();

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  const sourceIn = (cold: TestScheduler['createColdObservable']): ReportSource => ({
    status$: cold('a', { a: ConnectionStatus.Connected }),
    quality$: cold('q', { q: seedQuality }),
    stats$: cold('s', { s: { ...initialStats(0), totalConnections: 1, downSince: undefined } }),
    latency$: cold('-x', { x: { source: 'heartbeat' as const, latencyMs: 45, at: 1 } }),
    events$: cold('-'),
  });

  it('should write the zh-CN text report every period, with the report as data', () => {
    const written: Array<[string, ConnectionReport, number]> = [];
    testScheduler.run(({ cold }) => {
      const sink = reportSink(
        sourceIn(cold),
        { every: '10m', writer: (text, report) => written.push([text, report, testScheduler.now()]) },
        testScheduler,
      );
      testScheduler.schedule(() => sink.unsubscribe(), 25 * 60_000);
    });
    expect(written.map(([, , at]) => at)).toEqual([600_000, 1_200_000]);
    const [text, report] = written[0] as [string, ConnectionReport, number];
    expect(text.split('\n').slice(0, 3)).toEqual([
      '📡 连接状态报告:',
      '   连接状态: 已连接 (Connected)',
      '   连接质量评分: 85.2/100',
    ]);
    expect(text.split('\n')).toContain('   本周期 (10分, 00:00:00 – 00:10:00):');
    expect(report.latency.samples).toBe(1);
  });

  it('should write English text or JSON when asked', () => {
    const written: string[] = [];
    testScheduler.run(({ cold }) => {
      const en = reportSink(
        sourceIn(cold),
        { every: 5, locale: 'en', writer: (text) => written.push(text) },
        testScheduler,
      );
      const json = reportSink(
        sourceIn(cold),
        { every: 5, format: 'json', writer: (text) => written.push(text) },
        testScheduler,
      );
      testScheduler.schedule(() => {
        en.unsubscribe();
        json.unsubscribe();
      }, 6);
    });
    expect(written[0]?.split('\n')[0]).toBe('📡 Connection status report:');
    expect(JSON.parse(written[1] as string)).toMatchObject({ status: 'Connected', at: '1970-01-01T00:00:00.005Z' });
  });

  it('should default to console.log', () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      testScheduler.run(({ cold }) => {
        const sink = reportSink(sourceIn(cold), { every: 5 }, testScheduler);
        testScheduler.schedule(() => sink.unsubscribe(), 6);
      });
      expect(log).toHaveBeenCalledTimes(1);
      expect(log.mock.calls[0]?.[0]).toMatch(/^📡 连接状态报告:/);
    } finally {
      log.mockRestore();
    }
  });

  it('should go on reporting when the writer throws, telling onError', () => {
    const errors: unknown[] = [];
    let calls = 0;
    testScheduler.run(({ cold }) => {
      const sink = reportSink(
        sourceIn(cold),
        {
          every: 5,
          writer: () => {
            calls++;
            throw new Error('disk full');
          },
          onError: (error) => errors.push(error),
        },
        testScheduler,
      );
      testScheduler.schedule(() => sink.unsubscribe(), 11);
    });
    expect(calls).toBe(2);
    expect(errors).toEqual([new Error('disk full'), new Error('disk full')]);
  });

  it('should tell onError when a source errors, instead of throwing asynchronously', () => {
    const errors: unknown[] = [];
    const status$ = new Subject<ConnectionStatus>();
    const sink = reportSink(
      { status$, quality$: NEVER, stats$: NEVER, latency$: NEVER, events$: NEVER },
      { onError: (error) => errors.push(error) },
    );
    status$.error(new Error('engine died'));
    expect(errors).toEqual([new Error('engine died')]);
    expect(sink.closed).toBe(true);
  });

  it('should report a Connection from its snapshot and stop when the connection is closed', () => {
    const reported: ConnectionReport[] = [];
    let sinkClosedAtClose: boolean | undefined;
    let sinkClosedAfter: boolean | undefined;
    testScheduler.run(({ cold }) => {
      const transport = new MarbleTransport(testScheduler, [cold('-o', { o: MarbleTransport.OPEN })], {
        autoPongMs: 4,
      });
      const link = connect({ url: 'ws://exchange.test', transport, scheduler: testScheduler, heartbeatInterval: 100 });
      const sink = reportSink(link, { every: 1000, writer: (_text, report) => reported.push(report) }, testScheduler);
      testScheduler.schedule(() => {
        sinkClosedAtClose = sink.closed;
        void link.close();
        sinkClosedAfter = sink.closed;
      }, 2500);
    });
    expect(reported.map((r) => [r.at, r.status])).toEqual([
      [1000, 'Connected'],
      [2000, 'Connected'],
    ]);
    expect(reported[0]?.stats.totalConnections).toBe(1);
    expect(reported[0]?.latency).toMatchObject({ minMs: 4, maxMs: 4 });
    expect(reported[1]?.latency.samples).toBe(10);
    expect([sinkClosedAtClose, sinkClosedAfter]).toEqual([false, true]);
  });

  it('should reject bad options with a ConfigError before subscribing', () => {
    const source = {} as ReportSource;
    expect(() => reportSink(source, { locale: 'de' as never })).toThrow(ConfigError);
    expect(() => reportSink(source, { format: 'yaml' as never })).toThrow(/Invalid format: "yaml"/);
    expect(() => reportSink(source, { writer: 'stdout' as never })).toThrow(/writer/);
  });
});

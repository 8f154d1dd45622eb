import { Gauge, Registry } from 'prom-client';
import { BehaviorSubject, SchedulerLike, Subject, Subscription } from 'rxjs';
import {
  ConfigError,
  Connection,
  ConnectionEvent,
  ConnectionEventType as E,
  ConnectionQuality,
  ConnectionStats,
  ConnectionStatus as S,
  ConnectOptions,
  FeedLagReading,
  LatencySample,
  connect,
  overallScore,
} from '../../src/index';
import { createEvent } from '../../src/model/ConnectionEvent';
import { connectionEventTypes } from '../../src/model/ConnectionEventType';
import { initialQuality } from '../../src/model/ConnectionQuality';
import { initialStats } from '../../src/model/ConnectionStats';
import { MissingPeerError } from '../../src/model/MissingPeerError';
import { loadPromClient } from '../../src/sinks/loadPromClient';
import { defaultLatencyBuckets } from '../../src/sinks/metricDefinitions';
import { MetricsSink, metricsSink } from '../../src/sinks/metricsSink';
import { MetricsServer, serveMetrics } from '../../src/sinks/serveMetrics';
import { tradeGate } from '../../src/sinks/tradeGate';
import { Exposition, httpGet, parseExposition } from '../support/exposition';
import { TestServer, startTestServer, waitFor } from '../support/testServer';

/** Hand-fed streams, shaped like a `Connection`'s. */
function streams() {
  return {
    status$: new BehaviorSubject<S>(S.Connecting),
    quality$: new BehaviorSubject<ConnectionQuality>(initialQuality),
    stats$: new BehaviorSubject<ConnectionStats>(initialStats(0)),
    events$: new Subject<ConnectionEvent>(),
    latency$: new Subject<LatencySample>(),
  };
}

describe('metricsSink', () => {
  let clock: number;
  const scheduler = { now: () => clock, schedule: () => undefined } as unknown as SchedulerLike;
  const sinks: MetricsSink[] = [];

  beforeEach(() => (clock = 0));
  afterEach(() => sinks.splice(0).forEach((sink) => sink.unsubscribe()));

  function start(source = streams(), config: Parameters<typeof metricsSink>[1] = {}) {
    const sink = metricsSink(source, config, scheduler);
    sinks.push(sink);
    return { source, sink, scrape: async (): Promise<Exposition> => parseExposition(await sink.registry.metrics()) };
  }

  describe('exposition', () => {
    it('should declare every metric with HELP and TYPE under the lifeline_ prefix', async () => {
      const { scrape } = start(streams(), { gate$: new BehaviorSubject({ open: false }) });
      const { families } = await scrape();
      expect(Object.fromEntries([...families].map(([name, { type }]) => [name, type]))).toEqual({
        lifeline_status: 'gauge',
        lifeline_quality_score: 'gauge',
        lifeline_latency_average_seconds: 'gauge',
        lifeline_packet_loss_ratio: 'gauge',
        lifeline_error_ratio: 'gauge',
        lifeline_stability_ratio: 'gauge',
        lifeline_throughput_messages_per_second: 'gauge',
        lifeline_uptime_ratio: 'gauge',
        lifeline_downtime_seconds: 'gauge',
        lifeline_latency_seconds: 'histogram',
        lifeline_connections_total: 'counter',
        lifeline_disconnections_total: 'counter',
        lifeline_reconnect_attempts_total: 'counter',
        lifeline_reconnect_successes_total: 'counter',
        lifeline_events_total: 'counter',
        lifeline_gate_open: 'gauge',
      });
      for (const { help } of families.values()) expect(help.length).toBeGreaterThan(10);
    });

    it('should use another prefix, and leave the gate out when there is none', async () => {
      const { scrape } = start(streams(), { prefix: 'bot_' });
      const names = [...(await scrape()).families.keys()];
      expect(names.every((name) => name.startsWith('bot_'))).toBe(true);
      expect(names).not.toContain('bot_gate_open');
    });

    it('should put the constant labels on every series', async () => {
      const { scrape } = start(streams(), { labels: { connection: 'market', venue: 'hl' } });
      const { samples } = await scrape();
      expect(samples.length).toBeGreaterThan(20);
      for (const sample of samples) expect(sample.labels).toMatchObject({ connection: 'market', venue: 'hl' });
    });

    it('should create a registry when none is given, and use the one given', () => {
      const registry = new Registry();
      expect(start(streams(), { registry }).sink.registry).toBe(registry);
      expect(start().sink.registry).toBeInstanceOf(Registry);
    });
  });

  describe('status', () => {
    it('should set 1 for the current status and 0 for the five others', async () => {
      const { source, scrape } = start();
      const current = async (): Promise<string[]> =>
        (await scrape()).all('lifeline_status').flatMap((s) => (s.value === 1 ? [s.labels.status as string] : []));
      expect((await scrape()).all('lifeline_status')).toHaveLength(6);
      expect(await current()).toEqual([S.Connecting]);
      source.status$.next(S.Connected);
      expect(await current()).toEqual([S.Connected]);
      source.status$.next(S.Failed);
      expect(await current()).toEqual([S.Failed]);
    });
  });

  describe('quality', () => {
    it('should expose the score and the figures, ratios in 0–1 and times in seconds', async () => {
      const { source, scrape } = start();
      let m = await scrape();
      // Was 100: a link never seen is not good (issue 11 item 12), so its latency part scores 0 until measured.
      expect(m.value('lifeline_quality_score')).toBe(70);
      // No latency measured yet: no average either, rather than a misleading 0.
      expect(m.value('lifeline_latency_average_seconds')).toBeUndefined();
      const quality: ConnectionQuality = {
        averageLatencyMs: 45,
        latencySamples: 3,
        packetLossRate: 0.02,
        connectionStability: 92.5,
        dataThroughput: 12.5,
        errorRate: 0.05,
        uptimePercentage: 99,
      };
      source.quality$.next(quality);
      m = await scrape();
      expect(m.value('lifeline_quality_score')).toBeCloseTo(overallScore(quality), 10);
      expect(m.value('lifeline_latency_average_seconds')).toBe(0.045);
      expect(m.value('lifeline_packet_loss_ratio')).toBe(0.02);
      expect(m.value('lifeline_error_ratio')).toBe(0.05);
      expect(m.value('lifeline_stability_ratio')).toBe(0.925);
      expect(m.value('lifeline_throughput_messages_per_second')).toBe(12.5);
    });

    it('should give downtime and uptime as of the scrape, the current outage included', async () => {
      const { source, scrape } = start();
      // Monitoring since 0, connected at 2 s, down since 8 s.
      source.stats$.next({ ...initialStats(0), totalConnections: 1, closedDowntime: 2000, downSince: 8000 });
      clock = 10_000;
      let m = await scrape();
      expect(m.value('lifeline_downtime_seconds')).toBe(4);
      expect(m.value('lifeline_uptime_ratio')).toBe(0.6);
      clock = 20_000;
      m = await scrape();
      expect(m.value('lifeline_downtime_seconds')).toBe(14);
      expect(m.value('lifeline_uptime_ratio')).toBe(0.3);
    });
  });

  describe('latency histogram', () => {
    it('should have buckets from 1 ms to 10 s, in seconds, by source', async () => {
      const { source, scrape } = start();
      source.latency$.next({ source: 'heartbeat', latencyMs: 45, at: 0 });
      source.latency$.next({ source: 'heartbeat', latencyMs: 3, at: 0 });
      source.latency$.next({ source: 'probe', latencyMs: 1200, at: 0 });
      const m = await scrape();
      const heartbeat = m
        .all('lifeline_latency_seconds_bucket')
        .filter((s) => s.labels.source === 'heartbeat')
        .map((s) => [s.labels.le, s.value]);
      expect(heartbeat.map(([le]) => le)).toEqual([...defaultLatencyBuckets.map(String), '+Inf']);
      expect(heartbeat).toContainEqual(['0.0025', 0]);
      expect(heartbeat).toContainEqual(['0.005', 1]);
      expect(heartbeat).toContainEqual(['0.025', 1]);
      expect(heartbeat).toContainEqual(['0.05', 2]);
      expect(m.value('lifeline_latency_seconds_count', { source: 'heartbeat' })).toBe(2);
      expect(m.value('lifeline_latency_seconds_sum', { source: 'heartbeat' })).toBeCloseTo(0.048, 10);
      expect(m.value('lifeline_latency_seconds_bucket', { source: 'probe', le: '1' })).toBe(0);
      expect(m.value('lifeline_latency_seconds_bucket', { source: 'probe', le: '2.5' })).toBe(1);
    });

    it('should take other buckets', async () => {
      const { source, scrape } = start(streams(), { buckets: [0.1, 1] });
      source.latency$.next({ source: 'heartbeat', latencyMs: 500, at: 0 });
      const les = (await scrape()).all('lifeline_latency_seconds_bucket').map((s) => [s.labels.le, s.value]);
      expect(les).toEqual([
        ['0.1', 0],
        ['1', 1],
        ['+Inf', 1],
      ]);
    });
  });

  describe('counters', () => {
    it('should count connections, disconnections, reconnect attempts and successes from the statistics', async () => {
      const { source, scrape } = start();
      const counts = async (): Promise<Array<number | undefined>> => {
        const m = await scrape();
        return [
          m.value('lifeline_connections_total'),
          m.value('lifeline_disconnections_total'),
          m.value('lifeline_reconnect_attempts_total'),
          m.value('lifeline_reconnect_successes_total'),
        ];
      };
      expect(await counts()).toEqual([0, 0, 0, 0]);
      const stats = initialStats(0);
      source.stats$.next({ ...stats, totalConnections: 1, downSince: undefined });
      source.stats$.next({ ...stats, totalConnections: 1, totalDisconnections: 1, totalReconnectAttempts: 2 });
      source.stats$.next({
        ...stats,
        totalConnections: 2,
        totalDisconnections: 1,
        totalReconnectAttempts: 2,
        successfulReconnects: 1,
      });
      expect(await counts()).toEqual([2, 1, 2, 1]);
    });

    it('should start from restored totals, so a restart is not a counter reset', async () => {
      const source = streams();
      source.stats$.next({
        ...initialStats(0),
        totalConnections: 7,
        totalReconnectAttempts: 9,
        successfulReconnects: 6,
      });
      const m = await start(source).scrape();
      expect(m.value('lifeline_connections_total')).toBe(7);
      expect(m.value('lifeline_reconnect_attempts_total')).toBe(9);
      expect(m.value('lifeline_reconnect_successes_total')).toBe(6);
    });

    it('should count events by type and severity, every type from 0', async () => {
      const { source, scrape } = start();
      source.events$.next(createEvent(E.Disconnected, 0, 'lost'));
      source.events$.next(createEvent(E.ReconnectAttempt, 0, 'retry 1'));
      source.events$.next(createEvent(E.ReconnectAttempt, 0, 'retry 2'));
      const m = await scrape();
      expect(m.all('lifeline_events_total')).toHaveLength(connectionEventTypes.length);
      expect(m.value('lifeline_events_total', { type: 'Disconnected', severity: '4' })).toBe(1);
      expect(m.value('lifeline_events_total', { type: 'ReconnectAttempt', severity: '2' })).toBe(2);
      expect(m.value('lifeline_events_total', { type: 'HeartbeatTimeout', severity: '3' })).toBe(0);
    });
  });

  describe('gate', () => {
    it('should be 1 while the gate is open and 0 while it is closed', async () => {
      const gate$ = new BehaviorSubject({ open: false });
      const { scrape } = start(streams(), { gate$ });
      expect((await scrape()).value('lifeline_gate_open')).toBe(0);
      gate$.next({ open: true });
      expect((await scrape()).value('lifeline_gate_open')).toBe(1);
      gate$.next({ open: false });
      expect((await scrape()).value('lifeline_gate_open')).toBe(0);
    });
  });

  describe('feed lag', () => {
    const reading = (feed: string, smoothedMs: number, stale = false): FeedLagReading => ({
      feed,
      lastMs: smoothedMs,
      smoothedMs,
      maxMs: smoothedMs,
      p95Ms: smoothedMs * 2,
      recent: 8,
      stale,
      maxLagMs: 1000,
      samples: 8,
      invalid: 0,
    });

    it('should expose each feed’s smoothed lag, p95 and staleness in seconds, by feed', async () => {
      const feedLag$ = new BehaviorSubject<readonly FeedLagReading[]>([]);
      const withFeeds = { ...streams(), feedLag$ };
      const { scrape } = start(withFeeds);
      expect((await scrape()).all('lifeline_feed_lag_seconds')).toEqual([]);
      feedLag$.next([reading('trades', 40), reading('book', 2500, true)]);
      const m = await scrape();
      expect(m.families.get('lifeline_feed_lag_seconds')?.type).toBe('gauge');
      expect(m.value('lifeline_feed_lag_seconds', { feed: 'trades' })).toBe(0.04);
      expect(m.value('lifeline_feed_lag_p95_seconds', { feed: 'trades' })).toBe(0.08);
      expect(m.value('lifeline_feed_lag_stale', { feed: 'trades' })).toBe(0);
      expect(m.value('lifeline_feed_lag_seconds', { feed: 'book' })).toBe(2.5);
      expect(m.value('lifeline_feed_lag_stale', { feed: 'book' })).toBe(1);
      feedLag$.next([reading('trades', 40), reading('book', 300)]);
      expect((await scrape()).value('lifeline_feed_lag_stale', { feed: 'book' })).toBe(0);
    });

    it('should declare no feed metric for a source without feedLag$', async () => {
      const { scrape } = start();
      expect([...(await scrape()).families.keys()].filter((name) => name.includes('feed'))).toEqual([]);
    });

    it('should remove every feed’s series on unsubscribe', async () => {
      const feedLag$ = new BehaviorSubject<readonly FeedLagReading[]>([reading('trades', 40), reading('book', 90)]);
      const withFeeds = { ...streams(), feedLag$ };
      const { sink, scrape } = start(withFeeds);
      expect((await scrape()).all('lifeline_feed_lag_p95_seconds')).toHaveLength(2);
      sink.unsubscribe();
      expect((await scrape()).samples).toEqual([]);
      expect(feedLag$.observed).toBe(false);
    });
  });

  describe('event-loop lag', () => {
    it('should expose the lag of each period from lag$, in seconds, apart from the latency', async () => {
      const lag$ = new Subject<number>();
      const source = streams();
      const { scrape } = start(Object.assign(source, { lag$ }));
      lag$.next(0);
      expect((await scrape()).value('lifeline_event_loop_lag_seconds')).toBe(0);
      lag$.next(1402);
      const m = await scrape();
      expect(m.value('lifeline_event_loop_lag_seconds')).toBe(1.402);
      expect(m.families.get('lifeline_event_loop_lag_seconds')?.type).toBe('gauge');
      expect(m.all('lifeline_latency_seconds_count')).toHaveLength(0);
      source.latency$.next({ source: 'heartbeat', latencyMs: 5, at: 0 });
      expect((await scrape()).value('lifeline_event_loop_lag_seconds')).toBe(1.402);
    });

    it('should leave the metric out for a source without lag$', async () => {
      const { scrape } = start();
      expect([...(await scrape()).families.keys()]).not.toContain('lifeline_event_loop_lag_seconds');
    });
  });

  describe('several links in one registry', () => {
    it('should keep each link’s series apart by its labels, and remove only the closed one’s', async () => {
      const registry = new Registry();
      const market = start(streams(), { registry, labels: { connection: 'market' } });
      const user = start(streams(), { registry, labels: { connection: 'user' } });
      user.source.status$.next(S.Failed);
      user.source.stats$.next({ ...initialStats(0), closedDowntime: 0, downSince: 0 });
      clock = 5000;
      let m = await market.scrape();
      expect(m.value('lifeline_status', { connection: 'market', status: 'Connecting' })).toBe(1);
      expect(m.value('lifeline_status', { connection: 'user', status: 'Failed' })).toBe(1);
      expect(m.value('lifeline_downtime_seconds', { connection: 'user' })).toBe(5);
      expect(m.value('lifeline_downtime_seconds', { connection: 'market' })).toBe(5);
      user.sink.unsubscribe();
      m = await market.scrape();
      expect(m.samples.some((s) => s.labels.connection === 'user')).toBe(false);
      expect(m.value('lifeline_status', { connection: 'market', status: 'Connecting' })).toBe(1);
      expect(m.value('lifeline_downtime_seconds', { connection: 'market' })).toBe(5);
    });

    it('should watch several links given by name, each with its name as the connection label', async () => {
      const market = streams();
      const user = streams();
      const sink = metricsSink({ market, user }, { labels: { venue: 'hl' } }, scheduler);
      sinks.push(sink);
      user.status$.next(S.Failed);
      let m = parseExposition(await sink.registry.metrics());
      expect(m.value('lifeline_status', { venue: 'hl', connection: 'market', status: 'Connecting' })).toBe(1);
      expect(m.value('lifeline_status', { venue: 'hl', connection: 'user', status: 'Failed' })).toBe(1);
      sink.unsubscribe();
      m = parseExposition(await sink.registry.metrics());
      expect(m.samples).toEqual([]);
      expect(market.status$.observed || user.status$.observed).toBe(false);
    });

    it('should leave nothing behind when one of several links cannot be watched', async () => {
      const registry = new Registry();
      start(streams(), { registry, labels: { connection: 'user' } });
      const market = streams();
      expect(() => metricsSink({ market, user: streams() }, { registry }, scheduler)).toThrow(
        expect.objectContaining({ field: 'labels' }),
      );
      expect(market.status$.observed).toBe(false);
      const m = parseExposition(await registry.metrics());
      expect(m.samples.some((sample) => sample.labels.connection === 'market')).toBe(false);
    });

    it('should refuse a second sink with the same labels, until the first is closed', () => {
      const registry = new Registry();
      const first = start(streams(), { registry, labels: { connection: 'market' } });
      expect(() => metricsSink(streams(), { registry, labels: { connection: 'market' } })).toThrow(
        expect.objectContaining({ field: 'labels' }),
      );
      first.sink.unsubscribe();
      expect(() => start(streams(), { registry, labels: { connection: 'market' } })).not.toThrow();
    });

    it('should refuse a second sink with other label names', () => {
      const registry = new Registry();
      start(streams(), { registry, labels: { connection: 'market' } });
      expect(() => metricsSink(streams(), { registry, labels: { link: 'user' } })).toThrow(
        expect.objectContaining({ field: 'labels' }),
      );
    });

    it('should refuse a prefix whose names another metric has taken', () => {
      const registry = new Registry();
      new Gauge({ name: 'lifeline_status', help: 'mine', registers: [registry] });
      expect(() => metricsSink(streams(), { registry })).toThrow(expect.objectContaining({ field: 'prefix' }));
    });

    it('should leave the registry as it was when a name is taken', async () => {
      const registry = new Registry();
      new Gauge({ name: 'lifeline_events_total', help: 'mine', registers: [registry] });
      expect(() => metricsSink(streams(), { registry })).toThrow(/lifeline_events_total is taken/);
      expect(registry.getMetricsAsArray().map((metric) => metric.name)).toEqual(['lifeline_events_total']);
      // And the labels were not claimed: another prefix works.
      start(streams(), { registry, prefix: 'bot_' });
    });
  });

  describe('unsubscribe()', () => {
    it('should stop updating and remove the link’s series, once', async () => {
      const { source, sink, scrape } = start();
      expect(sink).toBeInstanceOf(Subscription);
      sink.unsubscribe();
      sink.unsubscribe();
      source.status$.next(S.Connected);
      source.events$.next(createEvent(E.Connected, 0, 'up'));
      const m = await scrape();
      expect(m.samples).toEqual([]);
      expect(source.status$.observed).toBe(false);
      expect(source.events$.observed).toBe(false);
    });
  });

  describe('configuration', () => {
    it.each([
      ['prefix', { prefix: '1x_' }],
      ['prefix', { prefix: 'bad-prefix' }],
      ['labels', { labels: 'market' }],
      ['labels.status', { labels: { status: 'x' } }],
      ['labels.__name', { labels: { __name: 'x' } }],
      ['labels.connection', { labels: { connection: 1 } }],
      ['labels.bad-name', { labels: { 'bad-name': 'x' } }],
      ['buckets', { buckets: [] }],
      ['buckets', { buckets: [1, 0.5] }],
      ['buckets', { buckets: [0, 1] }],
      ['registry', { registry: {} }],
      ['gate$', { gate$: { open: true } }],
      ['onError', { onError: 1 }],
    ])('should throw a ConfigError naming %s', (field, config) => {
      let caught: unknown;
      try {
        metricsSink(streams(), config as never);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ConfigError);
      expect((caught as ConfigError).field).toBe(field);
    });

    it('should throw a ConfigError for a source that is not a Connection, nor a record of them', () => {
      expect(() => metricsSink({ status$: new Subject() } as never)).toThrow(
        expect.objectContaining({ field: 'source' }),
      );
      expect(() => metricsSink({ market: streams(), user: {} } as never)).toThrow(
        expect.objectContaining({ field: 'source' }),
      );
      expect(() => metricsSink({} as never)).toThrow(expect.objectContaining({ field: 'source' }));
    });
  });

  describe('without prom-client', () => {
    const notFound = (): never => {
      const error = new Error("Cannot find module 'prom-client'") as NodeJS.ErrnoException;
      error.code = 'MODULE_NOT_FOUND';
      throw error;
    };

    it('should let lifeline load, and say what to install when metricsSink is called', () => {
      try {
        jest.isolateModules(() => {
          jest.doMock('prom-client', notFound);
          // The whole public API and the metrics modules load without it.
          expect(() => require('../../src/index')).not.toThrow();
          const isolated = require('../../src/sinks/metricsSink') as typeof import('../../src/sinks/metricsSink');
          require('../../src/sinks/serveMetrics');
          let caught: unknown;
          try {
            isolated.metricsSink(streams());
          } catch (error) {
            caught = error;
          }
          expect((caught as Error).name).toBe('MissingPeerError');
          expect((caught as MissingPeerError).code).toBe('LIFELINE_MISSING_PEER');
          expect((caught as Error).message).toBe(
            "metricsSink needs the optional peer dependency prom-client (^15): npm install prom-client (Cannot find module 'prom-client')",
          );
        });
      } finally {
        jest.dontMock('prom-client');
      }
    });

    it('should reject a module that is not prom-client', () => {
      expect(() => loadPromClient(() => ({}))).toThrow(MissingPeerError);
      expect(() => loadPromClient(notFound)).toThrow(/npm install prom-client/);
      expect(loadPromClient().Registry).toBe(Registry);
    });
  });

  describe('on a real link, scraped over HTTP', () => {
    let server: TestServer | undefined;
    let link: Connection | undefined;
    let http: MetricsServer | undefined;

    afterEach(async () => {
      http?.unsubscribe();
      await link?.close();
      await server?.close();
      http = undefined;
      link = undefined;
      server = undefined;
    });

    const fast: Partial<ConnectOptions> = {
      heartbeatInterval: 50,
      heartbeatTimeout: 300,
      initialDelay: 50,
      jitter: 'none',
      resetOnSuccess: 0,
      sampleInterval: 50,
    };

    it('should expose a live link and move the counters after a reconnect', async () => {
      server = await startTestServer();
      link = connect({ url: server.url, ...fast });
      const gate = tradeGate(link, { settle: 0 });
      http = await serveMetrics(link, { labels: { connection: 'market' }, gate$: gate.gate$, port: 0 });
      let latencies = 0;
      link.latency$.subscribe(() => latencies++);
      await waitFor(() => latencies >= 2, 3000, 'two heartbeat round trips');

      const response = await httpGet(`${http.url}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(response.body).toContain(
        '# HELP lifeline_status Connection status: 1 for the current one, 0 for the others.\n',
      );
      expect(response.body).toContain('# TYPE lifeline_latency_seconds histogram\n');
      expect(response.body).toContain('lifeline_status{connection="market",status="Connected"} 1\n');
      expect(response.body).toContain('lifeline_gate_open{connection="market"} 1\n');
      let m = parseExposition(response.body);
      expect(m.value('lifeline_connections_total', { connection: 'market' })).toBe(1);
      expect(m.value('lifeline_reconnect_attempts_total', { connection: 'market' })).toBe(0);
      expect(m.value('lifeline_events_total', { connection: 'market', type: 'Connected', severity: '1' })).toBe(1);
      expect(
        m.value('lifeline_latency_seconds_count', { connection: 'market', source: 'heartbeat' }),
      ).toBeGreaterThanOrEqual(2);
      expect(
        m.value('lifeline_latency_seconds_bucket', { connection: 'market', source: 'heartbeat', le: '+Inf' }),
      ).toBeGreaterThanOrEqual(2);

      const socket = server.sockets[0];
      socket?.terminate();
      await waitFor(() => link?.snapshot().stats.successfulReconnects === 1, 3000, 'the reconnect');
      m = parseExposition((await httpGet(`${http.url}/metrics`)).body);
      const labels = { connection: 'market' };
      expect(m.value('lifeline_connections_total', labels)).toBe(2);
      expect(m.value('lifeline_disconnections_total', labels)).toBe(1);
      expect(m.value('lifeline_reconnect_attempts_total', labels)).toBe(1);
      expect(m.value('lifeline_reconnect_successes_total', labels)).toBe(1);
      expect(m.value('lifeline_events_total', { ...labels, type: 'Disconnected', severity: '4' })).toBe(1);
      expect(m.value('lifeline_events_total', { ...labels, type: 'ReconnectSuccess', severity: '1' })).toBe(1);
      expect(m.value('lifeline_downtime_seconds', labels)).toBeGreaterThan(0);
      expect(m.value('lifeline_status', { ...labels, status: 'Connected' })).toBe(1);
    });
  });
});

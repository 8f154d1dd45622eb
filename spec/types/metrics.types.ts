// Pins the metrics entry: every sink returns a Subscription; metricsSink carries its registry.
import { expectTypeOf } from 'expect-type';
import { Registry } from 'prom-client';
import { NEVER, Subscription } from 'rxjs';
import { Connection, logSink, reportSink, stateSink, tradeGate } from '../../src/index';
import { MetricsRegistry, MetricsServer, MetricsSink, metricsSink, serveMetrics } from '../../src/metrics';

declare const link: Connection;
declare const registry: Registry;

export async function cases(): Promise<void> {
  const sink = metricsSink(link);
  expectTypeOf(sink).toEqualTypeOf<MetricsSink>();
  expectTypeOf(sink).toMatchTypeOf<Subscription>();
  expectTypeOf(sink.registry).toEqualTypeOf<MetricsRegistry>();
  // The registry given comes back with its own type.
  expectTypeOf(metricsSink(link, { registry }).registry).toEqualTypeOf<Registry>();
  // Several links by name, e.g. a pool's connections.
  metricsSink({ market: link, user: link }, { labels: { venue: 'hl' } });
  // @ts-expect-error the sink has no close(): unsubscribe
  sink.close();
  // @ts-expect-error labels are strings
  metricsSink(link, { labels: { shard: 1 } });

  const server = await serveMetrics(link, { port: 9464, gate$: tradeGate(link).gate$ });
  expectTypeOf(server).toMatchTypeOf<Subscription>();
  expectTypeOf(server).toEqualTypeOf<MetricsServer>();
  expectTypeOf(server.url).toEqualTypeOf<string>();
  // @ts-expect-error the port is required
  await serveMetrics(link, {});
  // @ts-expect-error a source is required: serveMetrics serves a link's metrics
  await serveMetrics({ registry, port: 0 });

  // The other sinks return Subscriptions too.
  expectTypeOf(reportSink(link)).toEqualTypeOf<Subscription>();
  expectTypeOf(stateSink(link, { path: '/tmp/state.json' })).toEqualTypeOf<Subscription>();
  expectTypeOf(
    logSink(NEVER, { info: () => undefined, warn: () => undefined, error: () => undefined }),
  ).toEqualTypeOf<Subscription>();
}

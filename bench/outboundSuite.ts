import { BenchResults } from './BenchResults';
import { BenchSettings } from './BenchSettings';
import { benchOrder } from './benchOrder';
import { median } from './median';
import { OutboundInput, OutboundResult, OutboundVariant } from './outboundClient';
import { progress } from './progress';
import { runProbe } from './runProbe';

/** Issue 12: lifeline's CPU per `send()` at most this multiple of raw `ws.send(JSON.stringify(…))`. */
const CPU_TARGET = 1.3;

const VARIANTS: readonly OutboundVariant[] = ['wire', 'ws', 'lifeline'];

/** The figures of one side, medians over the repetitions. */
export interface OutboundSide {
  readonly messagesPerSecond: number;
  readonly cpuMicrosPerMessage: number;
  readonly serverCpuMicrosPerMessage: number;
  /** Send-to-server latency under the burst, µs. */
  readonly p50: number;
  readonly p99: number;
  /** The same for orders written 1 ms apart, µs. */
  readonly pacedP50: number;
  readonly pacedP99: number;
}

/** Request/reply figures of one side, medians over the repetitions. */
export interface RequestSide {
  readonly requestsPerSecond: number;
  readonly cpuMicrosPerRequest: number;
  /** Call to reply in hand, µs. */
  readonly p50: number;
  readonly p99: number;
}

/**
 * Outbound: `orders` small orders written as fast as possible by raw `ws.send(JSON.stringify(…))` and
 * by lifeline `send()` (fully monitored), with the wire ceiling; then orders 1 ms apart; then
 * `requests` request/reply round trips. Each client in a fresh process, `reps` interleaved
 * repetitions; ratios are medians of each repetition's lifeline ÷ ws.
 *
 * @param url The benchmark server's base URL.
 * @param settings The run's settings.
 * @returns The outbound section of the results, with issue 12's CPU target judged.
 */
export async function outboundSuite(
  url: string,
  settings: BenchSettings,
): Promise<NonNullable<BenchResults['outbound']>> {
  const { reps, orders, warmup, paced, requests } = settings;
  const runs: OutboundResult[] = [];
  for (let rep = 1; rep <= reps; rep++) {
    for (const variant of VARIANTS) {
      const input: OutboundInput = { variant, url, orders, warmup, paced, requests };
      const result = await runProbe<OutboundInput, OutboundResult>('outboundClient', input, {
        timeoutMs: 60_000 + (orders + warmup) / 10 + paced * 5 + requests,
      });
      runs.push(result);
      const { burst } = result;
      progress(
        `outbound ${rep}/${reps} ${variant.padEnd(8)} ${Math.round(burst.messagesPerSecond).toLocaleString('en-US').padStart(9)} msg/s  ` +
          `${burst.cpuMicrosPerMessage.toFixed(2)} µs CPU/msg` +
          // The wire writer's orders carry no send time: only its rate means anything.
          (variant === 'wire'
            ? ''
            : `  p50 ${micros(burst.latency.p50)} p99 ${micros(burst.latency.p99)}` +
              `  paced p50 ${micros(result.paced.latency.p50)} p99 ${micros(result.paced.latency.p99)}`) +
          (result.request
            ? `  request ${result.request.cpuMicrosPerRequest.toFixed(2)} µs CPU, rtt p50 ${micros(result.request.roundTrip.p50)}`
            : ''),
      );
    }
  }
  const of = (variant: OutboundVariant): OutboundResult[] => runs.filter((run) => run.variant === variant);
  const med = (variant: OutboundVariant, pick: (run: OutboundResult) => number): number =>
    median(of(variant).map(pick));
  const side = (variant: OutboundVariant): OutboundSide => ({
    messagesPerSecond: med(variant, (r) => r.burst.messagesPerSecond),
    cpuMicrosPerMessage: med(variant, (r) => r.burst.cpuMicrosPerMessage),
    serverCpuMicrosPerMessage: med(variant, (r) => r.burst.serverCpuMicrosPerMessage),
    p50: med(variant, (r) => r.burst.latency.p50),
    p99: med(variant, (r) => r.burst.latency.p99),
    pacedP50: med(variant, (r) => r.paced.latency.p50),
    pacedP99: med(variant, (r) => r.paced.latency.p99),
  });
  /** lifeline ÷ ws, repetition by repetition, then the median. */
  const ratio = (pick: (run: OutboundResult) => number): number =>
    median(of('lifeline').map((run, i) => pick(run) / pick(of('ws')[i])));
  const requestSide = (variant: OutboundVariant): RequestSide => ({
    requestsPerSecond: med(variant, (r) => r.request?.requestsPerSecond ?? NaN),
    cpuMicrosPerRequest: med(variant, (r) => r.request?.cpuMicrosPerRequest ?? NaN),
    p50: med(variant, (r) => r.request?.roundTrip.p50 ?? NaN),
    p99: med(variant, (r) => r.request?.roundTrip.p99 ?? NaN),
  });
  const cpu = ratio((r) => r.burst.cpuMicrosPerMessage);
  return {
    orders,
    warmup,
    paced,
    requests,
    reps,
    orderBytes: JSON.stringify(benchOrder(0, 1e12)).length,
    runs,
    wire: side('wire'),
    ws: side('ws'),
    lifeline: side('lifeline'),
    ratio: {
      cpu,
      rate: ratio((r) => r.burst.messagesPerSecond),
      p50: ratio((r) => r.burst.latency.p50),
      p99: ratio((r) => r.burst.latency.p99),
      pacedP50: ratio((r) => r.paced.latency.p50),
      pacedP99: ratio((r) => r.paced.latency.p99),
    },
    ...(requests > 0
      ? {
          request: {
            ws: requestSide('ws'),
            lifeline: requestSide('lifeline'),
            cpuRatio: ratio((r) => r.request?.cpuMicrosPerRequest ?? NaN),
            rateRatio: ratio((r) => r.request?.requestsPerSecond ?? NaN),
          },
        }
      : {}),
    target: { cpuRatio: CPU_TARGET, met: cpu <= CPU_TARGET },
  };
}

function micros(value: number): string {
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} ms` : `${Math.round(value)} µs`;
}

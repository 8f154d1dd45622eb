import { BenchResults } from './BenchResults';
import { BenchSettings } from './BenchSettings';
import { median } from './median';
import { progress } from './progress';
import { runProbe } from './runProbe';
import { ThroughputInput, ThroughputResult, ThroughputVariant } from './throughputClient';
import { tickFrames } from './tickFrames';

/** Issue 12: lifeline's inbound rate, fully monitored, at least this share of raw `ws` + `JSON.parse`. */
const TARGET = 0.97;
/** Issue 10: no regression beyond noise below this share. */
const FLOOR = 0.95;

const VARIANTS: readonly ThroughputVariant[] = ['wire', 'ws', 'rxjs-websockets', 'lifeline'];

/**
 * Inbound throughput: the wire ceiling, (a) raw ws, (b) rxjs-websockets and (c) lifeline fully
 * monitored, each in a fresh process, `reps` interleaved repetitions; medians and per-repetition ratios.
 *
 * @param url The benchmark server's base URL.
 * @param settings The run's settings.
 * @returns The throughput section of the results.
 */
export async function throughputSuite(
  url: string,
  settings: BenchSettings,
): Promise<NonNullable<BenchResults['throughput']>> {
  const { reps, messages, warmup } = settings;
  const runs: ThroughputResult[] = [];
  for (let rep = 1; rep <= reps; rep++) {
    for (const variant of VARIANTS) {
      const result = await runProbe<ThroughputInput, ThroughputResult>(
        'throughputClient',
        { variant, url, messages, warmup },
        { timeoutMs: 60_000 + (messages + warmup) / 10 },
      );
      runs.push(result);
      progress(
        `throughput ${rep}/${reps} ${variant.padEnd(15)} ${Math.round(result.messagesPerSecond).toLocaleString('en-US').padStart(10)} msg/s  ${result.cpuMicrosPerMessage.toFixed(2)} µs CPU/msg`,
      );
    }
  }
  const of = (variant: ThroughputVariant): ThroughputResult[] => runs.filter((run) => run.variant === variant);
  const perRep = (variant: ThroughputVariant, pick: (x: ThroughputResult, a: ThroughputResult) => number): number =>
    median(of(variant).map((run, i) => pick(run, of('ws')[i])));
  const medians = Object.fromEntries(
    VARIANTS.map((variant) => [
      variant,
      {
        messagesPerSecond: median(of(variant).map((run) => run.messagesPerSecond)),
        cpuMicrosPerMessage: median(of(variant).map((run) => run.cpuMicrosPerMessage)),
      },
    ]),
  ) as NonNullable<BenchResults['throughput']>['median'];
  const rate = (x: ThroughputResult, a: ThroughputResult): number => x.messagesPerSecond / a.messagesPerSecond;
  const cpu = (x: ThroughputResult, a: ThroughputResult): number => a.cpuMicrosPerMessage / x.cpuMicrosPerMessage;
  const lifelineToWs = perRep('lifeline', rate);
  return {
    messages,
    warmup,
    reps,
    payloadBytes: tickFrames(1000).payloadBytes,
    runs,
    median: medians,
    ratio: { rxjsWebsocketsToWs: perRep('rxjs-websockets', rate), lifelineToWs },
    cpuRatio: { rxjsWebsocketsToWs: perRep('rxjs-websockets', cpu), lifelineToWs: perRep('lifeline', cpu) },
    target: { lifelineToWs: TARGET, met: lifelineToWs >= TARGET, floor: FLOOR, floorMet: lifelineToWs >= FLOOR },
  };
}

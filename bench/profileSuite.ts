import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { BenchResults } from './BenchResults';
import { BenchSettings } from './BenchSettings';
import { cpuProfileSummary } from './cpuProfileSummary';
import { OutboundInput } from './outboundClient';
import { progress } from './progress';
import { runProbe } from './runProbe';
import { ScaleInput } from './scaleProbe';
import { ThroughputInput } from './throughputClient';

/** One profiled run: a probe and its input. */
interface ProfiledRun {
  readonly name: string;
  readonly script: string;
  readonly input: unknown;
  readonly execArgv?: readonly string[];
  readonly timeoutMs: number;
}

/** Idle connections profiled: enough for per-connection costs to stand out of the process's own. */
const PROFILED_CONNECTIONS = 1000;
const PROFILED_SECONDS = 15;

/**
 * Runs (a) raw `ws` and (c) lifeline once each under `node --cpu-prof` for inbound throughput, the
 * outbound burst and 1,000 idle connections, and summarises each profile: the hottest functions by
 * self time, and lifeline's own functions by total time (with their callees), which is where its
 * cost shows when the leaves are Node's. Profiles are written to bench/profiles/<suite>-<variant>/.
 *
 * @param urls The benchmark server's base URLs (the first for the single-socket runs).
 * @param settings The run's settings.
 * @returns Per profile (`outbound-lifeline`, …): the 25 hottest functions by self time, lifeline's 15 by total.
 */
export async function profileSuite(
  urls: readonly string[],
  settings: BenchSettings,
): Promise<NonNullable<BenchResults['profile']>> {
  const url = urls[0];
  const runs: ProfiledRun[] = (['ws', 'lifeline'] as const).flatMap((variant) => [
    {
      name: `throughput-${variant}`,
      script: 'throughputClient',
      input: { variant, url, messages: settings.messages * 4, warmup: settings.warmup } satisfies ThroughputInput,
      timeoutMs: 120_000,
    },
    {
      name: `outbound-${variant}`,
      script: 'outboundClient',
      input: {
        variant,
        url,
        orders: settings.orders * 4,
        warmup: settings.warmup,
        paced: 0,
        requests: 0,
      } satisfies OutboundInput,
      timeoutMs: 120_000,
    },
    {
      name: `scale-${variant}`,
      script: 'scaleProbe',
      input: {
        variant,
        connections: PROFILED_CONNECTIONS,
        urls,
        durationMs: PROFILED_SECONDS * 1000,
        heartbeatInterval: 1000,
      } satisfies ScaleInput,
      execArgv: ['--expose-gc'],
      timeoutMs: 180_000,
    },
  ]);
  const dir = path.join('bench', 'profiles');
  const profile: NonNullable<BenchResults['profile']> = {};
  for (const run of runs) {
    const target = path.join(dir, run.name);
    rmSync(target, { recursive: true, force: true });
    mkdirSync(target, { recursive: true });
    await runProbe(run.script, run.input, {
      execArgv: [...(run.execArgv ?? []), '--cpu-prof', `--cpu-prof-dir=${target}`],
      timeoutMs: run.timeoutMs,
    });
    const file = readdirSync(target).find((name) => name.endsWith('.cpuprofile'));
    if (!file) throw new Error(`no CPU profile was written to ${target}`);
    const where = path.join(target, file);
    const bySelf = cpuProfileSummary(where, 25);
    // lifeline's own functions by the time spent in them and their callees: where its cost starts.
    // (Module bodies, `(anonymous)` at line 1, are the library loading: not per message.)
    const lifeline = run.name.endsWith('-lifeline')
      ? cpuProfileSummary(where, 400, 'total')
          .filter((hot) => hot.where.includes(`src${path.sep}`))
          .filter((hot) => !(hot.name === '(anonymous)' && hot.where.endsWith(':1')))
          .slice(0, 15)
      : [];
    profile[run.name] = { bySelf, lifeline };
    progress(`profile ${run.name}: ${where}\n  by self time:`);
    for (const hot of bySelf) progress(`  ${percent(hot.self)}  ${hot.name}  ${hot.where}`);
    if (lifeline.length > 0) progress(`  lifeline's functions by total time (self):`);
    for (const hot of lifeline) progress(`  ${percent(hot.total)} (${percent(hot.self)})  ${hot.name}  ${hot.where}`);
  }
  return profile;
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1).padStart(5)} %`;
}

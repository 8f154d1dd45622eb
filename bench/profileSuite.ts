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
 * outbound burst and 1,000 idle connections, and summarises each profile's hottest functions by self
 * time. Profiles are written to bench/profiles/<suite>-<variant>/.
 *
 * @param urls The benchmark server's base URLs (the first for the single-socket runs).
 * @param settings The run's settings.
 * @returns The 25 hottest functions of each profile, by its name (`outbound-lifeline`, …).
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
    profile[run.name] = cpuProfileSummary(path.join(target, file), 25);
    progress(`profile ${run.name}: ${path.join(target, file)}`);
    for (const hot of profile[run.name]) {
      progress(`  ${(hot.self * 100).toFixed(1).padStart(5)} %  ${hot.name}  ${hot.where}`);
    }
  }
  return profile;
}

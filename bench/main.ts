import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BenchResults } from './BenchResults';
import { cpuProfileSummary } from './cpuProfileSummary';
import { DetectionInput, DetectionResult } from './detectionProbe';
import { median } from './median';
import { MemoryInput, MemoryResult } from './memoryProbe';
import { performanceReport } from './performanceReport';
import { runProbe } from './runProbe';
import { ScaleInput, ScaleResult } from './scaleProbe';
import { startServerProcess } from './serverProcess';
import { ThroughputInput, ThroughputResult, ThroughputVariant } from './throughputClient';
import { tickFrames } from './tickFrames';

const HELP = `npm run bench [-- options]   lifeline against raw ws and rxjs-websockets (never part of npm test)

  --quick             short pass: 3 repetitions, 5 s scale runs, 5 half-open links and 3 restarts
  --only=LIST         suites to run, comma-separated: throughput,memory,detection,scale (default: all)
  --reps=N            throughput and memory repetitions, interleaved (default 5; at least 3)
  --messages=N        timed ticks per throughput run (default 500000)
  --warmup=N          untimed ticks first, so every client runs compiled code (default 20000; 0 for a cold start)
  --duration=S        seconds per scale run (default 30)
  --sizes=LIST        connection counts for the scale curve (default 10,100,300,1000)
  --scale-reps=N      repetitions per scale point (default 1: each run is already an average over --duration)
  --profile           also run (a) and (c) once under node --cpu-prof; profiles in bench/profiles/
  --out=FILE          results file (default bench/results.json; the markdown goes beside it as .md)
  --help`;

const SUITES = ['throughput', 'memory', 'detection', 'scale'] as const;
type Suite = (typeof SUITES)[number];

interface Settings {
  readonly suites: ReadonlySet<Suite>;
  readonly reps: number;
  readonly messages: number;
  readonly warmup: number;
  readonly durationSeconds: number;
  readonly sizes: readonly number[];
  readonly scaleReps: number;
  readonly profile: boolean;
  readonly out: string;
  readonly quick: boolean;
  readonly command: string;
}

function settingsFrom(argv: string[]): Settings {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      reps: { type: 'string' },
      messages: { type: 'string' },
      warmup: { type: 'string' },
      duration: { type: 'string' },
      sizes: { type: 'string' },
      'scale-reps': { type: 'string' },
      profile: { type: 'boolean', default: false },
      out: { type: 'string', default: path.join('bench', 'results.json') },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const quick = values.quick === true;
  const whole = (name: string, text: string | undefined, fallback: number, min: number): number => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number >= ${min}, got ${text}`);
    return n;
  };
  const suites = (values.only ?? SUITES.join(',')).split(',').map((s) => s.trim());
  for (const suite of suites) {
    if (!(SUITES as readonly string[]).includes(suite))
      throw new Error(`--only: unknown suite ${suite}; known: ${SUITES.join(', ')}`);
  }
  const sizes = (values.sizes ?? '10,100,300,1000').split(',').map((s) => whole('sizes', s.trim(), 0, 1));
  return {
    suites: new Set(suites as Suite[]),
    reps: whole('reps', values.reps, quick ? 3 : 5, 3),
    messages: whole('messages', values.messages, 500_000, 1000),
    warmup: whole('warmup', values.warmup, 20_000, 0),
    durationSeconds: whole('duration', values.duration, quick ? 5 : 30, 1),
    sizes,
    scaleReps: whole('scale-reps', values['scale-reps'], 1, 1),
    profile: values.profile === true,
    out: values.out as string,
    quick,
    command: ['npm run bench', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' '),
  };
}

const VARIANTS: readonly ThroughputVariant[] = ['wire', 'ws', 'rxjs-websockets', 'lifeline'];

async function throughputSuite(url: string, settings: Settings): Promise<NonNullable<BenchResults['throughput']>> {
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
    target: { lifelineToWs: 0.9, met: lifelineToWs >= 0.9 },
  };
}

async function memorySuite(url: string, settings: Settings): Promise<NonNullable<BenchResults['memory']>> {
  // Heap readings after GC vary little; three interleaved repetitions are enough.
  const reps = Math.min(settings.reps, 3);
  const cases: Array<Pick<MemoryInput, 'kind' | 'count' | 'warmup'>> = [
    { kind: 'messages', count: 1_000_000, warmup: 100_000 },
    { kind: 'reconnects', count: 1000, warmup: 100 },
  ];
  const runs: MemoryResult[] = [];
  for (let rep = 1; rep <= reps; rep++) {
    for (const { kind, count, warmup } of cases) {
      for (const variant of ['lifeline', 'ws'] as const) {
        const result = await runProbe<MemoryInput, MemoryResult>(
          'memoryProbe',
          { variant, kind, url, count, warmup },
          { execArgv: ['--expose-gc'], timeoutMs: 180_000 },
        );
        runs.push(result);
        progress(
          `memory ${rep}/${reps} ${kind.padEnd(10)} ${variant.padEnd(8)} ${(result.growth / 1048576).toFixed(3).padStart(7)} MB in ${result.seconds.toFixed(1)} s`,
        );
      }
    }
  }
  const growth = (kind: MemoryInput['kind'], variant: MemoryInput['variant']): number =>
    median(runs.filter((run) => run.kind === kind && run.variant === variant).map((run) => run.growth));
  const bytes = 2 * 1024 * 1024;
  const messages = { count: cases[0].count, lifeline: growth('messages', 'lifeline'), ws: growth('messages', 'ws') };
  const reconnects = {
    count: cases[1].count,
    lifeline: growth('reconnects', 'lifeline'),
    ws: growth('reconnects', 'ws'),
  };
  return {
    reps,
    runs,
    growth: { messages, reconnects },
    target: { bytes, met: messages.lifeline < bytes && reconnects.lifeline < bytes },
  };
}

async function detectionSuite(settings: Settings): Promise<NonNullable<BenchResults['detection']>> {
  const input: DetectionInput = {
    reps: settings.quick ? 5 : 10,
    heartbeatInterval: 200,
    heartbeatTimeout: 600,
    // Down for varying times, so the restart lands at a different point of the backoff schedule each time.
    downtimes: settings.quick ? [250, 900, 1700] : [150, 400, 650, 900, 1300, 1700, 2300, 2900],
    initialDelay: 100,
    maxDelay: 1600,
  };
  progress('detection: half-open and server restart …');
  const samples = await runProbe<DetectionInput, DetectionResult>('detectionProbe', input, { timeoutMs: 180_000 });
  const detect = samples.halfOpen.map((sample) => sample.detectMs);
  const recovery = samples.restart.map((sample) => sample.recoveryMs);
  const halfOpenTarget = input.heartbeatTimeout * 1.1;
  const summary = {
    halfOpen: {
      medianMs: median(detect),
      maxMs: Math.max(...detect),
      targetMs: halfOpenTarget,
      met: Math.max(...detect) <= halfOpenTarget,
    },
    restart: {
      medianMs: median(recovery),
      maxMs: Math.max(...recovery),
      targetMs: 50,
      met: Math.max(...recovery) <= 50,
    },
  };
  progress(
    `detection: half-open ${detect.map((ms) => ms.toFixed(0)).join(', ')} ms; ` +
      `restart beyond the scheduled retry ${recovery.map((ms) => ms.toFixed(0)).join(', ')} ms`,
  );
  return {
    heartbeatInterval: input.heartbeatInterval,
    heartbeatTimeout: input.heartbeatTimeout,
    initialDelay: input.initialDelay,
    maxDelay: input.maxDelay,
    samples,
    ...summary,
  };
}

async function scaleSuite(url: string, settings: Settings): Promise<NonNullable<BenchResults['scale']>> {
  const { sizes, durationSeconds, scaleReps } = settings;
  const heartbeatInterval = 1000;
  const runs: ScaleResult[] = [];
  let point = 0;
  for (let rep = 1; rep <= scaleReps; rep++) {
    for (const connections of sizes) {
      // Alternate which goes first, so a drift in machine load does not always favour the same side.
      const order = point++ % 2 === 0 ? (['lifeline', 'ws'] as const) : (['ws', 'lifeline'] as const);
      for (const variant of order) {
        const result = await runProbe<ScaleInput, ScaleResult>(
          'scaleProbe',
          { variant, connections, url, durationMs: durationSeconds * 1000, heartbeatInterval },
          { execArgv: ['--expose-gc'], timeoutMs: durationSeconds * 1000 + 120_000 },
        );
        runs.push(result);
        progress(
          `scale ${rep}/${scaleReps} ${String(connections).padStart(5)} ${variant.padEnd(8)} ` +
            `${result.cpuPerWallSecond.toFixed(4)} CPU s/s  ${(result.heapPerConnection / 1024).toFixed(1)} KB/conn  ` +
            `${result.pongs} pongs, ${result.open} open`,
        );
        if (result.open !== connections)
          throw new Error(`scale: ${connections - result.open} ${variant} connections dropped`);
      }
    }
  }
  const pick = (connections: number, variant: ScaleInput['variant'], field: 'cpuPerWallSecond' | 'heapPerConnection') =>
    median(runs.filter((run) => run.connections === connections && run.variant === variant).map((run) => run[field]));
  return {
    durationSeconds,
    heartbeatInterval,
    reps: scaleReps,
    runs,
    points: sizes.map((connections) => {
      const lifeline = {
        cpuPerWallSecond: pick(connections, 'lifeline', 'cpuPerWallSecond'),
        heapPerConnection: pick(connections, 'lifeline', 'heapPerConnection'),
      };
      const ws = {
        cpuPerWallSecond: pick(connections, 'ws', 'cpuPerWallSecond'),
        heapPerConnection: pick(connections, 'ws', 'heapPerConnection'),
      };
      return {
        connections,
        lifeline,
        ws,
        cpuRatio: lifeline.cpuPerWallSecond / ws.cpuPerWallSecond,
        heapRatio: lifeline.heapPerConnection / ws.heapPerConnection,
      };
    }),
  };
}

async function profileSuite(url: string, settings: Settings): Promise<NonNullable<BenchResults['profile']>> {
  const dir = path.join('bench', 'profiles');
  const profile: NonNullable<BenchResults['profile']> = {};
  for (const variant of ['ws', 'lifeline'] as const) {
    const target = path.join(dir, variant);
    rmSync(target, { recursive: true, force: true });
    mkdirSync(target, { recursive: true });
    await runProbe<ThroughputInput, ThroughputResult>(
      'throughputClient',
      { variant, url, messages: settings.messages * 4, warmup: settings.warmup },
      { execArgv: ['--cpu-prof', `--cpu-prof-dir=${target}`], timeoutMs: 120_000 },
    );
    const file = readdirSync(target).find((name) => name.endsWith('.cpuprofile'));
    if (!file) throw new Error(`no CPU profile was written to ${target}`);
    profile[variant] = cpuProfileSummary(path.join(target, file), 25);
    progress(`profile ${variant}: ${path.join(target, file)}`);
    for (const hot of profile[variant]) {
      progress(`  ${(hot.self * 100).toFixed(1).padStart(5)} %  ${hot.name}  ${hot.where}`);
    }
  }
  return profile;
}

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** `markdown` formatted as the repository's prettier would, so the file passes `prettier --check`. */
async function markdownFormatted(markdown: string, file: string): Promise<string> {
  try {
    const prettier = await import('prettier');
    const options = (await prettier.resolveConfig(file)) ?? {};
    return await prettier.format(markdown, { ...options, filepath: file });
  } catch {
    return markdown;
  }
}

async function main(): Promise<void> {
  const settings = settingsFrom(process.argv.slice(2));
  const started = performance.now();
  const loadStart = os.loadavg()[0];
  // Every probe has its own time limit; this one bounds the whole run even if a limit is missed.
  const budgetMs =
    10 * 60_000 +
    settings.sizes.length * settings.scaleReps * 2 * (settings.durationSeconds * 1000 + 60_000) +
    settings.reps * 4 * 60_000;
  setTimeout(() => {
    console.error(`bench: gave up after ${Math.round(budgetMs / 60_000)} minutes`);
    process.exit(2);
  }, budgetMs).unref();

  const server = await startServerProcess();
  const results: Partial<BenchResults> = {};
  try {
    if (settings.suites.has('throughput')) results.throughput = await throughputSuite(server.url, settings);
    if (settings.suites.has('memory')) results.memory = await memorySuite(server.url, settings);
    if (settings.suites.has('detection')) results.detection = await detectionSuite(settings);
    if (settings.suites.has('scale')) results.scale = await scaleSuite(server.url, settings);
    if (settings.profile) results.profile = await profileSuite(server.url, settings);
  } finally {
    await server.stop();
  }

  const cpus = os.cpus();
  const full: BenchResults = {
    machine: {
      cpuModel: cpus[0]?.model.trim() ?? 'unknown',
      cores: cpus.length,
      totalMemoryGiB: os.totalmem() / 1024 ** 3,
      platform: `${os.type()} ${os.release()}`,
      arch: os.arch(),
      node: process.version,
      v8: process.versions.v8,
      loadAverage: { start: loadStart, end: os.loadavg()[0] },
      date: new Date().toISOString(),
    },
    command: settings.command,
    seconds: (performance.now() - started) / 1000,
    ...results,
  };
  const { text, markdown } = performanceReport(full);
  writeFileSync(settings.out, `${JSON.stringify(full, null, 2)}\n`);
  const markdownFile = settings.out.replace(/\.json$/, '') + '.md';
  writeFileSync(markdownFile, await markdownFormatted(markdown, markdownFile));
  console.log(`${text}\n\nWrote ${settings.out} and ${markdownFile} (the README Performance section draft).`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);

import path from 'node:path';
import { parseArgs } from 'node:util';

export const HELP = `npm run bench [-- options]   lifeline against raw ws and rxjs-websockets (never part of npm test)

  --quick             short pass: 3 repetitions, 5 s scale runs up to 1,000 connections, 100,000 orders,
                      5 half-open links and 3 restarts
  --only=LIST         suites to run, comma-separated: throughput,outbound,memory,detection,scale (default: all)
  --reps=N            throughput, outbound and memory repetitions, interleaved (default 5; at least 3)
  --messages=N        timed ticks per throughput run (default 500000)
  --warmup=N          untimed ticks (throughput) and orders (outbound) first, so every client runs compiled
                      code (default 20000; 0 for a cold start)
  --orders=N          timed orders per outbound run, written as fast as possible (default 200000)
  --paced=N           orders written 1 ms apart after them, for latency without a backlog (default 2000)
  --requests=N        request/reply round trips per outbound run (default 50000; 0: none)
  --duration=S        seconds per scale run (default 30)
  --sizes=LIST        connection counts for the scale curve (default 10,100,1000,10000; --quick 10,100,1000)
  --scale-reps=N      repetitions per scale point (default 1: each run is already an average over --duration)
  --profile           also run throughput, outbound and 1,000 idle connections once under node --cpu-prof,
                      for (a) and (c); profiles in bench/profiles/
  --out=FILE          results file (default bench/results.json; the markdown goes beside it as .md)
  --help

10,000 connections need as many file descriptors in the client process and in the server's. Node raises
its soft limit to the hard one (ulimit -Hn) as it starts; the bench stops at once, saying so, if that is too low.`;

export const SUITES = ['throughput', 'outbound', 'memory', 'detection', 'scale'] as const;
export type Suite = (typeof SUITES)[number];

/** What one `npm run bench` runs, from its command line. */
export interface BenchSettings {
  readonly suites: ReadonlySet<Suite>;
  readonly reps: number;
  readonly messages: number;
  readonly warmup: number;
  readonly orders: number;
  readonly paced: number;
  readonly requests: number;
  readonly durationSeconds: number;
  readonly sizes: readonly number[];
  readonly scaleReps: number;
  readonly profile: boolean;
  readonly out: string;
  readonly quick: boolean;
  /** The command that reproduces this run, e.g. `npm run bench -- --quick`. */
  readonly command: string;
}

/**
 * The settings of a run from its arguments (`process.argv.slice(2)`); `--help` prints the usage and
 * exits. A bad value throws, naming the option.
 *
 * @example
 * benchSettings(['--quick', '--only=outbound']).reps // 3
 *
 * @param argv The arguments after the script.
 * @returns The settings, defaults applied.
 */
export function benchSettings(argv: string[]): BenchSettings {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      reps: { type: 'string' },
      messages: { type: 'string' },
      warmup: { type: 'string' },
      orders: { type: 'string' },
      paced: { type: 'string' },
      requests: { type: 'string' },
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
  const sizes = (values.sizes ?? (quick ? '10,100,1000' : '10,100,1000,10000'))
    .split(',')
    .map((s) => whole('sizes', s.trim(), 0, 1));
  return {
    suites: new Set(suites as Suite[]),
    reps: whole('reps', values.reps, quick ? 3 : 5, 3),
    messages: whole('messages', values.messages, 500_000, 1000),
    warmup: whole('warmup', values.warmup, 20_000, 0),
    orders: whole('orders', values.orders, quick ? 100_000 : 200_000, 1000),
    paced: whole('paced', values.paced, quick ? 1000 : 2000, 0),
    requests: whole('requests', values.requests, quick ? 20_000 : 50_000, 0),
    durationSeconds: whole('duration', values.duration, quick ? 5 : 30, 1),
    sizes,
    scaleReps: whole('scale-reps', values['scale-reps'], 1, 1),
    profile: values.profile === true,
    out: values.out as string,
    quick,
    command: ['npm run bench', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' '),
  };
}

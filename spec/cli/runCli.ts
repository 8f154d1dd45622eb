import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** Monitor options that make faults play out in about a second. */
export const FAST = [
  '--heartbeat-interval',
  '200ms',
  '--heartbeat-timeout',
  '1s',
  '--initial-delay',
  '100ms',
  '--jitter',
  'none',
];

/** The built binary: `npm test` builds before jest runs. */
export const BIN = path.join(__dirname, '..', '..', 'dist', 'cli', 'main.js');

/** A running `node dist/cli/main.js …`, its output collected line by line. */
export interface CliRun {
  readonly child: ChildProcess;
  readonly stdout: string[];
  readonly stderr: string[];
  /** Resolves with the exit code (or the signal's name) once the process has exited and its output ended. */
  readonly exited: Promise<number | string>;
  /** Resolves with the first stdout line, present or future, that matches. */
  waitForLine(match: (line: string) => boolean, timeoutMs?: number, what?: string): Promise<string>;
  /** Kills it if still running (SIGKILL), for afterEach. */
  kill(): void;
}

/** Every run started, so afterEach can reap them. */
const runs = new Set<CliRun>();

export function assertBuilt(): void {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first (npm test does)`);
}

/**
 * Starts the CLI with `args` and, optionally, extra environment variables. The proxy variables of
 * the machine running the specs (HTTPS_PROXY, NO_PROXY, …) are not passed on: a spec sets its own.
 */
export function runCli(args: readonly string[], env: Readonly<Record<string, string>> = {}): CliRun {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(https?|all|no)_proxy$/i.test(name)),
  );
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...inherited, ...env, FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const waiters: Array<{ match: (line: string) => boolean; resolve: (line: string) => void }> = [];
  const collect = (stream: NodeJS.ReadableStream, into: string[], watch: boolean): Promise<void> => {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        into.push(line);
        if (!watch) continue;
        for (const waiter of [...waiters]) {
          if (waiter.match(line)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(line);
          }
        }
      }
    });
    return new Promise((resolve) =>
      stream.on('end', () => {
        if (partial) into.push(partial);
        resolve();
      }),
    );
  };
  const ended = Promise.all([
    collect(child.stdout as NodeJS.ReadableStream, stdout, true),
    collect(child.stderr as NodeJS.ReadableStream, stderr, false),
  ]);
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => void ended.then(() => resolve(code ?? signal ?? -1))),
  );
  const run: CliRun = {
    child,
    stdout,
    stderr,
    exited,
    waitForLine: (match, timeoutMs = 10_000, what = 'a matching line') => {
      const present = stdout.find(match);
      if (present !== undefined) return Promise.resolve(present);
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(
            new Error(
              `timed out after ${timeoutMs} ms waiting for ${what}; stdout so far:\n${stdout.join('\n')}\nstderr:\n${stderr.join('\n')}`,
            ),
          );
        }, timeoutMs);
        const waiter = {
          match,
          resolve: (line: string) => {
            clearTimeout(timer);
            resolve(line);
          },
        };
        waiters.push(waiter);
        void exited.then(() => {
          if (!waiters.includes(waiter)) return;
          waiters.splice(waiters.indexOf(waiter), 1);
          clearTimeout(timer);
          reject(
            new Error(`the CLI exited before ${what}; stdout:\n${stdout.join('\n')}\nstderr:\n${stderr.join('\n')}`),
          );
        });
      });
    },
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
  runs.add(run);
  void exited.then(() => runs.delete(run));
  return run;
}

/** Kills every run still going and waits for them to be gone. */
export async function reapCliRuns(): Promise<void> {
  const going = [...runs];
  for (const run of going) run.kill();
  await Promise.all(going.map((run) => run.exited));
}

/** The stdout lines parsed as NDJSON. */
export function records(run: CliRun): Array<Record<string, unknown>> {
  return run.stdout.filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
}

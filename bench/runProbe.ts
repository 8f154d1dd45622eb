import { fork } from 'node:child_process';
import path from 'node:path';

/** How a probe process ends: its result, or the error it reported. */
export type ProbeMessage<R> =
  { readonly type: 'result'; readonly result: R } | { readonly type: 'error'; readonly message: string };

export interface RunProbeOptions {
  /** Node flags for the probe process, e.g. `['--expose-gc']`. Defaults to none. */
  readonly execArgv?: readonly string[];
  /** Milliseconds before the probe is killed and the run fails. */
  readonly timeoutMs: number;
}

/** Milliseconds a probe may take to exit after reporting (writing a CPU profile takes a moment). */
const EXIT_GRACE_MS = 10_000;

/**
 * Runs one measurement in a fresh Node process (fresh heap, fresh JIT): forks `bench/<script>.js`
 * with `input` as JSON and resolves with the result it sends back once it has exited. A probe that
 * overruns `timeoutMs`, or lingers after reporting, is killed.
 */
export function runProbe<I, R>(script: string, input: I, options: RunProbeOptions): Promise<R> {
  const { execArgv = [], timeoutMs } = options;
  const child = fork(path.join(__dirname, `${script}.js`), [JSON.stringify(input)], {
    execArgv: [...execArgv],
    stdio: 'inherit',
  });
  return new Promise<R>((resolve, reject) => {
    let outcome: ProbeMessage<R> | undefined;
    let timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not finish within ${timeoutMs} ms (killed)`));
    }, timeoutMs);
    child.on('message', (message: ProbeMessage<R>) => {
      outcome = message;
      clearTimeout(timer);
      timer = setTimeout(() => child.kill('SIGKILL'), EXIT_GRACE_MS);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (outcome?.type === 'result') resolve(outcome.result);
      else if (outcome?.type === 'error') reject(new Error(`${script}: ${outcome.message}`));
      else reject(new Error(`${script} exited (${signal ?? code}) without a result`));
    });
  });
}

import { ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { TickServerCommand, TickServerReport } from './tickServer';

/** The benchmark server running in a child process. */
export interface ServerProcess {
  /** The first listening port. */
  readonly port: number;
  /** `ws://127.0.0.1:port`, on the first port. */
  readonly url: string;
  /** One base URL per listening port, the first one first. */
  readonly urls: readonly string[];
  /** Wall-clock time (ms since the epoch, the server's `Date.now()`) at which it started listening. */
  readonly listeningAt: number;
  readonly child: ChildProcess;
  /** Closes every connection and exits the process; resolves once it has exited. */
  stop(): Promise<void>;
}

/**
 * Forks `tickServer` and resolves once it is listening on 127.0.0.1 (`port` 0: a random one), on
 * `listeners` ports in all (the others random). Rejects after `timeoutMs`, e.g. when the port is still taken.
 */
export function startServerProcess(port = 0, listeners = 1, timeoutMs = 10_000): Promise<ServerProcess> {
  const child = fork(path.join(__dirname, 'tickServer.js'), [String(port), String(listeners)], {
    execArgv: [],
    stdio: 'inherit',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise<ServerProcess>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`benchmark server did not listen within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`benchmark server exited with ${code} before listening`));
    });
    child.on('message', (report: TickServerReport) => {
      if (report.type !== 'listening') return;
      clearTimeout(timer);
      const urls = report.ports.map((listening) => `ws://127.0.0.1:${listening}`);
      resolve({
        port: report.ports[0],
        url: urls[0],
        urls,
        listeningAt: report.at,
        child,
        stop: () => {
          if (child.exitCode === null && child.signalCode === null && child.connected) {
            child.send({ type: 'stop' } satisfies TickServerCommand);
          }
          const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
          return exited.then(() => clearTimeout(kill));
        },
      });
    });
  });
}

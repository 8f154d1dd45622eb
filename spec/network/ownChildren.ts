import { ChildProcess, SpawnOptions, spawn } from 'node:child_process';

const running = new Set<ChildProcess>();

/**
 * The processes the suite started (servers, clients, the delay line), so that every way out —
 * a case's end, a timeout, SIGINT, an exception — can end them by their own pid and no other.
 *
 * @example
 * const child = ownChildren.spawn('ip', ['netns', 'exec', 'lls', process.execPath, 'server.js']);
 * ownChildren.killAll(); // SIGKILL to each one still running, by pid
 */
export const ownChildren = {
  /** `child_process.spawn`, remembered until the child exits. */
  spawn(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
    const child = spawn(command, args, options);
    running.add(child);
    child.once('exit', () => running.delete(child));
    child.once('error', () => running.delete(child));
    return child;
  },

  /** SIGKILLs every child still running, by pid. Synchronous, so it also works in an exit handler. */
  killAll(): void {
    for (const child of running) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    running.clear();
  },

  /** How many are still running. */
  get count(): number {
    return running.size;
  },
};

/** Resolves when `child` has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

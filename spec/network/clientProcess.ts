import { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { exited, ownChildren } from './ownChildren';
import { ClientCommand, ClientInput, ClientReport } from './protocol';
import { TestBed } from './testBed';

type Started = Extract<ClientReport, { type: 'started' }>;
type Finished = Extract<ClientReport, { type: 'finished' }>;

/**
 * The client runner (`networkClient`) in the client namespace, seen from the suite: its timeline as
 * it reports it, commands (loads, single sends), waits on its status, and `finish()` for the fate of
 * every send.
 *
 * @example
 * const client = await ClientProcess.start(input);
 * await client.waitForStatus('Connected', 5000);
 * client.command({ type: 'load', load: { name: 'orders', method: 'order', everyMs: 250, ttlMs: 2000, bytes: 0 } });
 * const { sends } = await client.finish();
 */
export class ClientProcess {
  readonly timeline: ClientReport[] = [];
  private finished: Finished | undefined;
  private failure: string | undefined;
  private readonly waiters = new Set<() => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly started: Started,
  ) {
    child.on('message', (report: ClientReport) => this.record(report));
    child.once('exit', (code, signal) => {
      if (!this.finished) this.failure ??= `client exited (${signal ?? code}) before it finished`;
      this.wake();
    });
  }

  /** Starts the runner and resolves once `connect()` has returned. */
  static async start(input: ClientInput, timeoutMs = 10_000): Promise<ClientProcess> {
    const child = ownChildren.spawn(
      'ip',
      [
        'netns',
        'exec',
        TestBed.client.ns,
        process.execPath,
        path.join(__dirname, 'networkClient.js'),
        JSON.stringify(input),
      ],
      { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
    );
    const early: ClientReport[] = [];
    const collect = (report: ClientReport): void => {
      early.push(report);
    };
    child.on('message', collect);
    const started = await new Promise<Started>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`client did not start within ${timeoutMs} ms`));
      }, timeoutMs);
      const onExit = (code: number | null): void => {
        clearTimeout(timer);
        const failed = early.find((report) => report.type === 'failed');
        reject(new Error(`client exited with ${code} before it started${failed ? `: ${failed.message}` : ''}`));
      };
      child.once('exit', onExit);
      child.on('message', (report: ClientReport) => {
        if (report.type !== 'started') return;
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve(report);
      });
    });
    child.off('message', collect);
    const client = new ClientProcess(child, started);
    client.timeline.push(...early);
    return client;
  }

  /** The last status the runner reported. */
  get status(): string | undefined {
    for (let i = this.timeline.length - 1; i >= 0; i--) {
      const report = this.timeline[i] as ClientReport;
      if (report.type === 'status') return report.status;
    }
    return undefined;
  }

  command(command: ClientCommand): void {
    if (this.child.connected) this.child.send(command);
  }

  /** Resolves once the status is `status`; rejects after `timeoutMs`. */
  waitForStatus(status: string, timeoutMs: number): Promise<void> {
    return this.waitUntil(() => this.status === status, timeoutMs, `status ${status}`);
  }

  /** Resolves once the gate has reported open; rejects after `timeoutMs`. */
  waitForGateOpen(timeoutMs: number): Promise<void> {
    return this.waitUntil(
      () => this.timeline.some((report) => report.type === 'gate' && report.open),
      timeoutMs,
      'the gate to open',
    );
  }

  /** Stops the loads, closes the link and resolves with every send's fate; kills the runner after `timeoutMs`. */
  async finish(timeoutMs = 10_000): Promise<Finished> {
    this.command({ type: 'finish' });
    try {
      await this.waitUntil(() => this.finished !== undefined, timeoutMs, 'the client to finish');
    } finally {
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 2000);
      await exited(this.child);
      clearTimeout(timer);
    }
    return this.finished as Finished;
  }

  /** SIGKILL, when a case is abandoned. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await exited(this.child);
  }

  private waitUntil(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (this.failure !== undefined && !done()) {
          finish();
          reject(new Error(this.failure));
        } else if (done()) {
          finish();
          resolve();
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  private record(report: ClientReport): void {
    if (report.type === 'finished') this.finished = report;
    else this.timeline.push(report);
    if (report.type === 'failed') this.failure = `client failed: ${report.message}`;
    this.wake();
  }

  private wake(): void {
    for (const check of [...this.waiters]) check();
  }
}

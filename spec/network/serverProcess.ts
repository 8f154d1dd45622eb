import { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { exited, ownChildren } from './ownChildren';
import { ServerCommand, ServerFeed, ServerInput, ServerReport, WallMs } from './protocol';
import { TestBed } from './testBed';

/** One inbound message the server recorded. */
export interface Arrival {
  readonly conn: string;
  readonly at: WallMs;
  readonly id: string;
  readonly method: string;
}

/**
 * The recording server (`networkServer`) in the server namespace, seen from the suite: start, stop,
 * SIGKILL and start again on the same port, change its feed. Its records (arrivals, connections)
 * come in as they happen, so they outlive a SIGKILL.
 *
 * @example
 * const server = new ServerProcess(8080, { kind: 'ticks', everyMs: 50 });
 * await server.start();
 * await server.kill();   // SIGKILL: the kernel closes its sockets
 * await server.start();  // same port, incarnation 1
 * server.arrivals;       // [{ conn: '0.1', at, id: 'o1', method: 'order' }, …]
 */
export class ServerProcess {
  readonly arrivals: Arrival[] = [];
  /** Connections accepted, by id (`incarnation.n`), with when they opened and closed. */
  readonly connections = new Map<string, { openedAt: WallMs; closedAt?: WallMs }>();
  /** When the last flood was fully written. */
  fedAt: WallMs | undefined;

  private child: ChildProcess | undefined;
  private incarnation = 0;

  constructor(
    readonly port: number,
    private feed: ServerFeed,
  ) {}

  /** `ws://10.77.0.6:port`. */
  get url(): string {
    return `ws://${TestBed.server.address}:${this.port}`;
  }

  /** Starts the server and resolves once it listens. */
  async start(timeoutMs = 5000): Promise<void> {
    const input: ServerInput = {
      host: TestBed.server.address,
      port: this.port,
      incarnation: this.incarnation++,
      feed: this.feed,
    };
    const child = ownChildren.spawn(
      'ip',
      [
        'netns',
        'exec',
        TestBed.server.ns,
        process.execPath,
        path.join(__dirname, 'networkServer.js'),
        JSON.stringify(input),
      ],
      { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
    );
    this.child = child;
    child.on('message', (report: ServerReport) => this.record(report));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not listen within ${timeoutMs} ms`)), timeoutMs);
      const onExit = (code: number | null): void => {
        clearTimeout(timer);
        reject(new Error(`server exited with ${code} before listening`));
      };
      child.once('exit', onExit);
      child.on('message', (report: ServerReport) => {
        if (report.type !== 'listening') return;
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve();
      });
    });
  }

  /** Changes what the server sends, now and after a restart. */
  setFeed(feed: ServerFeed): void {
    this.feed = feed;
    this.command({ type: 'feed', feed });
  }

  /** SIGKILL: no close frames; the kernel closes its sockets. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child) return;
    child.kill('SIGKILL');
    await exited(child);
  }

  /** Stops cleanly (SIGKILL after 3 s). */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child) return;
    if (child.connected) child.send({ type: 'stop' } satisfies ServerCommand);
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited(child);
    clearTimeout(timer);
  }

  private command(command: ServerCommand): void {
    if (this.child?.connected) this.child.send(command);
  }

  private record(report: ServerReport): void {
    switch (report.type) {
      case 'arrival':
        this.arrivals.push({ conn: report.conn, at: report.at, id: report.id, method: report.method });
        return;
      case 'connection':
        this.connections.set(report.conn, { openedAt: report.at });
        return;
      case 'closed': {
        const connection = this.connections.get(report.conn);
        if (connection) connection.closedAt = report.at;
        return;
      }
      case 'fed':
        this.fedAt = report.at;
        return;
    }
  }
}

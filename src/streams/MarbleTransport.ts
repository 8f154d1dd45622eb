import { Observable, SchedulerLike, Subject } from 'rxjs';
import { WireData } from '../model/Codec';
import { TransportError } from '../model/TransportError';
import { Transport, TransportConnection } from './Transport';

/** An open socket in a marble spec: records what was sent and pinged, takes scripted frames. */
export class MarbleConnection implements TransportConnection {
  readonly inbound = new Subject<WireData>();
  readonly pongs = new Subject<number | undefined>();
  readonly messages$ = this.inbound.asObservable();
  readonly pongs$ = this.pongs.asObservable();
  /** Frames written, with the scheduler time. */
  readonly sent: Array<{ data: WireData; at: number }> = [];
  /** Scheduler times of protocol pings. */
  readonly pings: number[] = [];
  terminated = false;
  closed = false;
  /** When set, `send` reports a write failure with this error. */
  failWrites: Error | undefined;

  constructor(
    private readonly scheduler: SchedulerLike,
    private readonly autoPongMs: () => number | undefined,
  ) {}

  send(data: WireData, done: (error?: Error) => void): boolean {
    if (this.closed || this.terminated) return false;
    this.sent.push({ data, at: this.scheduler.now() });
    done(this.failWrites);
    return true;
  }

  ping(id: number): void {
    this.pings.push(this.scheduler.now());
    const delay = this.autoPongMs();
    if (delay !== undefined)
      this.scheduler.schedule(() => this.closed || this.terminated || this.pongs.next(id), delay);
  }

  terminate(): void {
    this.terminated = true;
  }

  /** The text frames sent, in order. */
  get texts(): string[] {
    return this.sent.map(({ data }) => data.toString());
  }
}

/** Options of `MarbleTransport`: whether protocol pings are answered, and after how long. */
export interface MarbleTransportOptions {
  /** Answer every protocol ping after this many ms. */
  readonly autoPongMs?: number;
}

/**
 * A transport driven by marbles, for testing strategies against `connect()` in virtual time: attempt
 * n plays `scripts[n]` (the last one repeats). In a script, `MarbleTransport.OPEN` opens the socket,
 * `MarbleTransport.PONG` is a protocol pong without an id, any other string is an inbound text frame;
 * the script's error closes the socket with that error, and its completion closes it cleanly (1000).
 *
 * ```
 * script 1:  --o----m--#      (open at 2, a message at 7, closed by the peer at 10)
 * script 2:  -o               (the reconnect opens at once)
 * ```
 *
 * @example
 * testScheduler.run(({ cold }) => {
 *   const frames = { o: MarbleTransport.OPEN, m: '{"channel":"trades","px":"67000.5"}' };
 *   const transport = new MarbleTransport(testScheduler, [cold('--o----m--#', frames, MarbleTransport.closedBy(1006)), cold('-o', frames)], { autoPongMs: 5 });
 *   const link = connect({ url: 'ws://exchange.test', transport, scheduler: testScheduler, jitter: 'none' });
 *   // … expectObservable(link.status$) …, and close the link before the run ends (heartbeats never stop):
 *   testScheduler.schedule(() => void link.close(), 10_000);
 * });
 */
export class MarbleTransport implements Transport {
  /** Script frame: the socket opens. */
  static readonly OPEN = '<open>';
  /** Script frame: a protocol pong (without a ping id) arrives. */
  static readonly PONG = '<pong>';

  /** A closed-by-peer error for scripts: `cold('--o--#', frames, MarbleTransport.closedBy(1001))`. */
  static closedBy(code: number, reason = ''): TransportError {
    return new TransportError(`connection closed: ${code}`, { closeCode: code, closeReason: reason });
  }

  readonly connections: MarbleConnection[] = [];
  attempts = 0;
  /** Scheduler times at which each attempt started. */
  readonly attemptTimes: number[] = [];
  active = 0;
  /** Answer every protocol ping after this many ms; undefined: never. May be changed mid-run. */
  autoPongMs: number | undefined;

  constructor(
    private readonly scheduler: SchedulerLike,
    private readonly scripts: ReadonlyArray<Observable<string>>,
    options: MarbleTransportOptions = {},
  ) {
    this.autoPongMs = options.autoPongMs;
  }

  connect(): Observable<TransportConnection> {
    const script = this.scripts[Math.min(this.attempts, this.scripts.length - 1)] as Observable<string>;
    this.attempts++;
    return new Observable<TransportConnection>((subscriber) => {
      this.attemptTimes.push(this.scheduler.now());
      this.active++;
      const connection = new MarbleConnection(this.scheduler, () => this.autoPongMs);
      const subscription = script.subscribe({
        next: (frame) => {
          if (frame === MarbleTransport.OPEN) {
            this.connections.push(connection);
            subscriber.next(connection);
          } else if (frame === MarbleTransport.PONG) connection.pongs.next(undefined);
          else connection.inbound.next(frame);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.error(MarbleTransport.closedBy(1000)),
      });
      return () => {
        this.active--;
        connection.closed = true;
        subscription.unsubscribe();
      };
    });
  }

  drain(): Promise<void> {
    return Promise.resolve();
  }
}

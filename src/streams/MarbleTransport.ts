import { Observable, SchedulerLike } from 'rxjs';
import { WireData } from '../model/Codec';
import { TransportError } from '../model/TransportError';
import { RefusalHeaders, upgradeRejected } from '../model/upgradeRejected';
import { Transport, TransportConnection, TransportListener } from './Transport';

/**
 * An open socket in a marble spec: records what was written and pinged, takes scripted frames, and
 * can model a socket whose bytes wait in its own buffer (`backlog`) until the spec drains them.
 */
export class MarbleConnection implements TransportConnection {
  /** Frames the "kernel" took, with the scheduler time: written for good. */
  readonly sent: Array<{ data: WireData; at: number }> = [];
  /** Scheduler times of protocol pings. */
  readonly pings: number[] = [];
  /** Delivers an inbound frame, as the peer sending it: `connection.inbound.next('{"channel":"trades"}')`. */
  readonly inbound: MarbleInlet<WireData> = {
    /** The peer sends `data`. */
    next: (data) => this.listener?.message(data),
  };
  /** Delivers a protocol pong: `connection.pongs.next(id)`. */
  readonly pongs: MarbleInlet<number | undefined> = {
    /** A pong echoing ping `id` arrives (`undefined`: one that echoes none of ours). */
    next: (id) => this.listener?.pong(id),
  };
  /** Abandoned with a (modelled) TCP reset: nothing still buffered was delivered. */
  aborted = false;
  closed = false;
  /** When set, `send` reports a write failure with this error. */
  failWrites: Error | undefined;
  /**
   * When true, written frames wait in the socket's own buffer (counted in `bufferedAmount`) until
   * `drain()` hands them to the "kernel", as on a link slower than the writer.
   */
  backlog = false;
  private readonly buffered: Array<{ readonly data: WireData; readonly done: (error?: Error) => void }> = [];
  private listener: TransportListener | undefined;

  constructor(
    private readonly scheduler: SchedulerLike,
    private readonly autoPongMs: () => number | undefined,
  ) {}

  get bufferedAmount(): number {
    let bytes = 0;
    for (const { data } of this.buffered) bytes += typeof data === 'string' ? data.length : data.byteLength;
    return bytes;
  }

  listen(listener: TransportListener): void {
    this.listener = listener;
  }

  send(data: WireData, done: (error?: Error) => void): boolean {
    if (this.closed || this.aborted) return false;
    if (this.backlog) this.buffered.push({ data, done });
    else this.take(data, done);
    return true;
  }

  /** Hands up to `count` buffered frames to the "kernel", oldest first (all by default). */
  drain(count = Infinity): void {
    for (let i = 0; i < count && this.buffered.length > 0 && !this.aborted; i++) {
      const { data, done } = this.buffered.shift() as { data: WireData; done: (error?: Error) => void };
      this.take(data, done);
    }
  }

  ping(id: number): void {
    this.pings.push(this.scheduler.now());
    const delay = this.autoPongMs();
    if (delay !== undefined)
      this.scheduler.schedule(() => this.closed || this.aborted || this.listener?.pong(id), delay);
  }

  abort(): void {
    this.aborted = true;
    // A reset drops what the socket still held: those frames never reach the peer.
    this.buffered.length = 0;
  }

  /** The text frames sent, in order. */
  get texts(): string[] {
    return this.sent.map(({ data }) => data.toString());
  }

  private take(data: WireData, done: (error?: Error) => void): void {
    if (this.failWrites === undefined) this.sent.push({ data, at: this.scheduler.now() });
    done(this.failWrites);
  }
}

/** Where a spec pushes what the peer sends. */
export interface MarbleInlet<T> {
  /** Delivers `value` to the socket's listener, as if it had just arrived. */
  next(value: T): void;
}

/** How a `MarbleTransport`'s sockets behave beyond their scripts. */
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

  /**
   * An upgrade refused with an HTTP status, as `webSocketTransport` reports it, for scripts: the
   * status and, from a `Retry-After` header, the wait the server asked for.
   *
   * @example
   * cold('#', frames, MarbleTransport.refused(429, { 'retry-after': '30' })); // retryAfterMs 30000
   *
   * @param status The HTTP status, e.g. 429, 503, 401.
   * @param headers Its `Retry-After` (and `Date`, for an HTTP-date `Retry-After`) headers.
   * @param now The local clock (epoch ms), for an HTTP-date `Retry-After` without a `Date`. Defaults to 0.
   * @returns The attempt's error.
   */
  static refused(status: number, headers: RefusalHeaders = {}, now = 0): TransportError {
    return upgradeRejected(status, headers, now);
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

import { Observable, SchedulerLike } from 'rxjs';
import { WireData } from '../model/Codec';
import { TransportError } from '../model/TransportError';
import { RefusalHeaders, upgradeRejected } from '../model/upgradeRejected';
import { Transport, TransportConnection, TransportListener } from './Transport';

/** A frame, or a protocol ping, waiting in the socket's own buffer. */
type Buffered =
  | { readonly kind: 'frame'; readonly data: WireData; readonly done: (error?: Error) => void }
  | { readonly kind: 'ping'; readonly id: number };

/**
 * An open socket in a marble spec: records what was written and pinged, takes scripted frames, and
 * can model a socket whose bytes wait in its own buffer (`backlog`) until the spec drains them.
 *
 * ```
 * send:      -a--b-------c---      (backlog on from the start)
 * drain():   ------d--------d      (d: drain() hands everything buffered to the "kernel")
 * sent:      ------(ab)-----c      (each frame's write callback runs as it is taken)
 * ```
 *
 * While a backlog waits, a protocol ping waits behind it too (as `ws` writes its ping frame after the
 * data already queued), so its pong comes only after the frames before it drained: a link busy
 * uploading measures its own queue. `abort()` models a TCP reset: the buffered frames are dropped and
 * their write callbacks fail, as `ws` reports writes a destroyed socket never made.
 */
export class MarbleConnection implements TransportConnection {
  /** Frames the "kernel" took, with the scheduler time: written for good. */
  readonly sent: Array<{ data: WireData; at: number }> = [];
  /** Scheduler times of protocol pings (when they were sent, buffered or not). */
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
   * When true, written frames (and pings) wait in the socket's own buffer (frames counted in
   * `bufferedAmount`) until `drain()` hands them to the "kernel", as on a link slower than the writer.
   */
  backlog = false;
  /**
   * The bytes of ours the peer's TCP has acknowledged, as the kernel would say (`acknowledged()`);
   * undefined (the default): the kernel does not say, as off Linux. Set it to model a link whose
   * acknowledgements still come while its pings wait behind a backlog in the kernel.
   */
  acked: number | undefined;
  /**
   * The bytes the kernel holds unacknowledged, as it would say (`unacknowledgedBytes()`); undefined
   * (the default): it does not say. Set it to model a kernel holding a slow uplink's backlog.
   */
  kernelHeld: number | undefined;
  private readonly buffered: Buffered[] = [];
  private listener: TransportListener | undefined;

  constructor(
    private readonly scheduler: SchedulerLike,
    private readonly autoPongMs: () => number | undefined,
  ) {}

  get bufferedAmount(): number {
    let bytes = 0;
    for (const entry of this.buffered) {
      if (entry.kind === 'frame') bytes += typeof entry.data === 'string' ? entry.data.length : entry.data.byteLength;
    }
    return bytes;
  }

  listen(listener: TransportListener): void {
    this.listener = listener;
  }

  acknowledged(): number | undefined {
    return this.acked;
  }

  unacknowledgedBytes(_fresh?: boolean): number | undefined {
    return this.kernelHeld;
  }

  send(data: WireData, done: (error?: Error) => void): boolean {
    if (this.closed || this.aborted) return false;
    if (this.backlog) this.buffered.push({ kind: 'frame', data, done });
    else this.take(data, done);
    return true;
  }

  /**
   * Hands up to `count` buffered frames to the "kernel", oldest first (all by default), with the
   * pings queued between them.
   */
  drain(count = Infinity): void {
    let frames = 0;
    while (this.buffered.length > 0 && !this.aborted) {
      const head = this.buffered[0] as Buffered;
      if (head.kind === 'frame' && frames++ >= count) return;
      this.buffered.shift();
      if (head.kind === 'frame') this.take(head.data, head.done);
      else this.pinged(head.id);
    }
  }

  ping(id: number): void {
    this.pings.push(this.scheduler.now());
    // Behind a backlog the ping frame waits its turn, as ws writes it after the data already queued.
    if (this.backlog && this.buffered.length > 0) this.buffered.push({ kind: 'ping', id });
    else this.pinged(id);
  }

  abort(): void {
    this.aborted = true;
    // A reset drops what the socket still held: those frames never reach the peer, and their writes fail.
    for (const entry of this.buffered.splice(0)) {
      if (entry.kind === 'frame') entry.done(new Error('socket reset before the frame was written'));
    }
  }

  /** The text frames sent, in order. */
  get texts(): string[] {
    return this.sent.map(({ data }) => data.toString());
  }

  private take(data: WireData, done: (error?: Error) => void): void {
    if (this.failWrites === undefined) this.sent.push({ data, at: this.scheduler.now() });
    done(this.failWrites);
  }

  /** The ping reached the peer: its pong comes back after `autoPongMs`, if set. */
  private pinged(id: number): void {
    const delay = this.autoPongMs();
    if (delay !== undefined)
      this.scheduler.schedule(() => this.closed || this.aborted || this.listener?.pong(id), delay);
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

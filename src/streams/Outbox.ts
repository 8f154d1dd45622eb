import { SchedulerLike, Subscription } from 'rxjs';
import { Budget } from '../model/Budget';
import { WireData } from '../model/Codec';
import { RequestError } from '../model/RequestError';
import { errorMessage } from '../model/RetryExhaustedError';
import { SendError } from '../model/SendError';
import { KernelBacklog } from './KernelBacklog';
import { RequestBook } from './RequestBook';
import { TransportConnection } from './Transport';

/** The socket the outbox writes to, and who hears that its bytes drain. */
export interface OutboxWriter {
  readonly connection: TransportConnection;
  /** Told when bytes of ours that had waited behind a backlog reached the kernel: the outbound path works. */
  readonly progress: { progress(): void };
}

/** What a queued request needs at write time: its message built with its id and deadline. */
export interface RequestSpec<In> {
  readonly build: (id: number, deadline: number) => WireData;
  readonly timeoutMs: number;
  readonly book: RequestBook<In>;
}

interface Entry {
  readonly data: WireData | undefined;
  readonly request: RequestSpec<unknown> | undefined;
  /** Scheduler time after which it may not be written; Infinity: no limit. */
  readonly deadline: number;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  /** A session message (handshake, subscription) for one socket: written before any queued message. */
  readonly only: TransportConnection | undefined;
  expiry: Subscription | undefined;
}

/** What the outbox reports. */
export interface OutboxReport {
  /** A shared message budget could not be reached: nothing is written until it answers. */
  budgetUnavailable(error: unknown): void;
}

const silentOutbox: OutboxReport = { budgetUnavailable: () => undefined };

/** The outbox's limits. */
export interface OutboxConfig {
  /** Most messages held; one more is rejected with `overflow`. */
  readonly queueSize: number;
  /** Bytes buffered on the socket above which messages wait in the outbox instead. */
  readonly highWaterMark: number;
}

/**
 * Everything a handle writes, in order, and the socket it goes to (as nats.js keeps its pending
 * buffer and phoenix its send buffer). A message is written only while the link is ready
 * (`open(writer)`), the socket's own backlog is under the high-water mark, and the message budget
 * has a slot; until then it waits here, for at most its time-to-live, so the deadline covers the whole
 * time until its bytes are handed to the kernel. Session messages (a handshake, a subscription) for a
 * given socket go first and do not wait for ready.
 *
 * ```
 * send:      -a----b--------c--      (the link is not ready from 3 to 12)
 * open:      o-----------o-----      (ready again: the queue first, then live sends)
 * written:   a-----------bc----      (b waited here; c went straight out)
 * ```
 *
 * Every message leaves exactly one way: written (its promise resolves when the kernel has its bytes)
 * or rejected with a reason (`closed`, `overflow`, `expired`, `disconnected`, `encode`, `write`);
 * a request settles by its reply (see `RequestBook`). An expired message is removed when its time is
 * up: a message the caller saw fail never goes out later.
 */
export class Outbox {
  private readonly entries: Entry[] = [];
  private writer: OutboxWriter | undefined;
  private ready = false;
  private closed = false;
  private paused: Subscription | undefined;
  /** What the kernel holds for the socket last written to (see `KernelBacklog`). */
  private backlog: KernelBacklog | undefined;
  private pumping = false;

  /**
   * @param config The queue size and the high-water mark.
   * @param scheduler Times time-to-lives and budget waits.
   * @param budget The message budget every write takes a slot from; undefined: no limit.
   * @param report Told when a shared budget cannot be reached (messages wait, fail closed).
   */
  constructor(
    private readonly config: OutboxConfig,
    private readonly scheduler: SchedulerLike,
    private readonly budget: Budget | undefined,
    private readonly report: OutboxReport = silentOutbox,
  ) {}

  /** Messages waiting to be written. */
  get queued(): number {
    return this.entries.length;
  }

  /**
   * Writes `data` as soon as the link is ready and can take it, within `ttlMs`; with `queue: false`,
   * rejects at once (`disconnected`) unless it can be written now.
   */
  send(data: WireData, ttlMs: number, queue: boolean, status: () => string): Promise<void> {
    if (this.closed) return Promise.reject(new SendError('closed', 'connection is closed; message not sent'));
    if (!queue && !this.canWriteNow()) {
      return Promise.reject(new SendError('disconnected', `link is ${status()}; message not queued (queue: false)`));
    }
    return this.enqueue(data, undefined, ttlMs, undefined) as Promise<void>;
  }

  /** Writes a request (built with its id and deadline at write time) within `ttlMs`; resolves with its reply. */
  request<In>(spec: RequestSpec<In>, ttlMs: number): Promise<unknown> {
    if (this.closed) {
      return Promise.reject(new RequestError('notSent', 'closed', 'connection is closed; request not sent'));
    }
    return this.enqueue(undefined, spec as RequestSpec<unknown>, ttlMs, undefined);
  }

  /**
   * A session message for `connection` only (a handshake, a subscription): written before any queued
   * message, without waiting for ready; through the message budget. Rejects with `disconnected` if
   * that socket goes before it is written.
   */
  sessionSend(connection: TransportConnection, data: WireData): Promise<void> {
    return this.enqueue(data, undefined, Infinity, connection) as Promise<void>;
  }

  /** A session message for whichever socket is attached now (a subscription added while up). */
  sessionSendCurrent(data: WireData): Promise<void> {
    const writer = this.writer;
    if (writer === undefined) return Promise.reject(new SendError('disconnected', 'no socket to write to'));
    return this.sessionSend(writer.connection, data);
  }

  /**
   * A session request for `connection` only (see `sessionSend`); a `RequestError` (`notSent`,
   * `disconnected`) if that socket goes before it is written.
   */
  sessionRequest<In>(connection: TransportConnection, spec: RequestSpec<In>): Promise<unknown> {
    return this.enqueue(undefined, spec as RequestSpec<unknown>, Infinity, connection);
  }

  /** The socket to write to (session messages go to it from now on). */
  attach(writer: OutboxWriter): void {
    this.writer = writer;
    this.pump();
  }

  /** The link is ready: queued messages go out, in order, then live sends. */
  open(): void {
    this.ready = true;
    this.pump();
  }

  /** The link is not ready (outbound unconfirmed, a step pending): messages wait here under their ttl. */
  hold(): void {
    this.ready = false;
  }

  /** The socket is gone: nothing more goes to it; its pending session messages are rejected. */
  detach(connection: TransportConnection): void {
    if (this.writer?.connection === connection) {
      this.writer = undefined;
      this.ready = false;
    }
    for (const entry of [...this.entries]) {
      if (entry.only !== connection) continue;
      this.remove(entry);
      // A session request rejects as requests do: not a byte of it was written.
      entry.reject(
        entry.request
          ? new RequestError('notSent', 'disconnected', 'the socket closed before the request could be written')
          : new SendError('disconnected', 'the socket closed before the message could be written'),
      );
    }
  }

  /** The handle closed: every waiting message is rejected with `closed`, and so is every later one. */
  close(): void {
    this.closed = true;
    this.writer = undefined;
    this.paused?.unsubscribe();
    for (const entry of this.entries.splice(0)) {
      entry.expiry?.unsubscribe();
      entry.reject(
        entry.request
          ? new RequestError('notSent', 'closed', 'connection closed before the request could be sent')
          : new SendError('closed', 'connection closed before the message could be sent'),
      );
    }
  }

  private canWriteNow(): boolean {
    const writer = this.writer;
    return (
      writer !== undefined &&
      this.ready &&
      this.entries.length === 0 &&
      writer.connection.bufferedAmount <= this.config.highWaterMark
    );
  }

  private enqueue(
    data: WireData | undefined,
    request: RequestSpec<unknown> | undefined,
    ttlMs: number,
    only: TransportConnection | undefined,
  ): Promise<unknown> {
    if (only === undefined && this.entries.length >= this.config.queueSize && !this.canWriteNow()) {
      const text = `send queue full: ${this.config.queueSize} messages already wait for the link`;
      return Promise.reject(request ? new RequestError('notSent', 'overflow', text) : new SendError('overflow', text));
    }
    return new Promise<unknown>((resolve, reject) => {
      const deadline = Number.isFinite(ttlMs) ? this.scheduler.now() + ttlMs : Infinity;
      const entry: Entry = { data, request, deadline, resolve, reject, only, expiry: undefined };
      // Session messages go before the queue, in the order they were given.
      if (only !== undefined) this.entries.splice(this.entries.filter((e) => e.only !== undefined).length, 0, entry);
      else this.entries.push(entry);
      this.pump();
      // Only a message that has to wait gets a timer: one written at once (the usual case) needs none.
      // It is near the end of the queue, so the search from the end is short.
      if (Number.isFinite(ttlMs) && this.entries.lastIndexOf(entry) >= 0) {
        entry.expiry = this.scheduler.schedule(() => {
          this.remove(entry);
          const text = `not sent within its time-to-live of ${ttlMs} ms; it will never be sent`;
          reject(request ? new RequestError('notSent', 'expired', text) : new SendError('expired', text));
        }, ttlMs);
      }
    });
  }

  private remove(entry: Entry): void {
    const index = this.entries.indexOf(entry);
    if (index >= 0) this.entries.splice(index, 1);
    entry.expiry?.unsubscribe();
  }

  /** Writes what may be written now, in order; a write's completion (its bytes drained) pumps again. */
  private pump(): void {
    if (this.pumping || this.paused !== undefined) return;
    this.pumping = true;
    try {
      for (;;) {
        const entry = this.entries[0];
        const target = entry === undefined ? undefined : this.targetOf(entry);
        if (entry === undefined || target === undefined) return;
        // Over the high-water mark: the completion of a write in flight pumps again.
        if (target.bufferedAmount > this.config.highWaterMark) return;
        if (this.kernelBacklogged(target)) return;
        if (!this.takeBudget()) return;
        this.entries.shift();
        this.write(target, entry);
      }
    } finally {
      this.pumping = false;
    }
  }

  /**
   * Whether the kernel itself holds too much for `target` (see `KernelBacklog`): then nothing more is
   * written and the pump looks again when the backlog should have drained or the next reading is due.
   */
  private kernelBacklogged(target: TransportConnection): boolean {
    if (this.backlog?.connection !== target) this.backlog = new KernelBacklog(target);
    const wait = this.backlog.waitMs(this.scheduler.now(), this.config.highWaterMark);
    if (wait === 0) return false;
    this.paused = this.scheduler.schedule(() => this.resume(), wait);
    return true;
  }

  /**
   * Where `entry` may be written now: a session message to its own socket (ready or not, attached or
   * a successor being set up), anything else to the attached socket once the link is ready.
   */
  private targetOf(entry: Entry): TransportConnection | undefined {
    if (entry.only !== undefined) return entry.only;
    return this.ready ? this.writer?.connection : undefined;
  }

  /** Takes a message slot now; false (and a pump scheduled for when one may be free) if there is none. */
  private takeBudget(): boolean {
    if (this.budget === undefined) return true;
    let wait: number | Promise<number>;
    try {
      wait = this.budget.take(this.scheduler.now());
    } catch (error) {
      return this.budgetFailed(error);
    }
    if (wait === 0) return true;
    if (typeof wait === 'number') {
      this.paused = this.scheduler.schedule(() => this.resume(), wait);
      return false;
    }
    // A shared budget answers later: write only once it said yes, and ask again otherwise.
    const pending = new Subscription();
    this.paused = pending;
    wait.then(
      (ms) => {
        if (pending.closed) return;
        if (ms === 0) this.writeOneNow();
        else this.paused = this.scheduler.schedule(() => this.resume(), ms);
      },
      (error: unknown) => {
        if (pending.closed) return;
        this.paused = undefined;
        this.budgetFailed(error);
      },
    );
    return false;
  }

  /** A shared budget could not be reached: nothing is written (fail closed); try again in a second. */
  private budgetFailed(error: unknown): false {
    this.report.budgetUnavailable(error);
    this.paused = this.scheduler.schedule(() => this.resume(), 1000);
    return false;
  }

  private resume(): void {
    this.paused = undefined;
    this.pump();
  }

  /** The budget said yes, later: write the head now if it may still go, then carry on. */
  private writeOneNow(): void {
    this.paused = undefined;
    const entry = this.entries[0];
    const target = entry === undefined ? undefined : this.targetOf(entry);
    if (entry !== undefined && target !== undefined && this.scheduler.now() <= entry.deadline) {
      this.entries.shift();
      this.write(target, entry);
    }
    this.pump();
  }

  private write(connection: TransportConnection, entry: Entry): void {
    let data: WireData;
    let id = 0;
    try {
      if (entry.request) {
        id = entry.request.book.newId();
        data = entry.request.build(id, entry.deadline);
      } else data = entry.data as WireData;
    } catch (error) {
      entry.expiry?.unsubscribe();
      const text = `cannot encode message: ${errorMessage(error)}`;
      entry.reject(entry.request ? new RequestError('notSent', 'encode', text) : new SendError('encode', text, error));
      return;
    }
    if (connection === this.backlog?.connection)
      this.backlog.wrote(typeof data === 'string' ? data.length : data.byteLength);
    const request = entry.request;
    // Still in the socket's buffer once written (the kernel had no room: bytes were waiting, or this
    // one could not go in at once), it completes only when the kernel takes it, i.e. the peer acked.
    let waited = false;
    const accepted = connection.send(data, (error) => {
      if (error) {
        if (request) return; // the socket's loss settles it (`RequestBook.lost`): outcome unknown
        entry.reject(new SendError('write', `socket failed while writing: ${error.message}`, error));
        return;
      }
      // The attached socket's bytes draining is life for its heartbeat.
      if (waited && this.writer?.connection === connection) this.writer.progress.progress();
      if (!request) entry.resolve(undefined);
      this.pump();
    });
    // Read after the write: a completion the socket made at once (the kernel took the bytes) proves nothing.
    waited = accepted && connection.bufferedAmount > 0;
    if (!accepted) {
      // The socket closed before its close event reached us: nothing was sent; it waits for the next one.
      this.entries.unshift(entry);
      this.detach(connection);
      return;
    }
    entry.expiry?.unsubscribe();
    // No reply can come before this: registered now, the request waits for one from here on.
    if (request) request.book.written(id, connection, request.timeoutMs, entry);
  }
}

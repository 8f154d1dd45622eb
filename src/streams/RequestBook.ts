import { SchedulerLike, Subscription } from 'rxjs';
import { RequestError } from '../model/RequestError';
import { TransportConnection } from './Transport';

/** How replies are read: the id a reply answers, and the error it carries. */
export interface ReplyReader<In> {
  readonly idOf: (message: In) => number | string | undefined;
  readonly errorOf: (message: In) => string | undefined;
  /** The exchange's time in a reply, for the clock offset. */
  readonly serverTimeOf?: (message: In) => number | undefined;
}

interface Pending {
  readonly resolve: (reply: unknown) => void;
  readonly reject: (error: RequestError) => void;
  readonly connection: TransportConnection;
  readonly writtenAt: number;
  readonly timer: Subscription;
}

/** A reply that came for a request already settled (timed out, or its link dropped). */
export interface LateReply {
  readonly id: number;
  readonly reason: string;
}

/** How long a request settled without its reply is remembered, so that a late reply is told apart, ms. */
const REMEMBER_MS = 5 * 60_000;

/** A reply that carried the exchange's time: a round trip for the clock offset (t0 sent, t3 received). */
export interface TimedReply {
  readonly t0: number;
  readonly serverTime: number;
  readonly t3: number;
}

/** What the request book reports. */
export interface RequestReport {
  late(reply: LateReply): void;
  timed(sample: TimedReply): void;
}

/**
 * The requests written and waiting for their replies: ids, deadlines, settlement. Every request
 * settles exactly once: its reply (resolved, or `rejected` for an error reply), its timeout
 * (`unknown`), or the loss of the socket it was written on (`unknown`).
 */
export class RequestBook<In> {
  private nextId = 1;
  /** Shared empty maps until the first request (see NOTHING): most handles never send one. */
  private pending = NOTHING as Map<number, Pending>;
  /** Ids settled without a reply (oldest first), remembered a while so a late reply is told apart from noise. */
  private settled = NOTHING as Map<number, { readonly reason: string; readonly at: number }>;

  /**
   * @param reader How replies are read.
   * @param scheduler Times the reply timeouts.
   * @param report Told of a reply that came after its request settled (`late`), and of one that
   *   carried the exchange's time (`timed`).
   */
  constructor(
    private readonly reader: ReplyReader<In>,
    private readonly scheduler: SchedulerLike,
    private readonly report: RequestReport,
  ) {}

  /** Requests waiting for a reply. */
  get size(): number {
    return this.pending.size;
  }

  /** Requests written on `connection` that still wait for their reply. */
  pendingOn(connection: TransportConnection): number {
    let count = 0;
    for (const request of this.pending.values()) if (request.connection === connection) count++;
    return count;
  }

  /**
   * Whether an inbound message may be a reply: requests wait, or some settled without their reply
   * lately and may still be answered late. The inbound path asks `reply` only then.
   */
  get expecting(): boolean {
    // Identity first: a link that never made a request asks this of every message it receives.
    return (this.pending !== NOTHING && this.pending.size > 0) || (this.settled !== NOTHING && this.settled.size > 0);
  }

  /** A fresh id for a request about to be written. */
  newId(): number {
    return this.nextId++;
  }

  /** Request `id` was written on `connection`: wait `timeoutMs` for its reply. */
  written(
    id: number,
    connection: TransportConnection,
    timeoutMs: number,
    settle: Pick<Pending, 'resolve' | 'reject'>,
  ): void {
    // No timer for no timeout: a scheduler handed Infinity (setTimeout) fires after 1 ms.
    if (!Number.isFinite(timeoutMs)) {
      this.writablePending().set(id, pendingOf(settle, connection, this.scheduler.now(), Subscription.EMPTY));
      return;
    }
    const timer = this.scheduler.schedule(() => {
      this.drop(id, 'timed out');
      settle.reject(
        new RequestError(
          'unknown',
          'timeout',
          `no reply within ${timeoutMs} ms; the exchange may or may not have acted on it`,
        ),
      );
    }, timeoutMs);
    this.writablePending().set(id, pendingOf(settle, connection, this.scheduler.now(), timer));
  }

  /**
   * Looks at an inbound message: a reply settles its request and is consumed (true); anything else
   * is not ours (false). Runs on every message while `expecting`: one id read.
   */
  reply(message: In): boolean {
    // With none waiting, only late replies are looked for, and only so long: then none at all.
    if (this.pending.size === 0) this.forgetOld();
    const raw = this.reader.idOf(message);
    if (raw === undefined) return false;
    const id = typeof raw === 'number' ? raw : Number(raw);
    const request = this.pending.get(id);
    if (request === undefined) {
      const settled = this.settled.get(id);
      if (settled === undefined) return false;
      this.settled.delete(id);
      this.report.late({ id, reason: settled.reason });
      return true;
    }
    this.pending.delete(id);
    request.timer.unsubscribe();
    const error = this.reader.errorOf(message);
    if (error !== undefined) {
      request.reject(new RequestError('rejected', 'rejected', `the exchange refused it: ${error}`, message));
      return true;
    }
    const serverTime = this.reader.serverTimeOf?.(message);
    if (serverTime !== undefined) this.report.timed({ t0: request.writtenAt, serverTime, t3: this.scheduler.now() });
    request.resolve(message);
    return true;
  }

  /** The socket `connection` is gone: its requests may or may not have been acted on. */
  lost(connection: TransportConnection, reason: string): void {
    for (const [id, request] of this.pending) {
      if (request.connection !== connection) continue;
      this.drop(id, reason);
      request.reject(
        new RequestError(
          'unknown',
          'disconnected',
          `the link dropped before the reply (${reason}); the exchange may or may not have acted on it`,
        ),
      );
    }
  }

  /** The handle closed: every waiting request's outcome is unknown. */
  close(): void {
    for (const request of this.pending.values()) {
      request.timer.unsubscribe();
      request.reject(
        new RequestError(
          'unknown',
          'closed',
          'the connection closed before the reply; the exchange may or may not have acted on it',
        ),
      );
    }
    this.pending.clear();
  }

  private drop(id: number, reason: string): void {
    const request = this.pending.get(id);
    request?.timer.unsubscribe();
    this.pending.delete(id);
    if (this.settled === NOTHING) this.settled = new Map();
    this.settled.set(id, { reason, at: this.scheduler.now() });
    // Bounded: only the latest settled ids are told apart.
    if (this.settled.size > 1000) this.settled.delete(this.settled.keys().next().value as number);
  }

  /** Forgets the settled ids older than REMEMBER_MS (oldest first: stops at the first recent one). */
  private forgetOld(): void {
    const before = this.scheduler.now() - REMEMBER_MS;
    for (const [id, { at }] of this.settled) {
      if (at > before) return;
      this.settled.delete(id);
    }
  }

  private writablePending(): Map<number, Pending> {
    if (this.pending === NOTHING) this.pending = new Map();
    return this.pending;
  }
}

/** A pending request as one literal: a spread of `settle` plus keys it lacks would give each its own hidden class (see withFields). */
function pendingOf(
  settle: Pick<Pending, 'resolve' | 'reject'>,
  connection: TransportConnection,
  writtenAt: number,
  timer: Subscription,
): Pending {
  return { resolve: settle.resolve, reject: settle.reject, connection, writtenAt, timer };
}

/**
 * The maps of a book that has seen no request: one shared empty map, never written (the writes above
 * replace it first), as a Map costs ~180 B however little it holds.
 */
const NOTHING: ReadonlyMap<number, unknown> = new Map();

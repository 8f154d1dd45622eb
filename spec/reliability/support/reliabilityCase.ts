import { performance } from 'node:perf_hooks';
import {
  Connection,
  ConnectionEvent,
  ConnectionEventType,
  ConnectionStatus,
  ConnectOptions,
  SendError,
  SendOptions,
  connect,
} from '../../../src/index';
import { waitFor } from '../../support/testServer';
import { Leak, ResourceCounts, activeResources, leakedSince } from './activeResources';
import { CaseResult, writeCaseResult } from './caseResult';
import { fastSettings } from './fastSettings';

/** A value and the wall time (`performance.now()`) it was seen. */
export interface Timed<T> {
  readonly value: T;
  readonly at: number;
}

/** The outbound figures of a case's result: sent, delivered, rejected by reason, lost. */
export function outboundOf(account: SendAccount): {
  sent: number;
  delivered: number;
  rejected: Readonly<Record<string, number>>;
  lost: number;
} {
  return { sent: account.sent, delivered: account.delivered, rejected: account.rejected, lost: account.missing.length };
}

/** One `send()` and how it ended. */
export interface TrackedSend {
  /** The frame the JSON codec writes for it: what the server must see. */
  readonly wire: string;
  readonly sentAt: number;
  outcome: 'pending' | 'resolved' | 'rejected';
  reason?: string;
  settledAt?: number;
}

/** How the tracked sends ended up on the server. */
export interface SendAccount {
  readonly sent: number;
  /** Resolved and on the server exactly once. */
  readonly delivered: number;
  readonly rejected: Readonly<Record<string, number>>;
  /** Resolved but not on the server. */
  readonly missing: readonly TrackedSend[];
  /** On the server more than once. */
  readonly duplicated: readonly TrackedSend[];
  /** Rejected (for a reason other than `write`, which may or may not have reached the peer) yet on the server. */
  readonly rejectedButDelivered: readonly TrackedSend[];
  /** Still neither resolved nor rejected. */
  readonly pending: readonly TrackedSend[];
}

type Closable = { close(): unknown };

/** A sequence with repeats folded: `['A', 'B', 'B', 'B']` → `['A', 'B ×3']`. */
function runs(sequence: readonly string[]): string[] {
  const folded: Array<{ value: string; count: number }> = [];
  for (const value of sequence) {
    const last = folded[folded.length - 1];
    if (last?.value === value) last.count++;
    else folded.push({ value, count: 1 });
  }
  return folded.map(({ value, count }) => (count > 1 ? `${value} ×${count}` : value));
}

/**
 * One reliability case against real sockets: opens the link with the fast settings, records every
 * status and event with its wall time, marks when faults are injected and removed, tracks every
 * `send()`, and on `finish()` closes everything it owns, checks that no timer or socket outlived
 * the case, and writes the measurements for the reliability table.
 *
 * Create it first thing in the test, before any server, so its resource baseline is clean.
 */
export class ReliabilityCase {
  readonly statuses: Timed<ConnectionStatus>[] = [];
  readonly events: Timed<ConnectionEvent>[] = [];
  readonly sends: TrackedSend[] = [];
  private readonly baseline: ResourceCounts = activeResources();
  private readonly startedAt = performance.now();
  private readonly marks = new Map<string, number>();
  private readonly owned: Closable[] = [];
  private handle: Connection | undefined;
  private disposed = false;

  constructor(
    readonly id: string,
    readonly title: string,
  ) {}

  /** The link, once `connect` was called. */
  get link(): Connection {
    if (!this.handle) throw new Error('connect() first');
    return this.handle;
  }

  /** Closes `thing` when the case ends: last owned, first closed. */
  own<T extends Closable>(thing: T): T {
    this.owned.push(thing);
    return thing;
  }

  /** Opens the link with the fast settings overridden by `options`, recording statuses and events. */
  connect(options: ConnectOptions): Connection {
    const link = connect({ ...fastSettings, ...options });
    this.handle = link;
    this.own(link);
    link.status$.subscribe((value) => this.statuses.push({ value, at: performance.now() }));
    link.events$.subscribe((value) => this.events.push({ value, at: performance.now() }));
    return link;
  }

  /** Notes that something happened now (a fault injected, removed); returns the time. */
  mark(name: string): number {
    const at = performance.now();
    this.marks.set(name, at);
    return at;
  }

  /** When `name` was marked. */
  markedAt(name: string): number {
    const at = this.marks.get(name);
    if (at === undefined) throw new Error(`no mark ${name}`);
    return at;
  }

  /** Milliseconds from mark `from` to `at`, rounded. */
  since(from: string, at: number): number {
    return Math.round(at - this.markedAt(from));
  }

  /** Waits for `status` seen at or after mark `after` (or ever); returns when it was seen. */
  async status(status: ConnectionStatus, after?: string, timeoutMs = 5000): Promise<number> {
    const from = after === undefined ? -Infinity : this.markedAt(after);
    let found: number | undefined;
    await waitFor(
      () => (found = this.statuses.find((s) => s.value === status && s.at >= from)?.at) !== undefined,
      timeoutMs,
      `${status}${after ? ` after ${after}` : ''}`,
    );
    return found as number;
  }

  /**
   * Waits for an event of `type` (whose description matches `like`, if given) at or after mark
   * `after` (or ever); returns when it was seen.
   */
  async event(type: ConnectionEventType, after?: string, like?: RegExp, timeoutMs = 5000): Promise<number> {
    const from = after === undefined ? -Infinity : this.markedAt(after);
    const matches = (e: Timed<ConnectionEvent>): boolean =>
      e.value.type === type && e.at >= from && (like === undefined || like.test(e.value.description));
    let found: number | undefined;
    await waitFor(
      () => (found = this.events.find(matches)?.at) !== undefined,
      timeoutMs,
      `${type}${like ? ` like ${like}` : ''}${after ? ` after ${after}` : ''}`,
    );
    return found as number;
  }

  /** The status values in order. */
  statusSequence(): ConnectionStatus[] {
    return this.statuses.map((s) => s.value);
  }

  /** The event types in order. */
  eventSequence(): ConnectionEventType[] {
    return this.events.map((e) => e.value.type);
  }

  /** The events of one type. */
  eventsOf(type: ConnectionEventType): ConnectionEvent[] {
    return this.events.filter((e) => e.value.type === type).map((e) => e.value);
  }

  /** `send()` through the link, tracking the outcome; never rejects (the outcome says). */
  send(message: unknown, options?: SendOptions): TrackedSend {
    const tracked: TrackedSend = { wire: JSON.stringify(message), sentAt: performance.now(), outcome: 'pending' };
    this.sends.push(tracked);
    this.link.send(message, options).then(
      () => {
        tracked.outcome = 'resolved';
        tracked.settledAt = performance.now();
      },
      (error: unknown) => {
        tracked.outcome = 'rejected';
        tracked.reason = error instanceof SendError ? error.reason : `not a SendError: ${String(error)}`;
        tracked.settledAt = performance.now();
      },
    );
    return tracked;
  }

  /** Waits until every tracked send has resolved or been rejected. */
  async settled(timeoutMs = 5000): Promise<void> {
    await waitFor(() => this.sends.every((s) => s.outcome !== 'pending'), timeoutMs, 'every send to settle');
  }

  /** Accounts for every tracked send against what the server received. */
  account(received: readonly string[]): SendAccount {
    const counts = new Map<string, number>();
    for (const text of received) counts.set(text, (counts.get(text) ?? 0) + 1);
    const rejected: Record<string, number> = {};
    let delivered = 0;
    const missing: TrackedSend[] = [];
    const duplicated: TrackedSend[] = [];
    const rejectedButDelivered: TrackedSend[] = [];
    const pending: TrackedSend[] = [];
    for (const send of this.sends) {
      const seen = counts.get(send.wire) ?? 0;
      if (seen > 1) duplicated.push(send);
      if (send.outcome === 'pending') pending.push(send);
      else if (send.outcome === 'rejected') {
        rejected[send.reason as string] = (rejected[send.reason as string] ?? 0) + 1;
        if (seen > 0 && send.reason !== 'write') rejectedButDelivered.push(send);
      } else if (seen === 1) delivered++;
      else if (seen === 0) missing.push(send);
    }
    return { sent: this.sends.length, delivered, rejected, missing, duplicated, rejectedButDelivered, pending };
  }

  /**
   * Ends the case: closes everything it owns, newest first (the link before the proxy before the
   * server), measures what outlived the case, and writes the result.
   */
  async finish(
    measured: Omit<CaseResult, 'id' | 'title' | 'leaked' | 'leakedByType' | 'statuses' | 'events' | 'wallMs'>,
  ): Promise<CaseResult & { readonly leak: Leak }> {
    await this.dispose();
    const leak = await leakedSince(this.baseline);
    const result: CaseResult = {
      id: this.id,
      title: this.title,
      ...measured,
      leaked: leak.total,
      ...(leak.total > 0 ? { leakedByType: leak.byType } : {}),
      statuses: runs(this.statusSequence()),
      events: runs(this.eventSequence()),
      wallMs: Math.round(performance.now() - this.startedAt),
    };
    writeCaseResult(result);
    return { ...result, leak };
  }

  /** Closes everything owned, newest first. Idempotent: `afterEach` calls it when a test failed early. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const thing of this.owned.reverse()) await thing.close();
  }
}

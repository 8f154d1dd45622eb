import { ClientReport, SendRecord, WallMs } from './protocol';
import { Arrival } from './serverProcess';

/** What a case produced: the suite's marks, the client's records and timeline, the server's arrivals. */
export interface CaseRecords {
  /** When the fault went in and came out (the suite's clock). */
  readonly marks: { readonly fault?: WallMs; readonly heal?: WallMs; readonly finish: WallMs };
  readonly sends: readonly SendRecord[];
  readonly timeline: readonly ClientReport[];
  readonly arrivals: readonly Arrival[];
  /**
   * The deadline for a send given no `ttl` (the library's default applies), ms; undefined: such a
   * send is never late.
   */
  readonly defaultDeadlineMs?: number;
  /** The subscriptions every connection must receive, in this order, before its first order. */
  readonly expectedSubscriptions?: readonly string[];
}

/** One row of the network table: what the link said, and what became of every outbound message. */
export interface NetworkTally {
  /** Fault → the first sign from the link (leaves Connected, or HeartbeatTimeout / Disconnected), ms. */
  readonly detectMs?: number;
  /** Fault removed → Connected for good, ms (0: back before the fault was removed); `never`: not Connected at the end. */
  readonly recoverMs?: number | 'never';
  readonly sent: number;
  readonly resolved: number;
  /** By `SendError.reason`. */
  readonly rejected: Readonly<Record<string, number>>;
  /** Rejected, yet on the server, by reason. Only `write` may be ("may or may not have reached the peer"). */
  readonly rejectedYetReceived: Readonly<Record<string, number>>;
  /** Sends the server received at least once. */
  readonly received: number;
  /** Sends the server received more than once. */
  readonly duplicated: number;
  /** Received later than their ttl after `send()` was called. */
  readonly late: number;
  /**
   * Of the late ones, those whose `send()` resolved within the ttl: handed to the kernel in time, made
   * late by the network after that (the part of lateness no client library can take back).
   */
  readonly lateHandedOverInTime: number;
  /**
   * The others, each as "<method> resolved +<ms> arrived +<ms>" past its ttl (or "never resolved"):
   * what a failure is about.
   */
  readonly lateHandedOverLate: readonly string[];
  /** How far past its ttl the latest one arrived, ms. */
  readonly lateMaxMs?: number;
  /** `send()` → first arrival on the server, over the received sends, ms: median and worst. */
  readonly deliveryMs?: { readonly p50: number; readonly max: number };
  /** Resolved, yet never received. */
  readonly lost: number;
  /** Neither resolved nor rejected after `close()`. */
  readonly unsettled: number;
  /** Orders that arrived after an order sent later than them. */
  readonly outOfOrder: number;
  /** Disconnected events: links torn down. */
  readonly teardowns: number;
  /** Times the status became Unstable. */
  readonly unstable: number;
  readonly minScore?: number;
  /** Time the trade gate was open while the status was not Connected, ms. */
  readonly gateOpenWhileDownMs: number;
  /** Time `/healthz` answered 200 while the status was not Connected (after 300 ms of polling lag), ms. */
  readonly healthOkWhileDownMs: number;
  /** Connections whose subscriptions were missing, out of order, or after an order. */
  readonly subscriptionFaults: readonly string[];
  /** Event-loop stalls the client made (ms each). */
  readonly stalls: readonly number[];
  /** Event types in order, for the details. */
  readonly events: readonly string[];
  /** The distinct statuses in order. */
  readonly statuses: readonly string[];
}

const DOWN_GRACE_MS = { gate: 20, health: 300 } as const;

/**
 * The client sees a hand-over late: `ws` calls back once the kernel has the bytes, and the client
 * stamps it in a promise callback after that, behind the rest of that turn's work (on a reconnect:
 * the subscriptions replayed and the whole queue flushed; seen up to 6 ms). A resolution within this
 * many ms past the ttl counts as handed over in time: a message written just before its deadline.
 */
const HANDOVER_SLACK_MS = 10;

/**
 * Counts a case: detection and recovery from the client's timeline, and for every outbound message
 * its fate at both ends. Pure.
 *
 * @example
 * tallyCase({ marks: { fault, heal, finish }, sends, timeline, arrivals }).late; // 0
 * @param records The case's marks, sends, timeline and arrivals.
 * @returns The row's figures.
 */
export function tallyCase(records: CaseRecords): NetworkTally {
  const { marks, sends, arrivals, defaultDeadlineMs } = records;
  const timeline = records.timeline.filter((report) => report.at <= marks.finish);

  const arrivalsById = new Map<string, Arrival[]>();
  for (const arrival of arrivals) {
    const list = arrivalsById.get(arrival.id);
    if (list) list.push(arrival);
    else arrivalsById.set(arrival.id, [arrival]);
  }

  const rejected: Record<string, number> = {};
  const rejectedYetReceived: Record<string, number> = {};
  let resolved = 0;
  let received = 0;
  let duplicated = 0;
  let late = 0;
  let lateHandedOverInTime = 0;
  const lateHandedOverLate: string[] = [];
  let lateMaxMs: number | undefined;
  let lost = 0;
  let unsettled = 0;
  const delivery: number[] = [];
  for (const send of sends) {
    const got = arrivalsById.get(send.id) ?? [];
    if (got.length > 0) {
      received++;
      delivery.push((got[0] as Arrival).at - send.sentAt);
    }
    if (got.length > 1) duplicated++;
    if (send.resolvedAt !== undefined) {
      resolved++;
      if (got.length === 0) lost++;
    } else if (send.reason !== undefined) {
      rejected[send.reason] = (rejected[send.reason] ?? 0) + 1;
      if (got.length > 0) rejectedYetReceived[send.reason] = (rejectedYetReceived[send.reason] ?? 0) + 1;
    } else {
      unsettled++;
    }
    const deadline = send.ttlMs ?? defaultDeadlineMs;
    const first = got[0];
    if (first !== undefined && deadline !== undefined && first.at - send.sentAt > deadline) {
      late++;
      if (send.resolvedAt !== undefined && send.resolvedAt - send.sentAt <= deadline + HANDOVER_SLACK_MS) {
        lateHandedOverInTime++;
      } else {
        const resolved =
          send.resolvedAt === undefined
            ? 'never resolved'
            : `resolved +${Math.round(send.resolvedAt - send.sentAt - deadline)}`;
        lateHandedOverLate.push(`${send.method} ${resolved} arrived +${Math.round(first.at - send.sentAt - deadline)}`);
      }
      lateMaxMs = Math.max(lateMaxMs ?? 0, first.at - send.sentAt - deadline);
    }
  }

  const statuses = timeline.flatMap((report) => (report.type === 'status' ? [report] : []));
  const events = timeline.flatMap((report) => (report.type === 'event' ? [report] : []));
  const scores = timeline.flatMap((report) => (report.type === 'score' ? [report.score] : []));

  return {
    ...detectAndRecover(statuses, events, marks),
    sent: sends.length,
    resolved,
    rejected,
    rejectedYetReceived,
    received,
    duplicated,
    late,
    lateHandedOverInTime,
    lateHandedOverLate,
    ...(lateMaxMs !== undefined ? { lateMaxMs: Math.round(lateMaxMs) } : {}),
    ...(delivery.length > 0 ? { deliveryMs: percentiles(delivery) } : {}),
    lost,
    unsettled,
    outOfOrder: outOfOrder(sends, arrivals),
    teardowns: events.filter((event) => event.event === 'Disconnected').length,
    unstable: statuses.filter((report) => report.status === 'Unstable').length,
    ...(scores.length > 0 ? { minScore: Math.min(...scores) } : {}),
    gateOpenWhileDownMs: openWhileDown(timeline, 'gate', marks.finish),
    healthOkWhileDownMs: openWhileDown(timeline, 'health', marks.finish),
    subscriptionFaults: subscriptionFaults(arrivals, records.expectedSubscriptions),
    stalls: timeline.flatMap((report) => (report.type === 'stall' ? [Math.round(report.ms)] : [])),
    events: events.map((event) => event.event),
    statuses: statuses.map((report) => report.status),
  };
}

type Status = Extract<ClientReport, { type: 'status' }>;
type Event = Extract<ClientReport, { type: 'event' }>;

function detectAndRecover(
  statuses: readonly Status[],
  events: readonly Event[],
  marks: CaseRecords['marks'],
): Pick<NetworkTally, 'detectMs' | 'recoverMs'> {
  const { fault, heal } = marks;
  if (fault === undefined) return {};
  const signs = [
    ...statuses.filter((report) => report.status !== 'Connected'),
    ...events.filter((report) => report.event === 'HeartbeatTimeout' || report.event === 'Disconnected'),
  ].filter((report) => report.at >= fault);
  if (signs.length === 0) return {};
  const detectMs = Math.round(Math.min(...signs.map((report) => report.at)) - fault);
  const last = statuses[statuses.length - 1];
  if (last?.status !== 'Connected') return { detectMs, recoverMs: 'never' };
  const from = heal ?? fault;
  return { detectMs, recoverMs: Math.max(0, Math.round(last.at - from)) };
}

/** Orders that reached the server after one sent later than them had (first arrivals, in server order). */
function outOfOrder(sends: readonly SendRecord[], arrivals: readonly Arrival[]): number {
  const order = new Map(sends.filter((send) => send.method === 'order').map((send, i) => [send.id, i]));
  const seen = new Set<string>();
  let highest = -1;
  let count = 0;
  for (const arrival of arrivals) {
    const index = order.get(arrival.id);
    if (index === undefined || seen.has(arrival.id)) continue;
    seen.add(arrival.id);
    if (index < highest) count++;
    highest = Math.max(highest, index);
  }
  return count;
}

/**
 * Time the gate (or `/healthz`) said "open" while the status was not Connected. The first moments of
 * each outage are forgiven: the gate follows the status within the same tick; `/healthz` is polled.
 */
function openWhileDown(timeline: readonly ClientReport[], what: 'gate' | 'health', end: WallMs): number {
  const grace = DOWN_GRACE_MS[what];
  let connected = false;
  let downSince: WallMs = timeline[0]?.at ?? end;
  let open = false;
  let total = 0;
  let last: WallMs | undefined;
  const advance = (to: WallMs): void => {
    if (last !== undefined && open && !connected) {
      const from = Math.max(last, downSince + grace);
      if (to > from) total += to - from;
    }
    last = to;
  };
  for (const report of timeline) {
    advance(report.at);
    if (report.type === 'status') {
      const now = report.status === 'Connected';
      if (connected && !now) downSince = report.at;
      connected = now;
    }
    if (what === 'gate' && report.type === 'gate') open = report.open;
    if (what === 'health' && report.type === 'health') open = report.code === 200;
  }
  advance(end);
  return Math.round(total);
}

/** Each connection that carried an order must have had every subscription, in order, before it. */
function subscriptionFaults(arrivals: readonly Arrival[], expected: readonly string[] | undefined): string[] {
  if (expected === undefined) return [];
  const byConnection = new Map<string, { subscriptions: string[]; beforeFirstOrder?: number }>();
  for (const arrival of arrivals) {
    let connection = byConnection.get(arrival.conn);
    if (!connection) byConnection.set(arrival.conn, (connection = { subscriptions: [] }));
    if (arrival.method === 'subscribe') connection.subscriptions.push(arrival.id.replace(/^sub:/, ''));
    else connection.beforeFirstOrder ??= connection.subscriptions.length;
  }
  const faults: string[] = [];
  for (const [conn, { subscriptions, beforeFirstOrder }] of byConnection) {
    if (beforeFirstOrder === undefined) continue;
    const before = subscriptions.slice(0, beforeFirstOrder);
    if (before.join(',') !== expected.join(',')) {
      faults.push(
        `connection ${conn}: ${before.join(', ') || 'none'} before its first order (expected ${expected.join(', ')})`,
      );
    }
  }
  return faults;
}

function percentiles(values: number[]): { p50: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50: Math.round(sorted[Math.floor((sorted.length - 1) / 2)] as number),
    max: Math.round(sorted[sorted.length - 1] as number),
  };
}

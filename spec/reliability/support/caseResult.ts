import fs from 'node:fs';
import path from 'node:path';

/** Where each case writes its measurements; `scripts/reliabilityTable.js` prints them as a table. */
export const resultsDir = path.join(__dirname, '..', 'results');

/** One row of the reliability table, with the sequences behind it. */
export interface CaseResult {
  /** File-safe and sortable: `'01a-close-1000'`. */
  readonly id: string;
  /** What the table shows: `'1 server closes cleanly (1000)'`. */
  readonly title: string;
  /** Fault injected → the link says so (Disconnected, HeartbeatTimeout, Unstable, an error event…), ms; `'p50 / max'` over many faults. */
  readonly detectMs?: number | string;
  /** Fault removed → Connected again, ms; `'p50 / max'` over many faults. */
  readonly recoverMs?: number | string;
  /** Outbound messages given to `send()` during the case. */
  readonly sent: number;
  /** Of those, on the server exactly once. */
  readonly delivered: number;
  /** Rejected, by `SendError` reason. */
  readonly rejected: Readonly<Record<string, number>>;
  /** Accepted and resolved, yet not on the server, with no explanation: the library lost them. */
  readonly lost: number;
  /**
   * Resolved (handed to the kernel) on a link that was already dead but not yet detected, and gone
   * with it: TCP and WebSocket give no delivery receipt, so no client library can save these.
   */
  readonly inFlight?: number;
  /** Resources (timers, sockets) left above the count before the case, once everything was closed. */
  readonly leaked: number;
  readonly leakedByType?: Readonly<Record<string, number>>;
  /** The distinct statuses in order. */
  readonly statuses: readonly string[];
  /** The event types in order. */
  readonly events: readonly string[];
  /** What happened to outbound messages, in words. */
  readonly outbound?: string;
  /** What happened to subscriptions, in words. */
  readonly subscriptions?: string;
  readonly notes?: string;
  /** Scheduler-free wall time of the case, ms. */
  readonly wallMs: number;
}

/** Writes a case's result as `results/<id>.json`. */
export function writeCaseResult(result: CaseResult): void {
  fs.mkdirSync(resultsDir, { recursive: true });
  fs.writeFileSync(path.join(resultsDir, `${result.id}.json`), `${JSON.stringify(result, null, 2)}\n`);
}

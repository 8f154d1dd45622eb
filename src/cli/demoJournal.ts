import { MockExchangeEvent } from './mockExchange';

/** One socket's session as the demo saw it set up, from the login to trading again. */
export interface SessionRecord {
  /** The exchange's connection number. */
  readonly connection: number;
  /** When the exchange accepted (or refused) the login, ms since the epoch. */
  readonly loginAt: number;
  /** How old the login's signed timestamp was when it arrived, ms. */
  readonly loginAgeMs: number;
  readonly loginAccepted: boolean;
  /** Channels the exchange acknowledged (✓) or refused (✗) on this socket, in order. */
  readonly channels: { readonly channel: string; readonly accepted: boolean }[];
  /** What the resync hook learnt, in a few words. */
  resync?: string;
  /** When `ready$` turned true on this socket. */
  readyAt?: number;
  /** When the trade gate opened after it. */
  tradingAt?: number;
}

/**
 * The session story, one record per socket: the exchange's view (a freshly signed login, the
 * subscriptions it acknowledged) joined with the link's (the resync, ready, the gate opening). The
 * demo prints a record's line under each report and in its summary.
 *
 * @example
 * const journal = new DemoJournal();
 * exchange.events$.subscribe((event) => journal.exchange(event));
 * link.ready$.pipe(filter(Boolean)).subscribe(() => journal.ready(Date.now()));
 * journal.describe(journal.latest!, clock);
 * // '#2 login ✓ at 00:08.6 (signed 1 ms before) → ticks ✓ orders ✓ → resync: 3 resting → ready 00:08.6 → trading 00:10.6'
 */
export class DemoJournal {
  private readonly records: SessionRecord[] = [];

  /** Every session so far, oldest first. */
  get all(): readonly SessionRecord[] {
    return this.records;
  }

  /** The session on the newest socket, if one has logged in. */
  get latest(): SessionRecord | undefined {
    return this.records[this.records.length - 1];
  }

  /**
   * What the exchange saw: a login opens a record, a subscription's verdict joins it.
   *
   * @param event An event of the mock exchange.
   * @param at When it happened, ms since the epoch.
   */
  exchange(event: MockExchangeEvent, at: number): void {
    if (event.type === 'login') {
      this.records.push({
        connection: event.id,
        loginAt: at,
        loginAgeMs: event.ageMs,
        loginAccepted: event.accepted,
        channels: [],
      });
    } else if (event.type === 'subscribe') {
      this.records
        .find((record) => record.connection === event.id)
        ?.channels.push({ channel: event.channel, accepted: event.accepted });
    }
  }

  /** The resync hook's finding, for the newest session. */
  resynced(summary: string): void {
    if (this.latest) this.latest.resync = summary;
  }

  /** `ready$` turned true: the newest session is set up. */
  ready(at: number): void {
    if (this.latest && this.latest.readyAt === undefined) this.latest.readyAt = at;
  }

  /** The trade gate opened: trading resumed on the newest session. */
  trading(at: number): void {
    if (this.latest?.readyAt !== undefined && this.latest.tradingAt === undefined) this.latest.tradingAt = at;
  }

  /** The sessions whose login came in `(from, to]`. */
  between(from: number, to: number): SessionRecord[] {
    return this.records.filter((record) => record.loginAt > from && record.loginAt <= to);
  }

  /**
   * One session as a line: each step and when it happened.
   *
   * @param record The session.
   * @param clock Formats a time (ms since the epoch) as the demo's elapsed time, e.g. `00:08.6`.
   * @returns e.g. `#2 login ✓ at 00:08.6 (signed 1 ms before) → ticks ✓ orders ✓ → resync: … → ready 00:08.6 → trading 00:10.6`.
   */
  describe(record: SessionRecord, clock: (at: number) => string): string {
    const mark = (ok: boolean): string => (ok ? '✓' : '✗');
    const steps = [
      `#${record.connection} login ${mark(record.loginAccepted)} at ${clock(record.loginAt)} (signed ${Math.max(0, record.loginAgeMs)} ms before)`,
    ];
    if (record.channels.length > 0) {
      steps.push(record.channels.map(({ channel, accepted }) => `${channel} ${mark(accepted)}`).join(' '));
    }
    if (record.resync !== undefined) steps.push(`resync: ${record.resync}`);
    steps.push(record.readyAt !== undefined ? `ready ${clock(record.readyAt)}` : 'not ready');
    if (record.tradingAt !== undefined) steps.push(`trading ${clock(record.tradingAt)}`);
    return steps.join(' → ');
  }
}

import { ClientProcess } from './clientProcess';
import { ClientInput, ServerFeed } from './protocol';
import { ServerProcess } from './serverProcess';
import { NetworkTally } from './tallyCase';
import { TestBed } from './testBed';

/** What a case's script can do while it runs. */
export interface CaseContext {
  readonly bed: TestBed;
  readonly server: ServerProcess;
  readonly client: ClientProcess;
  /** Marks now as the moment the fault goes in: call it just before the command that makes it. */
  markFault(): void;
  /** Removes every fault and marks the moment. */
  heal(): Promise<void>;
  /** Marks now as the moment the fault came out, for faults `heal()` does not undo (a server restart). */
  markHeal(): void;
  sleep(ms: number): Promise<void>;
  /** Starts a load of small orders: one every `everyMs` with `ttl` `ttlMs`. */
  orders(ttlMs: number | undefined, everyMs?: number): void;
  /** Starts a load of large frames of `bytes` every `everyMs`. */
  bulk(bytes: number, everyMs: number, ttlMs: number | undefined): void;
  /** Stops every load. */
  stopLoads(): void;
}

/** One case of the network suite. */
export interface NetworkCase {
  /** Short and sortable, e.g. `'1-half-open-quiet'`. */
  readonly id: string;
  /** What the table shows. */
  readonly title: string;
  /** The pass criteria in words; `info` cases have none beyond the invariants every case keeps. */
  readonly criteria: string;
  readonly info?: boolean;
  /** Hard bound on the case, ms: past it the case fails and everything it started is killed. */
  readonly budgetMs: number;
  /** What the server sends at start. */
  readonly feed: ServerFeed;
  /** The client's settings, subscriptions and behaviour (the suite adds `root` and `url`). */
  readonly client: Omit<ClientInput, 'root' | 'url'>;
  /** The subscriptions every connection must get, in order, before its first order. */
  readonly expectedSubscriptions?: readonly string[];
  /**
   * The deadline a send given no ttl is judged against, from the settings in force: e.g. the default
   * `queueTtl` when finite. Undefined: such sends are never late.
   */
  defaultDeadlineMs?(config: Readonly<Record<string, unknown>>): number | undefined;
  /** The script: make the fault, drive the load, remove the fault. The suite then finishes the client. */
  run(context: CaseContext): Promise<void>;
  /** The case's own criteria: a failure in words for each one not met. */
  judge(tally: NetworkTally): string[];
}

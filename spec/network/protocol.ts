// The messages between the suite (root namespace) and its two processes, the recording server in
// the server namespace and the client runner in the client namespace, over Node's IPC channel
// (it survives `ip netns exec`, which execs the command with the same file descriptors).
//
// Every time is wall-clock milliseconds with sub-millisecond precision
// (`performance.timeOrigin + performance.now()`): the three processes share one machine and one clock.

/** Wall-clock ms; the same clock in every process of the suite. */
export type WallMs = number;

/** What the server sends to market: nothing, a tick every `everyMs`, or a flood. */
export type ServerFeed =
  | { readonly kind: 'quiet' }
  | { readonly kind: 'ticks'; readonly everyMs: number }
  | {
      readonly kind: 'flood';
      /** Messages in all. */
      readonly count: number;
      /** The server pauses while this many bytes wait in a socket's buffer. */
      readonly maxBufferedBytes: number;
    };

/** How the recording server is started (JSON in argv). */
export interface ServerInput {
  readonly host: string;
  readonly port: number;
  /** Which start this is (0 first, 1 after a restart…): connection ids are `incarnation.n`. */
  readonly incarnation: number;
  readonly feed: ServerFeed;
}

/** The suite → the server: change the feed, or stop (close every socket and exit). */
export type ServerCommand = { readonly type: 'feed'; readonly feed: ServerFeed } | { readonly type: 'stop' };

/** The server → the suite, as things happen (so the records outlive a SIGKILL). */
export type ServerReport =
  | { readonly type: 'listening'; readonly at: WallMs }
  | { readonly type: 'connection'; readonly conn: string; readonly at: WallMs }
  | { readonly type: 'closed'; readonly conn: string; readonly at: WallMs; readonly code: number }
  /** One inbound message that carried an `id`: every outbound message of the client does. */
  | {
      readonly type: 'arrival';
      readonly conn: string;
      readonly at: WallMs;
      readonly id: string;
      readonly method: string;
    }
  | { readonly type: 'fed'; readonly at: WallMs; readonly messages: number };

/** Every message the client sends: an id the server records, and a method naming its kind. */
export interface OutboundMessage {
  readonly method: 'order' | 'bulk' | 'subscribe';
  readonly id: string;
  readonly pad?: string;
}

/** How the client runner is started (JSON in argv). */
export interface ClientInput {
  /** The package root: the runner loads the built library from there, as a user would. */
  readonly root: string;
  readonly url: string;
  /** `connect()` settings every version of the library accepts. */
  readonly settings: Readonly<Record<string, unknown>>;
  /** Settings only newer versions accept: passed while `connect()` takes them, dropped one by one when it throws a ConfigError naming them. */
  readonly optional: Readonly<Record<string, unknown>>;
  /** Subscription channels given to `connect()`, replayed on every (re)connect. */
  readonly subscriptions: readonly string[];
  /** One more channel added with `addSubscription()` once connected. */
  readonly addSubscription?: string;
  /** Blocks the event loop for `ms` after every `messages` inbound messages: a busy strategy. */
  readonly stall?: { readonly messages: number; readonly ms: number };
}

/** A stream of sends the client runner keeps up until told to stop. */
export interface Load {
  readonly name: string;
  readonly method: 'order' | 'bulk';
  readonly everyMs: number;
  /** The `ttl` given to `send()`; undefined: none (the library's default). */
  readonly ttlMs: number | undefined;
  /** Frame size to pad to, bytes (roughly). */
  readonly bytes: number;
}

/** The suite → the client runner: start or stop loads, one send, or finish (close the link, report every send). */
export type ClientCommand =
  | { readonly type: 'load'; readonly load: Load }
  | { readonly type: 'stopLoads' }
  | {
      readonly type: 'send';
      readonly method: 'order' | 'bulk';
      readonly ttlMs: number | undefined;
      readonly bytes: number;
    }
  | { readonly type: 'finish' };

/** One `send()` and its fate. */
export interface SendRecord {
  readonly id: string;
  readonly method: 'order' | 'bulk';
  /** Just before `send()` was called. */
  readonly sentAt: WallMs;
  /** The `ttl` given; null: none. */
  readonly ttlMs: number | null;
  readonly resolvedAt?: WallMs;
  readonly rejectedAt?: WallMs;
  /** `SendError.reason` (or the error's name when it is not a SendError). */
  readonly reason?: string;
}

/** The client runner → the suite: its timeline as it happens, then every send's fate. */
export type ClientReport =
  | {
      readonly type: 'started';
      readonly at: WallMs;
      /** The optional settings `connect()` took. */
      readonly accepted: Readonly<Record<string, unknown>>;
      /** The optional settings it refused (unknown to this version). */
      readonly refused: readonly string[];
      /** Settings in force that the suite prints (`link.config`). */
      readonly config: Readonly<Record<string, unknown>>;
    }
  | { readonly type: 'status'; readonly at: WallMs; readonly status: string }
  /** `state$`: every value whose status or details changed, in words. */
  | { readonly type: 'state'; readonly at: WallMs; readonly status: string; readonly detail: string }
  | { readonly type: 'event'; readonly at: WallMs; readonly event: string; readonly description: string }
  | { readonly type: 'gate'; readonly at: WallMs; readonly open: boolean; readonly reason: string }
  /** The `/healthz` answer, polled on loopback inside the client namespace. */
  | { readonly type: 'health'; readonly at: WallMs; readonly code: number }
  | { readonly type: 'score'; readonly at: WallMs; readonly score: number }
  | { readonly type: 'stall'; readonly at: WallMs; readonly ms: number }
  | {
      readonly type: 'finished';
      readonly at: WallMs;
      readonly sends: readonly SendRecord[];
      readonly inbound: number;
      readonly closeMs: number;
    }
  | { readonly type: 'failed'; readonly at: WallMs; readonly message: string };

import { Observable, SchedulerAction, SchedulerLike, Subscription, asyncScheduler } from 'rxjs';

/** One watched feed: its name, how to recognise its messages, and how long it may stay silent. */
export interface FeedWatchdog<In = unknown, Out = unknown> {
  /** A name for events, e.g. `'trades:BTC'`. */
  readonly name: string;
  /** Whether an inbound message belongs to this feed. Keep it cheap: it runs on every message. */
  readonly match: (message: In) => boolean;
  /** Milliseconds (or `'30s'`) of silence after which the feed is stale. */
  readonly staleAfter: number;
  /** Messages to send when the feed goes stale (e.g. unsubscribe then subscribe again). Optional. */
  readonly resubscribe?: readonly Out[];
}

/** A feed went silent, or came back. */
export type FeedSignal =
  | { readonly kind: 'stale'; readonly feed: string; readonly silentMs: number; readonly at: number }
  | { readonly kind: 'resumed'; readonly feed: string; readonly silentMs: number; readonly at: number };

/**
 * Staleness watchdogs for the feeds on one link: a market-data channel that goes quiet while the
 * socket and the heartbeat stay alive is a failure no WebSocket client catches by itself, and a
 * strategy quoting on it trades on stale prices.
 *
 * `record(message, now)` runs on the hot path (O(watchdogs), no allocation); `signals(scheduler)`
 * checks each feed's deadline lazily, one timer per feed, and emits `stale` once per silence and
 * `resumed` when the feed speaks again.
 *
 * ```
 * trades:    -t-t-t----------------t-----
 * signals:   -----------S----------R-----S    (staleAfter 6: stale 6 after the last t, R resumed)
 * ```
 */
export class FeedWatch<In = unknown, Out = unknown> {
  private readonly lastSeen: number[];
  private readonly stale: boolean[];
  private onResume: ((index: number, now: number) => void) | undefined;

  constructor(
    readonly watchdogs: readonly FeedWatchdog<In, Out>[],
    now: number,
  ) {
    this.lastSeen = watchdogs.map(() => now);
    this.stale = watchdogs.map(() => false);
  }

  /** Restarts every deadline, e.g. when a socket opens and subscriptions were just sent. */
  reset(now: number): void {
    this.lastSeen.fill(now);
    this.stale.fill(false);
  }

  /** An inbound message at `now`. Hot path. */
  record(message: In, now: number): void {
    const watchdogs = this.watchdogs;
    for (let i = 0; i < watchdogs.length; i++) {
      if ((watchdogs[i] as FeedWatchdog<In, Out>).match(message)) {
        if (this.stale[i]) this.onResume?.(i, now);
        this.lastSeen[i] = now;
      }
    }
  }

  /** Stale and resumed signals, checked against each feed's deadline. */
  signals(scheduler: SchedulerLike = asyncScheduler): Observable<FeedSignal> {
    return new Observable<FeedSignal>((subscriber) => {
      const subscription = new Subscription();
      this.onResume = (i, now) => {
        this.stale[i] = false;
        subscriber.next({ kind: 'resumed', feed: this.name(i), silentMs: now - (this.lastSeen[i] as number), at: now });
      };
      // One action per feed for the life of the subscription: it sleeps until the feed's deadline,
      // and while the feed is stale it looks in once per staleAfter, so a resumption re-arms it.
      const { lastSeen, stale } = this;
      this.watchdogs.forEach(({ name: feed, staleAfter }, i) => {
        subscription.add(
          scheduler.schedule(function (this: SchedulerAction<void>) {
            const now = scheduler.now();
            const silentMs = now - (lastSeen[i] as number);
            if (!stale[i] && silentMs >= staleAfter) {
              stale[i] = true;
              subscriber.next({ kind: 'stale', feed, silentMs, at: now });
            }
            this.schedule(undefined, stale[i] ? staleAfter : staleAfter - silentMs);
          }, staleAfter),
        );
      });
      return () => {
        this.onResume = undefined;
        subscription.unsubscribe();
      };
    });
  }

  private name(i: number): string {
    return (this.watchdogs[i] as FeedWatchdog).name;
  }
}

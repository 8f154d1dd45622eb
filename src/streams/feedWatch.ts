import {
  EMPTY,
  Observable,
  SchedulerAction,
  SchedulerLike,
  Subscription,
  asyncScheduler,
  defer,
  filter,
  interval,
  map,
} from 'rxjs';
import type { ClockOffsetEstimate } from '../model/clockOffset';
import { ConnectionSignal } from '../model/ConnectionSignal';
import { FeedLagConfig, FeedLagState, feedLag } from '../model/feedLag';
import { feedLagFigures } from '../model/feedLagFigures';
import { FeedLagReading } from '../model/FeedLagReading';

/** How a feed's lag is watched: where its messages carry the exchange's time, and the bounds. */
export interface FeedLagWatch<In = unknown> {
  /** The exchange's event time in a message, epoch ms; `undefined` when the message carries none. */
  readonly timestampOf: (message: In) => number | undefined;
  /** The `feedLag` settings, in ms: `maxLag`, and `recoverLag`, `sustain`, `minSamples` when given. */
  readonly config: FeedLagConfig & { readonly maxLag: number };
  /** Milliseconds: at most one message's lag is folded per this period (`0`: every message). */
  readonly sampling: number;
}

/** One watched feed: its name, how to recognise its messages, how long it may stay silent, how late they may be. */
export interface FeedWatchdog<In = unknown, Out = unknown> {
  /** A name for events, e.g. `'trades:BTC'`. */
  readonly name: string;
  /** Whether an inbound message belongs to this feed. Keep it cheap: it runs on every message. */
  readonly match: (message: In) => boolean;
  /** Milliseconds of silence after which the feed is stale; `Infinity`: silence is not watched. */
  readonly staleAfter: number;
  /** Messages to send when the feed goes silent (e.g. unsubscribe then subscribe again). Optional. */
  readonly resubscribe?: readonly Out[];
  /** Its lag from the exchange's timestamps, when watched. */
  readonly lag?: FeedLagWatch<In>;
}

/**
 * A feed went stale, or came back: silent for its `staleAfter` (`reason: 'silence'`), or its messages
 * late past its `maxLag` while they still flow (`reason: 'lag'`).
 */
export type FeedSignal =
  | {
      readonly kind: 'stale';
      readonly reason: 'silence';
      readonly feed: string;
      readonly silentMs: number;
      readonly at: number;
    }
  | {
      readonly kind: 'stale';
      readonly reason: 'lag';
      readonly feed: string;
      readonly lagMs: number;
      readonly maxLagMs: number;
      readonly at: number;
    }
  | {
      readonly kind: 'resumed';
      readonly reason: 'silence';
      readonly feed: string;
      readonly silentMs: number;
      readonly at: number;
    }
  | {
      readonly kind: 'resumed';
      readonly reason: 'lag';
      readonly feed: string;
      readonly lagMs: number;
      readonly at: number;
    };

/** The clock offset the lag is corrected by: the exchange's clock minus ours, and its uncertainty. */
export type ClockOffsetSource = () => Pick<ClockOffsetEstimate, 'offsetMs' | 'uncertaintyMs'> | undefined;

/**
 * Staleness watchdogs for the feeds on one link: a market-data channel that goes quiet while the
 * socket and the heartbeat stay alive is a failure no WebSocket client catches by itself, and a
 * strategy quoting on it trades on stale prices. So is a channel whose messages keep coming, but
 * late: the exchange is behind, or our socket is.
 *
 * `record(message, now)` runs on the hot path (O(watchdogs), no allocation); `signals(scheduler)`
 * checks each feed's deadline lazily, one timer per feed, and emits `stale` once per silence and
 * `resumed` when the feed speaks again.
 *
 * For a feed with `lag`, `record` also folds the lag of its messages (`feedLag`: receive time, moved
 * onto the exchange's clock by the clock offset, minus the exchange's event time from
 * `timestampOf`), at most one message per `sampling` period so a busy feed costs a fold a period,
 * not one per message. When the fold says the feed went stale (sustained lag past `maxLag`) or caught
 * up, `signals` emits `stale` or `resumed` with `reason: 'lag'` at once. `lagSignals` takes the
 * figures on a tick, only when they changed: an idle feed's figures do not change.
 *
 * ```
 * trades:    -t-t-t----------------t-----
 * signals:   -----------S----------R-----S    (staleAfter 6: stale 6 after the last t, R resumed)
 *
 * lag (ms):  -a-a-b-b-b-b-a-a-a-    (a 40, b 2500; maxLag 1000, recoverLag 500, minSamples 3, sustain 4)
 * signals:   ---------L-------C-    (L stale, reason lag: 3 b spanning 4; C resumed, reason lag: 3 a)
 * ```
 *
 * Gotchas: the silence deadlines restart on every socket (`reset`); the lag does not, since a feed
 * found behind stays stale until its messages show it caught up. The offset is read on each fold:
 * until a reply has carried the exchange's time, the clocks are taken to agree.
 *
 * @example
 * const watch = new FeedWatch([{ name: 'trades', match: (m) => m.ch === 'trades', staleAfter: 10_000 }], scheduler.now());
 * watch.signals(scheduler).subscribe((signal) => console.log(signal.kind, signal.reason, signal.feed));
 * messages$.subscribe((message) => watch.record(message, scheduler.now()));
 * // stale silence trades   (10 s after the last trades message)
 */
export class FeedWatch<In = unknown, Out = unknown> {
  private readonly lastSeen: number[];
  private readonly stale: boolean[];
  private readonly lag: Array<FeedLagState | undefined>;
  /** Per feed: the receive time from which the next message's lag is folded. */
  private readonly nextLagAt: number[];
  private onResume: ((index: number, now: number) => void) | undefined;
  private onLag: ((index: number, state: FeedLagState, now: number) => void) | undefined;

  /**
   * @param watchdogs The feeds, resolved (durations in ms).
   * @param now The time the deadlines start from.
   * @param clockOffset The exchange clock's offset from ours, read on each lag fold. Defaults to none (clocks agree).
   */
  constructor(
    readonly watchdogs: readonly FeedWatchdog<In, Out>[],
    now: number,
    private readonly clockOffset: ClockOffsetSource = () => undefined,
  ) {
    this.lastSeen = watchdogs.map(() => now);
    this.stale = watchdogs.map(() => false);
    this.lag = watchdogs.map(() => undefined);
    this.nextLagAt = watchdogs.map(() => -Infinity);
  }

  /** Restarts every silence deadline, e.g. when a socket opens and subscriptions were just sent. */
  reset(now: number): void {
    this.lastSeen.fill(now);
    this.stale.fill(false);
  }

  /** An inbound message at `now`. Hot path. */
  record(message: In, now: number): void {
    const watchdogs = this.watchdogs;
    for (let i = 0; i < watchdogs.length; i++) {
      const watchdog = watchdogs[i] as FeedWatchdog<In, Out>;
      if (watchdog.match(message)) {
        if (this.stale[i]) this.onResume?.(i, now);
        this.lastSeen[i] = now;
        if (watchdog.lag !== undefined && now >= (this.nextLagAt[i] as number)) {
          this.foldLag(i, watchdog.lag, message, now);
        }
      }
    }
  }

  /** Stale and resumed signals: each feed's silence checked against its deadline, its lag as it is folded. */
  signals(scheduler: SchedulerLike = asyncScheduler): Observable<FeedSignal> {
    return new Observable<FeedSignal>((subscriber) => {
      const subscription = new Subscription();
      this.onResume = (i, now) => {
        this.stale[i] = false;
        subscriber.next({
          kind: 'resumed',
          reason: 'silence',
          feed: this.name(i),
          silentMs: now - (this.lastSeen[i] as number),
          at: now,
        });
      };
      this.onLag = (i, state, now) => {
        const feed = this.name(i);
        const lagMs = state.lastMs;
        const maxLagMs = (this.watchdogs[i] as FeedWatchdog<In, Out>).lag?.config.maxLag as number;
        subscriber.next(
          state.change === 'stale'
            ? { kind: 'stale', reason: 'lag', feed, lagMs, maxLagMs, at: now }
            : { kind: 'resumed', reason: 'lag', feed, lagMs, at: now },
        );
      };
      // One action per feed for the life of the subscription: it sleeps until the feed's deadline,
      // and while the feed is stale it looks in once per staleAfter, so a resumption re-arms it.
      const { lastSeen, stale } = this;
      this.watchdogs.forEach(({ name: feed, staleAfter }, i) => {
        if (!Number.isFinite(staleAfter)) return;
        subscription.add(
          scheduler.schedule(function (this: SchedulerAction<void>) {
            const now = scheduler.now();
            const silentMs = now - (lastSeen[i] as number);
            if (!stale[i] && silentMs >= staleAfter) {
              stale[i] = true;
              subscriber.next({ kind: 'stale', reason: 'silence', feed, silentMs, at: now });
            }
            this.schedule(undefined, stale[i] ? staleAfter : staleAfter - silentMs);
          }, staleAfter),
        );
      });
      return () => {
        this.onResume = undefined;
        this.onLag = undefined;
        subscription.unsubscribe();
      };
    });
  }

  /**
   * The lag figures of the feeds watched for lag, every `every` ms, as a `feedLag` signal for the
   * handle's fold: only on a tick when some feed folded a message since the last one it emitted
   * (idle feeds emit nothing). Empty when no feed is watched for lag.
   *
   * ```
   * trades:    -t--t----------------t---   (messages with event times)
   * tick:      -----|----|----|----|----|   (every 5)
   * result:    -----f-------------------f   (f: { type: 'feedLag', feeds: [{ feed: 'trades', … }] }; none while idle)
   * ```
   *
   * @param every The tick, ms (the handle's `sampleInterval`).
   * @param scheduler Schedules the ticks and stamps the signals.
   * @returns `feedLag` signals.
   */
  lagSignals(every: number, scheduler: SchedulerLike = asyncScheduler): Observable<ConnectionSignal> {
    if (!this.watchdogs.some((watchdog) => watchdog.lag !== undefined)) return EMPTY;
    return defer(() => {
      let shown: ReadonlyArray<FeedLagState | undefined> = this.lag.map(() => undefined);
      return interval(every, scheduler).pipe(
        filter(() => this.lag.some((state, i) => state !== shown[i])),
        map((): ConnectionSignal => {
          shown = [...this.lag];
          return { type: 'feedLag', at: scheduler.now(), feeds: this.readings() };
        }),
      );
    });
  }

  /**
   * What to send for a signal: a feed gone silent gets its `resubscribe` messages; nothing else does
   * (a late feed still flows: resubscribing would add traffic, not make the exchange catch up).
   */
  resubscribeFor(signal: FeedSignal): readonly Out[] {
    if (signal.kind !== 'stale' || signal.reason !== 'silence') return [];
    return this.watchdogs.find((watchdog) => watchdog.name === signal.feed)?.resubscribe ?? [];
  }

  /**
   * A signal as the handle's fold takes it: `feedStale` or `feedResumed`, with its reason.
   *
   * @param signal From `signals()`.
   * @param resubscribed Whether `resubscribeFor(signal)` was sent.
   * @returns The `ConnectionSignal` to dispatch.
   */
  connectionSignalOf(signal: FeedSignal, resubscribed: boolean): ConnectionSignal {
    const { at, feed } = signal;
    if (signal.kind === 'resumed') {
      return signal.reason === 'lag'
        ? { type: 'feedResumed', at, feed, reason: 'lag', lagMs: signal.lagMs }
        : { type: 'feedResumed', at, feed, silentMs: signal.silentMs };
    }
    return signal.reason === 'lag'
      ? { type: 'feedStale', at, feed, reason: 'lag', lagMs: signal.lagMs, maxLagMs: signal.maxLagMs }
      : { type: 'feedStale', at, feed, silentMs: signal.silentMs, resubscribed };
  }

  /** The lag figures now, one per feed watched for lag that has folded a valid message. */
  readings(): FeedLagReading[] {
    const readings: FeedLagReading[] = [];
    this.watchdogs.forEach(({ name: feed, lag }, i) => {
      const state = this.lag[i];
      const figures = feedLagFigures(state);
      if (lag === undefined || state === undefined || figures === undefined) return;
      readings.push({ feed, ...figures, maxLagMs: lag.config.maxLag, samples: state.samples, invalid: state.invalid });
    });
    return readings;
  }

  private foldLag(i: number, lag: FeedLagWatch<In>, message: In, now: number): void {
    let eventTime: unknown;
    try {
      eventTime = lag.timestampOf(message);
    } catch {
      // A timestampOf that throws on some message is a message without a readable time: counted invalid.
      eventTime = NaN;
    }
    if (eventTime === undefined) return;
    this.nextLagAt[i] = now + lag.sampling;
    const state = feedLag(
      this.lag[i],
      { receivedAt: now, eventTime: typeof eventTime === 'number' ? eventTime : NaN },
      lag.config,
      this.clockOffset(),
    );
    this.lag[i] = state;
    if (state.change !== undefined) this.onLag?.(i, state, now);
  }

  private name(i: number): string {
    return (this.watchdogs[i] as FeedWatchdog).name;
  }
}

import { TestScheduler } from 'rxjs/testing';
import { FeedLagWatch, FeedSignal, FeedWatch, FeedWatchdog } from '../../src/streams/feedWatch';

describe('FeedWatch', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  const trades = { name: 'trades', match: (m: { ch: string }) => m.ch === 'trades', staleAfter: 6 };
  const book = { name: 'book', match: (m: { ch: string }) => m.ch === 'book', staleAfter: 10 };

  it('should match the marble diagram: stale once per silence, resumed when it speaks', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const watch = new FeedWatch([trades], 0);
      hot('-t-t-t----------------t-', { t: { ch: 'trades' } }).subscribe((m) => watch.record(m, testScheduler.now()));
      expectObservable(watch.signals(testScheduler), '^ 30ms !').toBe('-----------S----------R-----T-', {
        S: { kind: 'stale', reason: 'silence', feed: 'trades', silentMs: 6, at: 11 } satisfies FeedSignal,
        R: { kind: 'resumed', reason: 'silence', feed: 'trades', silentMs: 17, at: 22 } satisfies FeedSignal,
        T: { kind: 'stale', reason: 'silence', feed: 'trades', silentMs: 6, at: 28 } satisfies FeedSignal,
      });
    });
  });

  it('should watch each feed on its own deadline, ignoring messages of other feeds', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const watch = new FeedWatch<{ ch: string }>([trades, book], 0);
      hot('bbbbbbbbbbbbbbbbbbbb', { b: { ch: 'book' } }).subscribe((m) => watch.record(m, testScheduler.now()));
      expectObservable(watch.signals(testScheduler), '^ 19ms !').toBe('------S', {
        S: expect.objectContaining({ kind: 'stale', reason: 'silence', feed: 'trades' }),
      });
    });
  });

  it('should restart every deadline on reset', () => {
    testScheduler.run(({ expectObservable }) => {
      const watch = new FeedWatch([trades], 0);
      testScheduler.schedule(() => watch.reset(testScheduler.now()), 4);
      expectObservable(watch.signals(testScheduler), '^ 12ms !').toBe('----------S-', {
        S: expect.objectContaining({ kind: 'stale', silentMs: 6, at: 10 }),
      });
    });
  });

  it('should leave nothing scheduled after unsubscribe', () => {
    testScheduler.run(() => {
      const watch = new FeedWatch([trades, book], 0);
      const subscription = watch.signals(testScheduler).subscribe();
      testScheduler.schedule(() => {
        subscription.unsubscribe();
        expect(testScheduler.actions.length).toBe(0);
      }, 3);
    });
  });
});

describe('FeedWatch lag', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  type Tick = { ch: string; ts?: unknown };
  const lagWatch = (config: Partial<FeedLagWatch<Tick>['config']> = {}, sampling = 0): FeedLagWatch<Tick> => ({
    timestampOf: (m) => m.ts as number | undefined,
    config: { maxLag: 1000, minSamples: 3, sustain: 4, ...config },
    sampling,
  });
  const trades = (lag: FeedLagWatch<Tick>, staleAfter = Infinity): FeedWatchdog<Tick> => ({
    name: 'trades',
    match: (m) => m.ch === 'trades',
    staleAfter,
    resubscribe: ['{"op":"subscribe"}'],
    lag,
  });
  /** Records a trades message stamped `lag` ms before now, on the exchange's clock `offset` ms from ours. */
  const feed =
    (watch: FeedWatch<Tick>, offset = 0) =>
    (lag: number) =>
      watch.record({ ch: 'trades', ts: testScheduler.now() + offset - lag }, testScheduler.now());

  it('should match the lag diagram in its doc comment: stale on a sustained lag, resumed once caught up', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const watch = new FeedWatch([trades(lagWatch())], 0);
      hot('-a-a-b-b-b-b-a-a-a-', { a: 40, b: 2500 }).subscribe(feed(watch));
      expectObservable(watch.signals(testScheduler), '^ 18ms !').toBe('---------L-------C-', {
        L: { kind: 'stale', reason: 'lag', feed: 'trades', lagMs: 2500, maxLagMs: 1000, at: 9 } satisfies FeedSignal,
        C: { kind: 'resumed', reason: 'lag', feed: 'trades', lagMs: 40, at: 17 } satisfies FeedSignal,
      });
    });
  });

  describe('must not fire', () => {
    it('on one spike, however large', () => {
      testScheduler.run(({ hot, expectObservable }) => {
        const watch = new FeedWatch([trades(lagWatch({ sustain: 0 }))], 0);
        hot('-a-a-s-a-a-a-', { a: 40, s: 60_000 }).subscribe(feed(watch));
        expectObservable(watch.signals(testScheduler), '^ 12ms !').toBe('-');
      });
    });

    it('when the clock offset explains the lag (the exchange clock 2 s behind ours)', () => {
      testScheduler.run(({ hot, expectObservable }) => {
        const watch = new FeedWatch([trades(lagWatch())], 0, () => ({ offsetMs: -2000, uncertaintyMs: 5 }));
        hot('-a-a-a-a-a-a-a-', { a: 40 }).subscribe(feed(watch, -2000));
        expectObservable(watch.signals(testScheduler), '^ 14ms !').toBe('-');
        testScheduler.schedule(() => expect(watch.readings()[0]).toMatchObject({ lastMs: 40, stale: false }), 14);
      });
    });

    it('on an idle feed: no message, no lag judged, no figures', () => {
      testScheduler.run(({ expectObservable }) => {
        const watch = new FeedWatch([trades(lagWatch())], 0);
        expectObservable(watch.signals(testScheduler), '^ 100ms !').toBe('-');
        expectObservable(watch.lagSignals(10, testScheduler), '^ 100ms !').toBe('-');
      });
      expect(new FeedWatch([trades(lagWatch())], 0).readings()).toEqual([]);
    });
  });

  it('should be stale for a lag the clock offset does not explain (the same series, clocks taken to agree)', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const watch = new FeedWatch([trades(lagWatch())], 0);
      hot('-a-a-a-a-a-a-a-', { a: 40 }).subscribe(feed(watch, -2000));
      expectObservable(watch.signals(testScheduler), '^ 14ms !').toBe('-----L', {
        L: expect.objectContaining({ kind: 'stale', reason: 'lag', lagMs: 2040 }),
      });
    });
  });

  it('should fold at most one message per sampling period', () => {
    testScheduler.run(({ hot }) => {
      const watch = new FeedWatch([trades(lagWatch({}, 10))], 0);
      hot('aaaaaaaaaaaaaaaaaaaaaaaaa', { a: 40 }).subscribe(feed(watch));
      // Messages at 0…24 ms: folded at 0, 10 and 20.
      testScheduler.schedule(() => expect(watch.readings()[0]?.samples).toBe(3), 30);
    });
  });

  it('should skip a message without an event time and count one it cannot read', () => {
    const watch = new FeedWatch([trades(lagWatch())], 0);
    watch.record({ ch: 'trades', ts: 960 }, 1000);
    watch.record({ ch: 'trades' }, 1001);
    watch.record({ ch: 'trades', ts: 'soon' }, 1002);
    watch.record({ ch: 'book', ts: 0 }, 1003);
    expect(watch.readings()).toEqual([
      {
        feed: 'trades',
        lastMs: 40,
        smoothedMs: 40,
        maxMs: 40,
        p95Ms: 40,
        recent: 1,
        stale: false,
        maxLagMs: 1000,
        samples: 1,
        invalid: 1,
      },
    ]);
  });

  it('should count a timestampOf that throws as an unreadable time, not crash the hot path', () => {
    const watch = new FeedWatch<Tick>(
      [{ ...trades(lagWatch()), lag: { ...lagWatch(), timestampOf: () => JSON.parse('{') as number } }],
      0,
    );
    expect(() => watch.record({ ch: 'trades' }, 10)).not.toThrow();
    watch.record({ ch: 'trades' }, 20);
    expect(watch.readings()).toEqual([]);
  });

  it('should keep the lag across a reset: a feed found behind stays stale until it has caught up', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const watch = new FeedWatch([trades(lagWatch())], 0);
      hot('-b-b-b-b----a-a-a-', { a: 40, b: 2500 }).subscribe(feed(watch));
      testScheduler.schedule(() => watch.reset(testScheduler.now()), 9);
      expectObservable(watch.signals(testScheduler), '^ 18ms !').toBe('-----L----------C-', {
        L: expect.objectContaining({ kind: 'stale', reason: 'lag' }),
        C: expect.objectContaining({ kind: 'resumed', reason: 'lag' }),
      });
    });
  });

  it('should resubscribe a silent feed, never a late one, and say why in the fold’s signal', () => {
    const watch = new FeedWatch([trades(lagWatch(), 5000)], 0);
    const silent: FeedSignal = { kind: 'stale', reason: 'silence', feed: 'trades', silentMs: 5000, at: 5000 };
    const late: FeedSignal = { kind: 'stale', reason: 'lag', feed: 'trades', lagMs: 2500, maxLagMs: 1000, at: 9 };
    expect(watch.resubscribeFor(silent)).toEqual(['{"op":"subscribe"}']);
    expect(watch.resubscribeFor(late)).toEqual([]);
    expect(watch.connectionSignalOf(silent, true)).toEqual({
      type: 'feedStale',
      at: 5000,
      feed: 'trades',
      silentMs: 5000,
      resubscribed: true,
    });
    expect(watch.connectionSignalOf(late, false)).toEqual({
      type: 'feedStale',
      at: 9,
      feed: 'trades',
      reason: 'lag',
      lagMs: 2500,
      maxLagMs: 1000,
    });
    expect(
      watch.connectionSignalOf({ kind: 'resumed', reason: 'lag', feed: 'trades', lagMs: 40, at: 17 }, false),
    ).toEqual({ type: 'feedResumed', at: 17, feed: 'trades', reason: 'lag', lagMs: 40 });
  });

  it('should schedule no silence timer for a feed watched only for lag', () => {
    testScheduler.run(() => {
      const subscription = new FeedWatch([trades(lagWatch())], 0).signals(testScheduler).subscribe();
      expect(testScheduler.actions.length).toBe(0);
      subscription.unsubscribe();
    });
  });

  describe('lagSignals', () => {
    it('should match the marble diagram in its doc comment: figures on the tick, only after a fold', () => {
      testScheduler.run(({ hot, expectObservable }) => {
        const watch = new FeedWatch([trades(lagWatch())], 0);
        hot('-t--t----------------t---', { t: 40 }).subscribe(feed(watch));
        const reading = expect.objectContaining({ feed: 'trades', lastMs: 40 });
        expectObservable(watch.lagSignals(5, testScheduler), '^ 25ms !').toBe('-----f-------------------f', {
          f: { type: 'feedLag', at: expect.any(Number), feeds: [reading] },
        });
      });
    });

    it('should be empty when no feed is watched for lag', () => {
      testScheduler.run(({ expectObservable }) => {
        const watch = new FeedWatch([{ name: 'trades', match: () => true, staleAfter: 6 }], 0);
        expectObservable(watch.lagSignals(5, testScheduler)).toBe('|');
      });
    });

    it('should keep what it has shown per subscription', () => {
      testScheduler.run(({ hot, expectObservable }) => {
        const watch = new FeedWatch([trades(lagWatch())], 0);
        hot('-t', { t: 40 }).subscribe(feed(watch));
        const f = { type: 'feedLag', at: expect.any(Number), feeds: [expect.objectContaining({ feed: 'trades' })] };
        expectObservable(watch.lagSignals(5, testScheduler), '^ 12ms !').toBe('-----f', { f });
        expectObservable(watch.lagSignals(5, testScheduler), '^ 12ms !').toBe('-----f', { f });
      });
    });
  });
});

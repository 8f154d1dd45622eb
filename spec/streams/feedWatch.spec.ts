import { TestScheduler } from 'rxjs/testing';
import { FeedSignal, FeedWatch } from '../../src/streams/feedWatch';

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
        S: { kind: 'stale', feed: 'trades', silentMs: 6, at: 11 } satisfies FeedSignal,
        R: { kind: 'resumed', feed: 'trades', silentMs: 17, at: 22 } satisfies FeedSignal,
        T: { kind: 'stale', feed: 'trades', silentMs: 6, at: 28 } satisfies FeedSignal,
      });
    });
  });

  it('should watch each feed on its own deadline, ignoring messages of other feeds', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const watch = new FeedWatch<{ ch: string }>([trades, book], 0);
      hot('bbbbbbbbbbbbbbbbbbbb', { b: { ch: 'book' } }).subscribe((m) => watch.record(m, testScheduler.now()));
      expectObservable(watch.signals(testScheduler), '^ 19ms !').toBe('------S', {
        S: expect.objectContaining({ kind: 'stale', feed: 'trades' }),
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

import { Subscriber, Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { PeriodicLag } from '../../src/streams/PeriodicLag';

describe('PeriodicLag', () => {
  let testScheduler: TestScheduler;
  let using: number;
  const looks = { use: () => (using++, new Subscription(() => using--)) };

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    using = 0;
  });

  it('should match the marble diagram in its doc comment: the largest lag of each period with looks', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const lag = new PeriodicLag(looks, 6, testScheduler);
      cold('0-3-1---0-----2--', { 0: 0, 1: 1, 2: 2, 3: 3 }).subscribe((ms) => lag.hear(ms));
      expectObservable(lag, '^ 18ms !').toBe('------3-----0-----2', { 0: 0, 2: 2, 3: 3 });
    });
  });

  it('should run one timer for every subscriber, and keep the monitor looking while anyone listens', () => {
    testScheduler.run(({ expectObservable }) => {
      const lag = new PeriodicLag(looks, 6, testScheduler);
      testScheduler.schedule(() => lag.hear(4), 2);
      expectObservable(lag, '^ 7ms !').toBe('------4', { 4: 4 });
      expectObservable(lag, '^ 7ms !').toBe('------4', { 4: 4 });
      testScheduler.schedule(() => expect(using).toBe(1), 5);
    });
  });

  it('should stop its timer and the looks at the period end after the last subscriber left', () => {
    const lag = new PeriodicLag(looks, 6, testScheduler);
    const seen: number[] = [];
    testScheduler.run(() => {
      const subscription = lag.subscribe((ms) => seen.push(ms));
      testScheduler.schedule(() => lag.hear(9), 1);
      testScheduler.schedule(() => subscription.unsubscribe(), 3);
      testScheduler.schedule(() => expect(testScheduler.actions.length).toBe(1), 4);
    });
    // The run ended: no timer was left; the one that left heard nothing.
    expect(seen).toEqual([]);
    expect(using).toBe(0);
  });

  it('should stop at once when the last subscriber leaves, and start afresh for the next', () => {
    const lag = new PeriodicLag(looks, 6, testScheduler);
    const seen: number[] = [];
    testScheduler.run(() => {
      // subscribe() returns the subscriber itself: what a handle's end hands to leave().
      const first = lag.subscribe((ms) => seen.push(ms));
      first.unsubscribe();
      lag.hear(7);
      lag.leave(first as Subscriber<number>);
      expect(testScheduler.actions.length).toBe(0);
      expect(using).toBe(0);
      const again = lag.subscribe((ms) => seen.push(ms));
      testScheduler.schedule(() => lag.hear(2), 1);
      testScheduler.schedule(() => again.unsubscribe(), 7);
    });
    // The 7 heard while stopped is not carried into the next run's first period.
    expect(seen).toEqual([2]);
  });
});

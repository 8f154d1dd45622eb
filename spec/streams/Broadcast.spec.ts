import { TestScheduler } from 'rxjs/testing';
import { Broadcast } from '../../src/streams/Broadcast';

describe('Broadcast', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('should match the marble diagram in its doc comment: hot, late subscribers get what comes after', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const broadcast = new Broadcast<string>();
      cold('-a--b--c--|').subscribe({ next: (v) => broadcast.next(v), complete: () => broadcast.complete() });
      expectObservable(broadcast.asObservable()).toBe('-a--b--c--|');
      expectObservable(broadcast.asObservable(), '-----^').toBe('-------c--|');
    });
  });

  it('should let a subscriber unsubscribe another during a delivery, skipping no one else', () => {
    const broadcast = new Broadcast<number>();
    const seen: string[] = [];
    const second: { unsubscribe: () => void } = { unsubscribe: () => undefined };
    broadcast.asObservable().subscribe((v) => {
      seen.push(`first ${v}`);
      second.unsubscribe();
    });
    const subscription = broadcast.asObservable().subscribe((v) => seen.push(`second ${v}`));
    second.unsubscribe = () => subscription.unsubscribe();
    broadcast.asObservable().subscribe((v) => seen.push(`third ${v}`));
    broadcast.next(1);
    broadcast.next(2);
    // As with a Subject: the one unsubscribed gets nothing more, the others are not skipped.
    expect(seen).toEqual(['first 1', 'third 1', 'first 2', 'third 2']);
  });

  it('should complete everyone once, and complete late subscribers at once', () => {
    const broadcast = new Broadcast<number>();
    const events: string[] = [];
    broadcast.asObservable().subscribe({ next: (v) => events.push(`next ${v}`), complete: () => events.push('done') });
    broadcast.complete();
    broadcast.complete();
    broadcast.next(1);
    broadcast.asObservable().subscribe({ complete: () => events.push('late done') });
    expect(events).toEqual(['done', 'late done']);
  });

  it('should stop delivering to a subscriber that unsubscribed', () => {
    const broadcast = new Broadcast<number>();
    const seen: number[] = [];
    const subscription = broadcast.asObservable().subscribe((v) => seen.push(v));
    broadcast.next(1);
    subscription.unsubscribe();
    broadcast.next(2);
    expect(seen).toEqual([1]);
  });
});

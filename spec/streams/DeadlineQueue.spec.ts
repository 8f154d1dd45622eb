import { config } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import * as fc from 'fast-check';
import { Deadline, DeadlineQueue } from '../../src/streams/DeadlineQueue';

/** A deadline that notes when it came, and comes again `every` ms later while `every` is set. */
class Recurring implements Deadline {
  queueIndex = -1;
  queueOrder = 0;
  dueAt: number;

  constructor(
    readonly name: string,
    private readonly scheduler: TestScheduler,
    readonly seen: string[],
    start: number,
    private readonly every?: number,
  ) {
    this.dueAt = start;
  }

  due(queue: DeadlineQueue): void {
    this.seen.push(`${this.name}@${this.scheduler.now()}`);
    if (this.every === undefined) return;
    this.dueAt = this.scheduler.now() + this.every;
    queue.add(this);
  }
}

describe('DeadlineQueue', () => {
  const scheduler = (): TestScheduler => new TestScheduler(() => undefined);

  it('should call them in due order, ties in the order added, and stop when removed', () => {
    const testScheduler = scheduler();
    const seen: string[] = [];
    testScheduler.run(() => {
      const queue = DeadlineQueue.of(testScheduler);
      const a = new Recurring('a', testScheduler, seen, 10, 10);
      const b = new Recurring('b', testScheduler, seen, 14, 10);
      const c = new Recurring('c', testScheduler, seen, 10);
      queue.add(a);
      queue.add(b);
      queue.add(c);
      testScheduler.schedule(() => queue.remove(a), 25);
      testScheduler.schedule(() => queue.remove(b), 40);
    });
    expect(seen).toEqual(['a@10', 'c@10', 'b@14', 'a@20', 'b@24', 'b@34']);
    expect(DeadlineQueue.of(testScheduler).size).toBe(0);
  });

  it('should keep calling the others when one throws, and report the throw', async () => {
    const testScheduler = scheduler();
    const seen: string[] = [];
    const reported: unknown[] = [];
    const before = config.onUnhandledError;
    config.onUnhandledError = (error) => reported.push(error);
    try {
      testScheduler.run(() => {
        const queue = DeadlineQueue.of(testScheduler);
        queue.add({
          dueAt: 5,
          queueIndex: -1,
          queueOrder: 0,
          due: () => {
            throw new Error('writer failed');
          },
        });
        queue.add(new Recurring('after', testScheduler, seen, 5));
      });
      await Promise.resolve();
    } finally {
      config.onUnhandledError = before;
    }
    expect(seen).toEqual(['after@5']);
    expect(reported).toEqual([new Error('writer failed')]);
  });

  it('should call any set of deadlines in (due, added) order, whatever is removed (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ at: fc.integer({ min: 0, max: 50 }), removeAt: fc.option(fc.integer({ min: 0, max: 60 })) }),
          {
            maxLength: 30,
          },
        ),
        (plans) => {
          const testScheduler = scheduler();
          const seen: string[] = [];
          testScheduler.run(() => {
            const queue = DeadlineQueue.of(testScheduler);
            plans.forEach((plan, i) => {
              const deadline = new Recurring(String(i), testScheduler, seen, plan.at);
              queue.add(deadline);
              // Half a frame off the frames deadlines fall on: never a tie to order.
              if (plan.removeAt !== null) testScheduler.schedule(() => queue.remove(deadline), plan.removeAt + 0.5);
            });
          });
          const expected = plans
            .map((plan, i) => ({ ...plan, i }))
            .filter((plan) => plan.removeAt === null || plan.removeAt + 0.5 > plan.at)
            .sort((x, y) => x.at - y.at || x.i - y.i)
            .map((plan) => `${plan.i}@${plan.at}`);
          expect(seen).toEqual(expected);
          expect(DeadlineQueue.of(testScheduler).size).toBe(0);
        },
      ),
    );
  });
});

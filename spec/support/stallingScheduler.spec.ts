import { TestScheduler } from 'rxjs/testing';
import { stallingScheduler } from './stallingScheduler';

describe('stallingScheduler', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('should match the marble diagram in its doc comment', () => {
    const ran: Array<[string, number]> = [];
    testScheduler.run(() => {
      const { scheduler, stall } = stallingScheduler(testScheduler);
      stall(4, 6);
      for (const [name, due] of [
        ['a', 2],
        ['b', 5],
        ['c', 11],
      ] as const) {
        scheduler.schedule(() => void ran.push([name, scheduler.now()]), due);
      }
    });
    expect(ran).toEqual([
      ['a', 2],
      ['b', 10],
      ['c', 11],
    ]);
  });

  it('should hold back a recurring action while stalled, then let it recur on time', () => {
    const ran: number[] = [];
    testScheduler.run(() => {
      const { scheduler, stall } = stallingScheduler(testScheduler);
      stall(250, 500);
      const looks = scheduler.schedule<number>(function (count = 0) {
        ran.push(scheduler.now());
        if (count < 6) this.schedule(count + 1, 100);
      }, 100);
      testScheduler.schedule(() => looks.unsubscribe(), 2000);
    });
    // Due at 300: run at 750, then every 100 ms from there.
    expect(ran).toEqual([100, 200, 750, 850, 950, 1050, 1150]);
  });

  it('should cancel a held-back action when it is unsubscribed during the stall', () => {
    const ran: number[] = [];
    testScheduler.run(() => {
      const { scheduler, stall } = stallingScheduler(testScheduler);
      stall(0, 100);
      const action = scheduler.schedule(() => void ran.push(scheduler.now()), 10);
      testScheduler.schedule(() => action.unsubscribe(), 50);
    });
    expect(ran).toEqual([]);
  });
});

import { SchedulerLike, Subscription } from 'rxjs';
import { RequestError } from '../../src/index';
import { RequestBook } from '../../src/streams/RequestBook';
import { TransportConnection } from '../../src/streams/Transport';

/** A scheduler that only records the delays it is asked for; `fire` runs what was scheduled. */
function recordingScheduler(): SchedulerLike & { delays: number[]; fire(): void } {
  const work: Array<() => void> = [];
  const delays: number[] = [];
  return {
    delays,
    now: () => 0,
    schedule: ((task: () => void, delay = 0) => {
      delays.push(delay);
      work.push(task);
      return new Subscription();
    }) as SchedulerLike['schedule'],
    fire: () => work.splice(0).forEach((task) => task()),
  };
}

const connection = {} as TransportConnection;
const reader = { idOf: (m: { id?: number }) => m.id, errorOf: () => undefined };

describe('RequestBook', () => {
  it('should start no timer for a request without a timeout: setTimeout(Infinity) would fire at once', () => {
    const scheduler = recordingScheduler();
    const book = new RequestBook(reader, scheduler, { late: () => undefined, timed: () => undefined });
    const outcomes: string[] = [];
    book.written(book.newId(), connection, Infinity, {
      resolve: () => outcomes.push('resolved'),
      reject: (error: RequestError) => outcomes.push(error.reason),
    });
    scheduler.fire();
    expect(scheduler.delays).toEqual([]);
    expect(book.reply({ id: 1 })).toBe(true);
    expect(outcomes).toEqual(['resolved']);
  });

  it('should time a request out after its timeout', () => {
    const scheduler = recordingScheduler();
    const book = new RequestBook(reader, scheduler, { late: () => undefined, timed: () => undefined });
    const outcomes: string[] = [];
    book.written(book.newId(), connection, 250, {
      resolve: () => outcomes.push('resolved'),
      reject: (error: RequestError) => outcomes.push(`${error.outcome}/${error.reason}`),
    });
    scheduler.fire();
    expect(scheduler.delays).toEqual([250]);
    expect(outcomes).toEqual(['unknown/timeout']);
  });
});

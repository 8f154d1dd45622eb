import { TestScheduler } from 'rxjs/testing';
import { ConnectionStatus as S } from '../../src/index';
import { shardHealth } from '../../src/operators/shardHealth';

const statuses = {
  a: S.Connecting,
  K: S.Connected,
  U: S.Unstable,
  D: S.Disconnected,
  R: S.Reconnecting,
  F: S.Failed,
};
const health = { u: 'up', d: 'down' };

describe('shardHealth', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('should match the marble diagram in its doc comment', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const status = hot('a-K-D-R------------K-----------D-R-K---', statuses);
      const result = '    --u-----------d--------------u---------';
      expectObservable(status.pipe(shardHealth(10, testScheduler))).toBe(result, health);
    });
  });

  // With moveAfterMs 10: the statuses, and the health judged from them.
  it.each([
    ['be up at the first connection, at once', 'a--K', '---u'],
    ['say nothing of a drop the link repairs within the bound', 'K--D-R-----K--R--K-U-K', 'u'],
    ['be down at once when the link has Failed, and not again at its recovery probe', 'K--D-R-F--R----', 'u------d'],
    ['be down when a new link never comes up within the bound', 'a--D-R-----', '----------d'],
    // Down at 11; back at 15 but lost at 20, before its bound ran out (25); back at 30, for good at 40.
    [
      'wait out the bound again for a link that flaps before it is up again',
      'KR 13ms K 4ms R 9ms K',
      'u 10ms d 28ms u',
    ],
  ])('should %s', (_, status, judged) => {
    testScheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold(status, statuses).pipe(shardHealth(10, testScheduler))).toBe(judged, health);
    });
  });

  it('should keep its state per subscription', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const status = cold('K-D---------', statuses);
      const judged = status.pipe(shardHealth(5, testScheduler));
      expectObservable(judged).toBe('u------d', health);
      expectObservable(judged, '---^').toBe('---u------d', health);
    });
  });

  it('should complete and error as its source does', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('K--|', statuses).pipe(shardHealth(5, testScheduler))).toBe('u--|', health);
      expectObservable(cold('K--#', statuses).pipe(shardHealth(5, testScheduler))).toBe('u--#', health);
    });
  });
});

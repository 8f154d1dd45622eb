import { TestScheduler } from 'rxjs/testing';
import { ConnectionEvent, ConnectionEventType as E, ConnectionStatus as S, connect } from '../../src/index';
import { FakeTransport, OPEN, closedBy } from '../support/fakeTransport';

const frames = { o: OPEN };

describe('connect', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('should go Connecting then Connected and report a Connected event', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const transport = new FakeTransport(testScheduler, [cold('--o', frames)], { autoPongMs: 5 });
      const link = connect({ url: 'ws://x', transport, scheduler: testScheduler });
      expectObservable(link.status$, '^ 10s !').toBe('a-b 8997ms (c|)', {
        a: S.Connecting,
        b: S.Connected,
        c: S.Disconnected,
      });
      const types: string[] = [];
      link.events$.subscribe((e) => types.push(e.type));
      testScheduler.schedule(() => {
        expect(types).toEqual([E.Connected]);
        void link.close();
        expect(types).toEqual([E.Connected, E.Disconnected]);
      }, 9000);
    });
  });

  it('should reconnect on the backoff schedule after the server closes', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const transport = new FakeTransport(
        testScheduler,
        [cold('--o 997ms #', frames, closedBy(1001)), cold('-o', frames)],
        { autoPongMs: 5 },
      );
      const link = connect({ url: 'ws://x', transport, scheduler: testScheduler, jitter: 'none' });
      // open at 2, closed at 1000, retry after 2 s: attempt at 3000, open at 3001.
      expectObservable(link.status$, '^ 10s !').toBe('a-b 997ms (cd) 1997ms e 5998ms (c|)', {
        a: S.Connecting,
        b: S.Connected,
        c: S.Disconnected,
        d: S.Reconnecting,
        e: S.Connected,
      });
      const events: ConnectionEvent[] = [];
      link.events$.subscribe((e) => events.push(e));
      testScheduler.schedule(() => {
        expect(events.map((e) => [e.type, e.retryCount])).toEqual([
          [E.Connected, 0],
          [E.Disconnected, 0],
          [E.ReconnectAttempt, 1],
          [E.ReconnectSuccess, 1],
        ]);
        expect(events[1]?.errorMessage).toContain('1001');
        expect(transport.attemptTimes).toEqual([0, 3000]);
        void link.close();
      }, 9000);
    });
  });
});

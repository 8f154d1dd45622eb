import { distinctUntilChanged, map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { connect } from '../../src/index';
import { MarbleTransport } from '../../src/testing';

describe('MarbleTransport', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  // README: Marble-testing your strategy (spec/readme.spec.ts checks the two stay the same).
  // example:marble-start
  it('should let a strategy be marble-tested against connect() in virtual time', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const frames = { o: MarbleTransport.OPEN, m: '{"channel":"trades","px":"67000.5"}' };
      const transport = new MarbleTransport(
        testScheduler,
        [cold('--o----m--#', frames, MarbleTransport.closedBy(1006)), cold('-o', frames)],
        { autoPongMs: 5 },
      );
      const link = connect({ url: 'ws://exchange.test', transport, scheduler: testScheduler, jitter: 'none' });

      // The strategy under test: trade only while Connected.
      const canTrade$ = link.status$.pipe(
        map((status) => status === 'Connected'),
        distinctUntilChanged(),
      );

      // Open at 2, dropped at 10, retried after 2 s (attempt at 2010, open at 2011), closed at 5000.
      expectObservable(canTrade$).toBe('f-t-------f 2000ms t 2988ms (f|)', { t: true, f: false });
      testScheduler.schedule(() => void link.close(), 5000);
    });
  });
  // example:marble-end

  it('should record what was sent and pinged on each connection', () => {
    let transport!: MarbleTransport;
    testScheduler.run(({ cold }) => {
      transport = new MarbleTransport(testScheduler, [cold('o', { o: MarbleTransport.OPEN })], { autoPongMs: 1 });
      const link = connect({
        url: 'ws://exchange.test',
        transport,
        scheduler: testScheduler,
        heartbeatInterval: '1s',
        heartbeatTimeout: '3s',
        subscriptions: [{ op: 'subscribe' }],
      });
      testScheduler.schedule(() => void link.close(), 2500);
    });
    expect(transport.connections).toHaveLength(1);
    expect(transport.connections[0]?.texts).toEqual(['{"op":"subscribe"}']);
    // The ping at the open, then one per interval.
    expect(transport.connections[0]?.pings).toEqual([0, 1000, 2000]);
    expect(transport.connections[0]?.closed).toBe(true);
    expect(transport.active).toBe(0);
  });
});

import { NEVER, Subject, concat, distinctUntilChanged, map, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { connect } from '../../src/index';
import { MarbleConnection, MarbleTransport } from '../../src/testing';

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

describe('MarbleConnection', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  /** The socket of a transport that opens at once, and what its listener heard. */
  function openSocket(autoPongMs?: number): { socket: MarbleConnection; pongs: Array<[number, number]> } {
    const transport = new MarbleTransport(testScheduler, [concat(of(MarbleTransport.OPEN), NEVER)], { autoPongMs });
    let socket!: MarbleConnection;
    transport.connect().subscribe((connection) => (socket = connection as MarbleConnection));
    const pongs: Array<[number, number]> = [];
    socket.listen({ message: () => undefined, pong: (id) => pongs.push([testScheduler.now(), id as number]) });
    return { socket, pongs };
  }

  it('should match the marble diagram in its doc comment', () => {
    testScheduler.run(({ expectObservable }) => {
      const { socket } = openSocket();
      socket.backlog = true;
      const sent = new Subject<string>();
      const write = (text: string): boolean => socket.send(text, () => sent.next(text));
      testScheduler.schedule(() => write('a'), 1);
      testScheduler.schedule(() => write('b'), 4);
      testScheduler.schedule(() => socket.drain(), 6);
      testScheduler.schedule(() => write('c'), 12);
      testScheduler.schedule(() => socket.drain(), 15);
      expectObservable(sent, '^ 20ms !').toBe('------(ab)-----c');
    });
  });

  it('should count buffered frames in bufferedAmount and hand them over oldest first, count at a time', () => {
    testScheduler.run(() => {
      const { socket } = openSocket();
      socket.backlog = true;
      const done: string[] = [];
      for (const text of ['aaaa', 'bb', 'c']) socket.send(text, () => done.push(text));
      expect(socket.bufferedAmount).toBe(7);
      socket.drain(2);
      expect([socket.texts, done, socket.bufferedAmount]).toEqual([['aaaa', 'bb'], ['aaaa', 'bb'], 1]);
    });
  });

  it('should hold a ping behind the frames already buffered, so its pong comes only after they drain', () => {
    let pongs: Array<[number, number]> = [];
    testScheduler.run(() => {
      const opened = openSocket(5);
      const { socket } = opened;
      pongs = opened.pongs;
      socket.ping(1);
      socket.backlog = true;
      testScheduler.schedule(() => {
        socket.send('frame', () => undefined);
        socket.ping(2);
      }, 10);
      testScheduler.schedule(() => socket.drain(), 100);
    });
    // Ping 1 went out at once (nothing buffered); ping 2 waited behind the frame until 100.
    expect(pongs).toEqual([
      [5, 1],
      [105, 2],
    ]);
  });

  it('should drop what it still held on abort(), failing those writes, and take nothing more', () => {
    testScheduler.run(() => {
      const { socket } = openSocket();
      socket.backlog = true;
      const outcomes: string[] = [];
      socket.send('held', (error) => outcomes.push(error ? `failed: ${error.message}` : 'written'));
      socket.abort();
      socket.drain();
      expect(outcomes).toEqual(['failed: socket reset before the frame was written']);
      expect([socket.sent, socket.bufferedAmount, socket.aborted]).toEqual([[], 0, true]);
      expect(socket.send('after', () => outcomes.push('written'))).toBe(false);
    });
  });
});

import { firstValueFrom, map, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { AttemptInfo, ConnectionEvent, ConnectionState, ConnectionStatus as S } from '../../../src/index';
import { MarbleTransport } from '../../../src/testing';
import { record, runAsync } from '../../support/virtualTime';
import { framesOf, sessionLink } from './sessionLink';

const { closedBy, refused } = MarbleTransport;
const frames = framesOf({});

describe('attempts', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  describe('a url function', () => {
    it('should be asked before every attempt, with the attempt, and the socket opened where it says', () => {
      const asked: Array<[number, AttemptInfo]> = [];
      const opened: string[] = [];
      const sessionUrls: string[] = [];
      testScheduler.run(({ cold }) => {
        const marbles = new MarbleTransport(
          testScheduler,
          [cold('o 99ms #', frames, closedBy(1006)), cold('o', frames)],
          {
            autoPongMs: 1,
          },
        );
        sessionLink(testScheduler, marbles, 2000, {
          url: (info) => {
            asked.push([testScheduler.now(), info]);
            return `wss://exchange.test/ws?listenKey=key${asked.length}`;
          },
          transport: (url) => {
            opened.push(url);
            return marbles;
          },
          handshake: (session) => {
            sessionUrls.push(session.url);
            return timer(0, testScheduler);
          },
        });
      });
      expect(asked).toEqual([
        [0, { attempt: 0, reconnect: false }],
        [1100, { attempt: 1, reconnect: true }],
      ]);
      expect(opened).toEqual(['wss://exchange.test/ws?listenKey=key1', 'wss://exchange.test/ws?listenKey=key2']);
      expect(sessionUrls).toEqual(opened);
    });

    it('should be awaited when it returns a promise (a listen key fetched first)', async () => {
      let transport!: MarbleTransport;
      let statuses: Array<[number, S]> = [];
      await runAsync(testScheduler, async ({ cold, until }) => {
        transport = new MarbleTransport(testScheduler, [cold('-o', frames)], { autoPongMs: 1 });
        const link = sessionLink(testScheduler, transport, 1000, {
          url: () => firstValueFrom(timer(200, testScheduler).pipe(map(() => 'wss://exchange.test/ws?listenKey=k'))),
        });
        statuses = record(testScheduler, link.status$);
        await until(1000);
      });
      expect(transport.attemptTimes).toEqual([200]);
      expect(statuses).toEqual([
        [0, S.Connecting],
        [201, S.Connected],
        [1000, S.Disconnected],
      ]);
    });

    it('should fail the attempt when it throws, rejects or gives no ws:// URL, and be retried by the backoff', async () => {
      let transport!: MarbleTransport;
      let errors: Array<[number, string | undefined]> = [];
      await runAsync(testScheduler, async ({ cold, until }) => {
        transport = new MarbleTransport(testScheduler, [cold('o', frames)], { autoPongMs: 1 });
        const link = sessionLink(testScheduler, transport, 4000, {
          url: ({ attempt }) => {
            if (attempt === 0) throw new Error('listen key service down');
            if (attempt === 1) return Promise.reject(new Error('HTTP 502'));
            if (attempt === 2) return 'https://exchange.test/ws';
            return 'wss://exchange.test/ws';
          },
        });
        await until(4000);
        // The first failure is synchronous, inside connect(): the recent events have it.
        errors = link
          .snapshot()
          .recentEvents.filter((e) => e.errorMessage !== undefined)
          .map((e) => [e.timestamp, e.errorMessage]);
      });
      expect(errors).toEqual([
        [0, 'the url function failed: listen key service down'],
        [1000, 'the url function failed: HTTP 502'],
        [2000, 'the url function returned "https://exchange.test/ws", not a ws:// or wss:// URL'],
      ]);
      expect(transport.attemptTimes).toEqual([3000]);
    });
  });

  describe('Retry-After on a refused upgrade', () => {
    /** The link's retries as [time, attempt, nextRetryAt, retryAfterMs], while Reconnecting. */
    function retries(states: Array<[number, ConnectionState]>): Array<[number, number, number?, number?]> {
      return states
        .filter(([, state]) => state.nextRetryAt !== undefined)
        .map(([t, state]) => [t, state.attempt, state.nextRetryAt, state.retryAfterMs]);
    }

    it('should wait at least what a 429 asks before the next attempt, and show it in state$', () => {
      let transport!: MarbleTransport;
      let states: Array<[number, ConnectionState]> = [];
      testScheduler.run(({ cold, expectObservable }) => {
        transport = new MarbleTransport(
          testScheduler,
          [cold('#', frames, refused(429, { 'retry-after': '30' })), cold('o', frames)],
          { autoPongMs: 1 },
        );
        const link = sessionLink(testScheduler, transport, 40_000, {});
        states = record(testScheduler, link.state$);
        // Refused at once, inside connect(): Reconnecting is the first status anyone can see.
        expectObservable(link.status$).toBe('r 29999ms k 9999ms (d|)', {
          r: S.Reconnecting,
          k: S.Connected,
          d: S.Disconnected,
        });
      });
      expect(transport.attemptTimes).toEqual([0, 30_000]);
      expect(retries(states)).toEqual([[0, 1, 30_000, 30_000]]);
      // Once connected, no wait is shown any more.
      expect(states.at(-2)?.[1]).toMatchObject({ status: S.Connected, retryAfterMs: undefined });
    });

    it('should honour an HTTP-date Retry-After on a 503, taken against the answer’s Date', () => {
      let transport!: MarbleTransport;
      testScheduler.run(({ cold }) => {
        const maintenance = refused(503, {
          'retry-after': 'Wed, 21 Oct 2026 07:28:45 GMT',
          date: 'Wed, 21 Oct 2026 07:28:00 GMT',
        });
        transport = new MarbleTransport(testScheduler, [cold('#', frames, maintenance), cold('o', frames)], {
          autoPongMs: 1,
        });
        sessionLink(testScheduler, transport, 50_000, {});
      });
      expect(transport.attemptTimes).toEqual([0, 45_000]);
    });

    it('should cap the wait at maxRetryAfter', () => {
      let transport!: MarbleTransport;
      let states: Array<[number, ConnectionState]> = [];
      testScheduler.run(({ cold }) => {
        transport = new MarbleTransport(
          testScheduler,
          [cold('#', frames, refused(429, { 'retry-after': '3600' })), cold('o', frames)],
          { autoPongMs: 1 },
        );
        const link = sessionLink(testScheduler, transport, 70_000, { maxRetryAfter: '1m' });
        states = record(testScheduler, link.state$);
      });
      expect(transport.attemptTimes).toEqual([0, 60_000]);
      expect(retries(states)).toEqual([[0, 1, 60_000, 60_000]]);
    });

    it('should back off as usual on a 429 without Retry-After, and when the backoff is the longer wait', () => {
      let transport!: MarbleTransport;
      testScheduler.run(({ cold }) => {
        transport = new MarbleTransport(
          testScheduler,
          [cold('#', frames, refused(429)), cold('#', frames, refused(429, { 'retry-after': '1' })), cold('o', frames)],
          { autoPongMs: 1 },
        );
        sessionLink(testScheduler, transport, 20_000, { initialDelay: 2000, maxDelay: 60_000 });
      });
      // 2 s (no Retry-After), then 4 s: the backoff, longer than the 1 s asked.
      expect(transport.attemptTimes).toEqual([0, 2000, 6000]);
    });
  });

  it('should not retry an upgrade refused as unauthorised, with or without Retry-After', () => {
    let transport!: MarbleTransport;
    let events: ConnectionEvent[] = [];
    testScheduler.run(({ cold }) => {
      transport = new MarbleTransport(testScheduler, [cold('#', frames, refused(401, { 'retry-after': '5' }))]);
      const link = sessionLink(testScheduler, transport, 20_000, { recoveryInterval: 'Infinity' });
      events = [];
      link.events$.subscribe((e) => events.push(e));
    });
    expect(transport.attemptTimes).toEqual([0]);
    expect(events.map((e) => e.errorMessage)).toEqual([
      'upgrade rejected: HTTP 401, retry after 5000 ms',
      'upgrade rejected: HTTP 401, retry after 5000 ms',
    ]);
  });
});

import { TestScheduler } from 'rxjs/testing';
import {
  ConnectionEvent,
  ConnectionEventType as E,
  ConnectionStatus as S,
  ExchangeDirectives,
  RequestError,
} from '../../../src/index';
import { MarbleTransport } from '../../../src/testing';
import { at, record, runAsync } from '../../support/virtualTime';
import { Msg, framesOf, sessionLink } from './sessionLink';

const frames = framesOf({
  g: 'Websocket connection established.',
  p: 'pong',
  t: { channel: 'trades', px: 1 },
  r: { event: 'reconnect', reason: 'upgrade' },
  f: { event: 'error', msg: 'invalid api key' },
});

function described(events: readonly ConnectionEvent[]): string[] {
  return events.map(
    (e) => `${e.timestamp} ${e.type}: ${e.description}${e.errorMessage !== undefined ? ` (${e.errorMessage})` : ''}`,
  );
}

describe('what the exchange directs', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  describe('ignoreFrames', () => {
    const rules: Array<[string, ExchangeDirectives<Msg>['ignoreFrames']]> = [
      ['a substring', 'connection established'],
      ['a pattern', /^(Websocket connection established\.|pong)$/],
      ['a predicate', (data) => data === 'pong' || String(data).startsWith('Websocket')],
    ];

    it.each(rules)(
      'should let frames matched by %s reach neither messages$ nor an ErrorOccurred, on every connect',
      (kind, ignoreFrames) => {
        let messages: Array<[number, Msg]> = [];
        let errors: ConnectionEvent[] = [];
        testScheduler.run(({ cold }) => {
          const transport = new MarbleTransport(
            testScheduler,
            [cold('o-g-p-t 93ms #', frames, MarbleTransport.closedBy(1006)), cold('o-g-p-t', frames)],
            { autoPongMs: 1 },
          );
          // The substring rule covers the greeting only: the bare pong is then malformed, once per connect.
          const link = sessionLink(testScheduler, transport, 1500, { ignoreFrames });
          messages = record(testScheduler, link.messages$);
          errors = [];
          link.events$.subscribe((e) => e.type === E.ErrorOccurred && errors.push(e));
        });
        expect(messages).toEqual([
          [6, { channel: 'trades', px: 1 }],
          [1106, { channel: 'trades', px: 1 }],
        ]);
        expect(errors.map((e) => [e.timestamp, e.errorMessage?.slice(0, 27)])).toEqual(
          kind === 'a substring'
            ? [
                [4, 'malformed inbound message: '],
                [1104, 'malformed inbound message: '],
              ]
            : [],
        );
      },
    );

    it.each([
      ['g', /^pong$/g],
      ['y', /pong/y],
    ])('should ignore every frame a pattern with the %s flag matches, not every other one', (_flag, pattern) => {
      let errors: ConnectionEvent[] = [];
      testScheduler.run(({ cold }) => {
        const transport = new MarbleTransport(testScheduler, [cold('o-p-p-p-p', frames)], { autoPongMs: 1 });
        const link = sessionLink(testScheduler, transport, 100, { ignoreFrames: pattern });
        errors = [];
        link.events$.subscribe((e) => e.type === E.ErrorOccurred && errors.push(e));
      });
      expect(errors).toEqual([]);
      // The application's own pattern is left as it was.
      expect(pattern.lastIndex).toBe(0);
    });

    it('should raise an ErrorOccurred for each such frame on every connect without it', () => {
      let errors: ConnectionEvent[] = [];
      testScheduler.run(({ cold }) => {
        const transport = new MarbleTransport(
          testScheduler,
          [cold('o-g-p 95ms #', frames, MarbleTransport.closedBy(1006)), cold('o-g-p', frames)],
          { autoPongMs: 1 },
        );
        const link = sessionLink(testScheduler, transport, 1500, {});
        errors = [];
        link.events$.subscribe((e) => e.type === E.ErrorOccurred && errors.push(e));
      });
      expect(errors.map((e) => [e.timestamp, e.severity])).toEqual([
        [2, 4],
        [4, 4],
        [1102, 4],
        [1104, 4],
      ]);
    });
  });

  describe('reconnectOn', () => {
    it('should replace the link at once, without backoff, with the reason, and replay the session', () => {
      let transport!: MarbleTransport;
      let events: ConnectionEvent[] = [];
      let messages: Array<[number, Msg]> = [];
      testScheduler.run(({ cold, expectObservable }) => {
        transport = new MarbleTransport(testScheduler, [cold('o 9ms t 39ms r', frames), cold('o 9ms t', frames)], {
          autoPongMs: 1,
        });
        const link = sessionLink(testScheduler, transport, 1000, {
          subscriptions: [{ sub: 'trades' }],
          reconnectOn: (message) => (message['event'] === 'reconnect' ? `server ${message['reason']}` : undefined),
        });
        messages = record(testScheduler, link.messages$);
        events = [];
        link.events$.subscribe((e) => events.push(e));
        expectObservable(link.status$).toBe('k 49ms (drk) 945ms (d|)', {
          k: S.Connected,
          d: S.Disconnected,
          r: S.Reconnecting,
        });
      });
      expect(transport.attemptTimes).toEqual([0, 50]);
      // Closed cleanly, not reset: the exchange asked for it.
      expect(transport.connections[0]).toMatchObject({ closed: true, aborted: false });
      expect(transport.connections.map((c) => c.texts)).toEqual([['{"sub":"trades"}'], ['{"sub":"trades"}']]);
      expect(messages.map(([t]) => t)).toEqual([10, 60]);
      expect(described(events).slice(0, 4)).toEqual([
        '0 Connected: connected',
        '50 Disconnected: connection lost (the exchange asked for a reconnect: server upgrade)',
        '50 ReconnectAttempt: reconnect attempt (immediate)',
        '50 ReconnectSuccess: reconnected after an immediate try',
      ]);
    });
  });

  describe('fatalOn', () => {
    it('should end in Failed with the reason, with no retry and no recovery; reconnect() is the way out', () => {
      let transport!: MarbleTransport;
      let link!: ReturnType<typeof sessionLink>;
      let messages: Array<[number, Msg]> = [];
      testScheduler.run(({ cold }) => {
        transport = new MarbleTransport(testScheduler, [cold('o 9ms t 9ms f', frames), cold('o', frames)], {
          autoPongMs: 1,
        });
        // Recovery every minute, were it not fatal. (Virtual runs stay short: TestScheduler chains
        // every rescheduled action to the previous one, so hours of virtual time overflow the stack.)
        link = sessionLink(testScheduler, transport, 200_000, {
          recoveryInterval: '1m',
          fatalOn: (message) => (message['event'] === 'error' ? String(message['msg']) : undefined),
        });
        messages = record(testScheduler, link.messages$);
        at(testScheduler, 180_000, () => link.reconnect());
      });
      expect(transport.attemptTimes).toEqual([0, 180_000]);
      expect(messages.map(([t]) => t)).toEqual([10]);
      expect(described(link.snapshot().recentEvents).slice(0, 5)).toEqual([
        '0 Connected: connected',
        '20 Disconnected: connection lost (the exchange ended the session: invalid api key)',
        '20 ErrorOccurred: connection failed: the exchange says retrying is pointless; not retried, waiting for reconnect() (invalid api key)',
        '1000 DataReceived: first data 0.01s after connect',
        '180000 ReconnectAttempt: reconnect attempt (immediate)',
      ]);
    });

    it('should settle the login it answers as refused, then end in Failed, during the handshake too', async () => {
      let transport!: MarbleTransport;
      let login: unknown;
      let statuses: Array<[number, S]> = [];
      await runAsync(testScheduler, async ({ cold, until }) => {
        const refusal = framesOf({ f: { id: 1, error: 'invalid api key' } });
        transport = new MarbleTransport(testScheduler, [cold('o 9ms f', refusal)], { autoPongMs: 1 });
        const link = sessionLink(testScheduler, transport, 120_000, {
          fatalOn: (message) => (message['error'] === 'invalid api key' ? 'invalid api key' : undefined),
          handshake: async (session) => {
            await session.request({ op: 'login' }).catch((error: unknown) => {
              login = error;
              throw error;
            });
          },
        });
        statuses = record(testScheduler, link.status$);
        await until(120_000);
        expect(link.snapshot().state.lastError).toBe('invalid api key');
      });
      expect(login).toBeInstanceOf(RequestError);
      expect(login).toMatchObject({ outcome: 'rejected' });
      expect(transport.attemptTimes).toEqual([0]);
      expect(statuses).toEqual([
        [0, S.Connecting],
        [10, S.Failed],
        [120_000, S.Disconnected],
      ]);
    });
  });
});

import { first } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { SendError, WindowBudget } from '../../../src/index';
import { MarbleTransport } from '../../../src/testing';
import { at, mostInAnyWindow, runAsync } from '../../support/virtualTime';
import { framesOf, sessionLink } from './sessionLink';

const { closedBy } = MarbleTransport;

/** Every frame written on every socket of `transport`, as its time. */
function writeTimes(transport: MarbleTransport): number[] {
  return transport.connections.flatMap((connection) => connection.sent.map(({ at }) => at));
}

describe('budgets', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  describe('messageLimit', () => {
    it('should never write more than messageLimit messages in any window, however the sends come', () => {
      let transport!: MarbleTransport;
      testScheduler.run(({ cold }) => {
        transport = new MarbleTransport(testScheduler, [cold('o', framesOf({}))], { autoPongMs: 1 });
        const link = sessionLink(testScheduler, transport, 6000, { messageLimit: 3, messageLimitWindow: '1s' });
        const burst = (from: number, count: number) => {
          for (let i = 0; i < count; i++) void link.send({ n: from + i });
        };
        burst(0, 7);
        at(testScheduler, 2500, () => burst(7, 2));
        at(testScheduler, 3200, () => burst(9, 4));
      });
      const times = writeTimes(transport);
      expect(times).toEqual([0, 0, 0, 1000, 1000, 1000, 2000, 2500, 2500, 3200, 3500, 3500, 4200]);
      expect(mostInAnyWindow(times, 1000)).toBe(3);
      // In the order they were sent.
      expect(transport.connections[0]?.texts.map((text) => JSON.parse(text).n)).toEqual([
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
      ]);
    });

    it('should count the handshake, the subscription replays and the requests, and keep their order', () => {
      let transport!: MarbleTransport;
      testScheduler.run(({ cold }) => {
        const frames = framesOf({ l: { op: 'login', ok: true } });
        transport = new MarbleTransport(
          testScheduler,
          [cold('o 9ms l 4989ms #', frames, closedBy(1006)), cold('o 9ms l', frames)],
          { autoPongMs: 1 },
        );
        const link = sessionLink(testScheduler, transport, 15_000, {
          messageLimit: 2,
          messageLimitWindow: '1s',
          queueTtl: '1m',
          subscriptions: [{ sub: 'a' }, { sub: 'b' }, { sub: 'c' }],
          handshake: (session) => {
            void session.send({ op: 'login' });
            return session.messages$.pipe(first((message) => message['op'] === 'login'));
          },
        });
        void link.request({ op: 'order', n: 1 }).catch(() => undefined);
        void link.send({ op: 'cancel' });
        void link.request({ op: 'order', n: 2 }).catch(() => undefined);
      });
      expect(transport.connections.map((c) => c.sent.map(({ at, data }) => `${at} ${data.toString()}`))).toEqual([
        [
          '0 {"op":"login"}',
          '10 {"sub":"a"}',
          '1000 {"sub":"b"}',
          '1010 {"sub":"c"}',
          '2000 {"op":"order","n":1,"id":1}',
          '2010 {"op":"cancel"}',
          '3000 {"op":"order","n":2,"id":2}',
        ],
        // The reconnect's handshake and replays count against what the first socket wrote just before.
        ['6000 {"op":"login"}', '6010 {"sub":"a"}', '7000 {"sub":"b"}', '7010 {"sub":"c"}'],
      ]);
      expect(mostInAnyWindow(writeTimes(transport), 1000)).toBe(2);
    });

    it("should let a message's ttl run while it waits for a slot, and never write it late", async () => {
      let transport!: MarbleTransport;
      const outcomes: Array<[number, number, string]> = [];
      await runAsync(testScheduler, async ({ cold, until }) => {
        transport = new MarbleTransport(testScheduler, [cold('o', framesOf({}))], { autoPongMs: 1 });
        const link = sessionLink(testScheduler, transport, 4000, { messageLimit: 2, messageLimitWindow: '1s' });
        for (let n = 0; n < 5; n++) {
          link.send({ n }, { ttl: '1500ms' }).then(
            () => outcomes.push([n, testScheduler.now(), 'written']),
            (error: SendError) => outcomes.push([n, testScheduler.now(), error.reason]),
          );
        }
        await until(4000);
      });
      expect(transport.connections[0]?.sent.map(({ at, data }) => `${at} ${data.toString()}`)).toEqual([
        '0 {"n":0}',
        '0 {"n":1}',
        '1000 {"n":2}',
        '1000 {"n":3}',
      ]);
      expect(outcomes).toEqual([
        [0, 0, 'written'],
        [1, 0, 'written'],
        [2, 1000, 'written'],
        [3, 1000, 'written'],
        [4, 1500, 'expired'],
      ]);
    });

    it('should share one messageBudget between handles: the exchange counts per IP', () => {
      const transports: MarbleTransport[] = [];
      testScheduler.run(({ cold }) => {
        const messageBudget = new WindowBudget({ limit: 3, window: '1s' });
        for (let handle = 0; handle < 2; handle++) {
          const transport = new MarbleTransport(testScheduler, [cold('o', framesOf({}))], { autoPongMs: 1 });
          transports.push(transport);
          const link = sessionLink(testScheduler, transport, 5000, { messageBudget });
          for (let n = 0; n < 4; n++) void link.send({ handle, n });
        }
      });
      const all = transports.flatMap(writeTimes);
      expect(all.length).toBe(8);
      expect(mostInAnyWindow(all, 1000)).toBe(3);
      expect(transports.map(writeTimes)).toEqual([
        [0, 0, 0, 1000],
        [1000, 1000, 2000, 2000],
      ]);
    });
  });

  describe('connectLimit', () => {
    it('should never open more than connectLimit sockets in any window, whatever asks: retries, reconnect(), notices', () => {
      let transport!: MarbleTransport;
      testScheduler.run(({ cold }) => {
        // Every socket is told to reconnect at once, a storm a server in trouble can cause.
        const frames = framesOf({ r: { event: 'reconnect' } });
        transport = new MarbleTransport(testScheduler, [cold('o 4ms r', frames)], { autoPongMs: 1 });
        const link = sessionLink(testScheduler, transport, 25_000, {
          connectLimit: 3,
          connectLimitWindow: '10s',
          reconnectOn: (message) => message['event'] === 'reconnect',
        });
        for (const t of [1, 2, 3, 12_000]) at(testScheduler, t, () => link.reconnect());
      });
      // Each socket lives 5 ms before its notice: the held attempts go as slots free up, never sooner.
      expect(transport.attemptTimes).toEqual([0, 1, 2, 10_000, 10_005, 10_010, 20_000, 20_005, 20_010]);
      expect(mostInAnyWindow(transport.attemptTimes, 10_000)).toBe(3);
    });
  });
});

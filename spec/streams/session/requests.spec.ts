import { TestScheduler } from 'rxjs/testing';
import { Connection, ConnectionEventType as E, RequestError } from '../../../src/index';
import { MarbleTransport } from '../../../src/testing';
import { at, record, runAsync } from '../../support/virtualTime';
import { Msg, framesOf, sessionLink } from './sessionLink';

const { closedBy } = MarbleTransport;

/** How each request ended, with the virtual time it did: "resolved {…}" or "outcome/reason". */
type Outcomes = Array<[number, string, string]>;

/** Sends `message` as a request named `label`, noting in `outcomes` when and how it settles. */
function ask(
  scheduler: TestScheduler,
  link: Connection<Msg, Msg>,
  outcomes: Outcomes,
  label: string,
  message: Msg,
  options: Parameters<Connection['request']>[1] = {},
): void {
  link.request(message, options).then(
    (reply) => outcomes.push([scheduler.now(), label, `resolved ${JSON.stringify(reply)}`]),
    (error: unknown) =>
      outcomes.push([
        scheduler.now(),
        label,
        error instanceof RequestError ? `${error.outcome}/${error.reason}` : `not a RequestError: ${String(error)}`,
      ]),
  );
}

describe('requests', () => {
  let testScheduler: TestScheduler;
  let unhandled: unknown[];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    unhandled = [];
    process.on('unhandledRejection', onUnhandled);
  });

  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
    // No request, settled or late, may leave a rejection nobody handles.
    expect(unhandled).toEqual([]);
  });

  it('should stamp a fresh id, write it, and resolve with the matching reply, which messages$ does not see', async () => {
    let transport!: MarbleTransport;
    const outcomes: Outcomes = [];
    let messages: Array<[number, Msg]> = [];
    await runAsync(testScheduler, async ({ cold, until }) => {
      const replies = framesOf({
        b: { id: 2, result: { orderId: 'B' } },
        a: { id: 1, result: { orderId: 'A' } },
        t: { channel: 'trades', px: 1, id: 99 },
      });
      transport = new MarbleTransport(testScheduler, [cold('o 9ms b 4ms t 4ms a', replies)], { autoPongMs: 1 });
      const link = sessionLink(testScheduler, transport, 1000, {});
      messages = record(testScheduler, link.messages$);
      ask(testScheduler, link, outcomes, 'A', { op: 'order', px: 1 });
      ask(testScheduler, link, outcomes, 'B', { op: 'order', px: 2 });
      await until(1000);
    });
    expect(transport.connections[0]?.texts).toEqual(['{"op":"order","px":1,"id":1}', '{"op":"order","px":2,"id":2}']);
    // Answered out of order: each settles with its own reply.
    expect(outcomes).toEqual([
      [10, 'B', 'resolved {"id":2,"result":{"orderId":"B"}}'],
      [20, 'A', 'resolved {"id":1,"result":{"orderId":"A"}}'],
    ]);
    // An id nobody asked for is not a reply.
    expect(messages).toEqual([[15, { channel: 'trades', px: 1, id: 99 }]]);
  });

  it('should reject as rejected, with the reply, when the exchange answers with an error', async () => {
    let failure: unknown;
    await runAsync(testScheduler, async ({ cold, until }) => {
      const replies = framesOf({ r: { id: 1, error: { code: -2010, msg: 'insufficient balance' } } });
      const transport = new MarbleTransport(testScheduler, [cold('o 9ms r', replies)], { autoPongMs: 1 });
      const link = sessionLink(testScheduler, transport, 1000, {});
      link.request({ op: 'order' }).catch((error: unknown) => (failure = error));
      await until(1000);
    });
    expect(failure).toBeInstanceOf(RequestError);
    expect(failure).toMatchObject({
      code: 'LIFELINE_REQUEST',
      outcome: 'rejected',
      reason: 'rejected',
      message: 'the exchange refused it: insufficient balance',
      reply: { id: 1, error: { code: -2010, msg: 'insufficient balance' } },
    });
  });

  it('should stamp and read the id, and recognise an error reply, as the correlation option says', async () => {
    let transport!: MarbleTransport;
    const outcomes: Outcomes = [];
    await runAsync(testScheduler, async ({ cold, until }) => {
      const replies = framesOf({
        a: { reqId: '1', code: 0, data: 'ok' },
        b: { reqId: '2', code: 51008, msg: 'order failed' },
        // The default reader would take this for a reply to request 1 (already settled).
        c: { id: 1, code: 0 },
      });
      transport = new MarbleTransport(testScheduler, [cold('o 9ms a 9ms b 9ms c', replies)], { autoPongMs: 1 });
      const link = sessionLink(testScheduler, transport, 1000, {
        correlation: {
          stamp: (message, id) => ({ reqId: String(id), ...message }),
          idOf: (message) => message['reqId'] as string | undefined,
          errorOf: (message) => (message['code'] !== 0 ? String(message['msg']) : undefined),
        },
      });
      const messages = record(testScheduler, link.messages$);
      ask(testScheduler, link, outcomes, 'A', { op: 'order' });
      ask(testScheduler, link, outcomes, 'B', { op: 'order' });
      await until(1000);
      expect(messages).toEqual([[30, { id: 1, code: 0 }]]);
    });
    expect(transport.connections[0]?.texts).toEqual(['{"reqId":"1","op":"order"}', '{"reqId":"2","op":"order"}']);
    expect(outcomes).toEqual([
      [10, 'A', 'resolved {"reqId":"1","code":0,"data":"ok"}'],
      [20, 'B', 'rejected/rejected'],
    ]);
  });

  describe('not sent: no byte of it was written', () => {
    it('should expire while the link is down, and never be written once it is up', async () => {
      let transport!: MarbleTransport;
      const outcomes: Outcomes = [];
      await runAsync(testScheduler, async ({ cold, until }) => {
        transport = new MarbleTransport(testScheduler, [cold('5s o', framesOf({}))], { autoPongMs: 1 });
        const link = sessionLink(testScheduler, transport, 6000, {});
        ask(testScheduler, link, outcomes, 'stale', { op: 'order', n: 1 }, { ttl: '1s' });
        ask(testScheduler, link, outcomes, 'patient', { op: 'order', n: 2 }, { ttl: '10s', timeout: '500ms' });
        await until(6000);
      });
      expect(outcomes).toEqual([
        [1000, 'stale', 'notSent/expired'],
        [5500, 'patient', 'unknown/timeout'],
      ]);
      // The id is stamped at write time: the one that expired never took one.
      expect(transport.connections[0]?.sent.map(({ at, data }) => `${at} ${data.toString()}`)).toEqual([
        '5000 {"op":"order","n":2,"id":1}',
      ]);
    });

    it('should be refused by a closed handle, and when the handle closes before it was written', async () => {
      const outcomes: Outcomes = [];
      await runAsync(testScheduler, async ({ cold, until }) => {
        const transport = new MarbleTransport(testScheduler, [cold('-', framesOf({}))]);
        const link = sessionLink(testScheduler, transport, 100, {});
        ask(testScheduler, link, outcomes, 'queued', { op: 'order' });
        at(testScheduler, 200, () => ask(testScheduler, link, outcomes, 'late', { op: 'order' }));
        await until(300);
      });
      expect(outcomes).toEqual([
        [100, 'queued', 'notSent/closed'],
        [200, 'late', 'notSent/closed'],
      ]);
    });

    it("should say notSent, as a RequestError, when a session.request's socket goes before it is written", async () => {
      const outcomes: Outcomes = [];
      await runAsync(testScheduler, async ({ cold, until }) => {
        // The login's hello takes the one slot of the budget: the login waits for the next second.
        const transport = new MarbleTransport(testScheduler, [cold('o 99ms #', framesOf({}), closedBy(1006))]);
        sessionLink(testScheduler, transport, 500, {
          messageLimit: 1,
          messageLimitWindow: '1s',
          maxAttempts: 0,
          recoveryInterval: 'Infinity',
          handshake: async (session) => {
            void session.send({ op: 'hello' });
            await session.request({ op: 'login' }).then(
              () => outcomes.push([testScheduler.now(), 'login', 'resolved']),
              (error: unknown) =>
                outcomes.push([
                  testScheduler.now(),
                  'login',
                  error instanceof RequestError
                    ? `${error.outcome}/${error.reason}`
                    : `not a RequestError: ${String(error)}`,
                ]),
            );
          },
        });
        await until(500);
      });
      expect(outcomes).toEqual([[100, 'login', 'notSent/disconnected']]);
    });

    it('should never be written after its deadline while the socket is backed up, and go once it drains', async () => {
      let transport!: MarbleTransport;
      const outcomes: Outcomes = [];
      await runAsync(testScheduler, async ({ cold, until }) => {
        transport = new MarbleTransport(testScheduler, [cold('o 999ms a', framesOf({ a: { id: 1, ok: true } }))], {
          autoPongMs: 1,
        });
        const link = sessionLink(testScheduler, transport, 2000, { highWaterMark: 0 });
        at(testScheduler, 100, () => {
          const connection = transport.connections[0] as NonNullable<(typeof transport.connections)[0]>;
          connection.backlog = true;
          void link.send({ op: 'bulk' });
          ask(testScheduler, link, outcomes, 'late', { op: 'order', n: 1 }, { ttl: '200ms' });
          ask(testScheduler, link, outcomes, 'patient', { op: 'order', n: 2 }, { ttl: '2s' });
          at(testScheduler, 500, () => {
            connection.backlog = false;
            connection.drain();
          });
        });
        await until(2000);
      });
      expect(outcomes).toEqual([
        [300, 'late', 'notSent/expired'],
        [1000, 'patient', 'resolved {"id":1,"ok":true}'],
      ]);
      expect(transport.connections[0]?.sent.map(({ at, data }) => `${at} ${data.toString()}`)).toEqual([
        '600 {"op":"bulk"}',
        '600 {"op":"order","n":2,"id":1}',
      ]);
    });
  });

  describe('outcome unknown: written, then no answer', () => {
    it('should say unknown when the link drops before the reply', async () => {
      const outcomes: Outcomes = [];
      await runAsync(testScheduler, async ({ cold, until }) => {
        const transport = new MarbleTransport(testScheduler, [cold('o 49ms #', framesOf({}), closedBy(1006))], {
          autoPongMs: 1,
        });
        const link = sessionLink(testScheduler, transport, 1000, { maxAttempts: 0, recoveryInterval: 'Infinity' });
        ask(testScheduler, link, outcomes, 'A', { op: 'order' });
        await until(1000);
      });
      expect(outcomes).toEqual([[50, 'A', 'unknown/disconnected']]);
    });

    it('should say unknown when the timeout passes, and take a late reply for an event, not a message', async () => {
      const outcomes: Outcomes = [];
      let messages: Array<[number, Msg]> = [];
      let errors: Array<[number, string | undefined]> = [];
      await runAsync(testScheduler, async ({ cold, until }) => {
        const late = framesOf({ r: { id: 1, result: 'filled' } });
        const transport = new MarbleTransport(testScheduler, [cold('o 799ms r', late)], { autoPongMs: 1 });
        const link = sessionLink(testScheduler, transport, 1000, {});
        messages = record(testScheduler, link.messages$);
        errors = [];
        link.events$.subscribe((e) => e.type === E.ErrorOccurred && errors.push([e.timestamp, e.errorMessage]));
        ask(testScheduler, link, outcomes, 'A', { op: 'order' }, { timeout: '500ms' });
        await until(1000);
      });
      expect(outcomes).toEqual([[500, 'A', 'unknown/timeout']]);
      expect(errors).toEqual([[800, 'late reply to request 1 (timed out)']]);
      expect(messages).toEqual([]);
    });
  });

  describe('the deadline stamped into the message', () => {
    it('should stamp it at write time: queued time plus ttl, in the exchange time', async () => {
      let transport!: MarbleTransport;
      const outcomes: Outcomes = [];
      await runAsync(testScheduler, async ({ cold, until }) => {
        // The first reply carries the exchange's time: its clock is 5 s ahead of ours.
        const replies = framesOf({ a: { id: 1, ok: true, time: 2005 + 5000 }, b: { id: 2, ok: true } });
        transport = new MarbleTransport(testScheduler, [cold('2s o 9ms a 19ms b', replies)], { autoPongMs: 1 });
        const link = sessionLink(testScheduler, transport, 3000, {
          maxClockOffset: '1m',
          correlation: {
            stampDeadline: (message, deadline) => ({ ...message, expiresAfter: deadline }),
            serverTimeOf: (message) => message['time'] as number | undefined,
          },
        });
        ask(testScheduler, link, outcomes, 'A', { op: 'order' }, { ttl: '3s' });
        at(testScheduler, 2020, () => ask(testScheduler, link, outcomes, 'B', { op: 'order' }, { ttl: '1s' }));
        await until(3000);
        expect(link.exchangeNow()).toBe(3000 + 5000);
      });
      expect(transport.connections[0]?.sent.map(({ at, data }) => `${at} ${data.toString()}`)).toEqual([
        '2000 {"op":"order","id":1,"expiresAfter":3000}',
        '2020 {"op":"order","id":2,"expiresAfter":8020}',
      ]);
      expect(outcomes.map(([t, label]) => [t, label])).toEqual([
        [2010, 'A'],
        [2030, 'B'],
      ]);
    });
  });
});

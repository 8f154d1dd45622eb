import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { AckRule, ConnectionEvent, ConnectionEventType as E, SubscriptionHandle } from '../../../src/index';
import { MarbleTransport } from '../../../src/testing';
import { at, promiseCallbacks, record } from '../../support/virtualTime';
import { Msg, framesOf, sessionLink } from './sessionLink';

const { closedBy } = MarbleTransport;

/** The exchange's verdicts: `{ ack: name }` confirms a subscription, `{ nack: name }` refuses it. */
function ackOf(name: string, timeout?: number): AckRule<Msg> {
  return {
    match: (message) => (message['ack'] === name ? 'ack' : message['nack'] === name ? 'reject' : undefined),
    ...(timeout !== undefined ? { timeout } : {}),
  };
}

const frames = framesOf({
  a: { ack: 'trades' },
  b: { ack: 'book' },
  n: { nack: 'book', reason: 'too many subscriptions' },
  t: { channel: 'trades', px: 1 },
});

/** The events, as "time type: description (error)". */
function described(events: ConnectionEvent[]): string[] {
  return events.map(
    (e) => `${e.timestamp} ${e.type}: ${e.description}${e.errorMessage !== undefined ? ` (${e.errorMessage})` : ''}`,
  );
}

describe('subscriptions', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('should send a message as it is, and run a builder afresh on every connect', () => {
    let transport!: MarbleTransport;
    testScheduler.run(({ cold }) => {
      transport = new MarbleTransport(
        testScheduler,
        [cold('o 99ms #', frames, closedBy(1006)), cold('o 99ms #', frames, closedBy(1006)), cold('o', frames)],
        { autoPongMs: 1 },
      );
      let nonce = 0;
      const link = sessionLink(testScheduler, transport, 3000, {
        subscriptions: [{ sub: 'trades' }, () => ({ sub: 'account', ts: testScheduler.now() })],
      });
      link.subscribe(() => ({ sub: 'orders', nonce: ++nonce }));
    });
    expect(transport.connections.map((c) => c.sent.map(({ at, data }) => `${at} ${data.toString()}`))).toEqual([
      ['0 {"sub":"trades"}', '0 {"sub":"account","ts":0}', '0 {"sub":"orders","nonce":2}'],
      ['1100 {"sub":"trades"}', '1100 {"sub":"account","ts":1100}', '1100 {"sub":"orders","nonce":3}'],
      ['2200 {"sub":"trades"}', '2200 {"sub":"account","ts":2200}', '2200 {"sub":"orders","nonce":4}'],
    ]);
  });

  it('should write one added by a Connected handler once, after the earlier ones, on that socket and the next', () => {
    let transport!: MarbleTransport;
    testScheduler.run(({ cold }) => {
      transport = new MarbleTransport(testScheduler, [cold('o 99ms #', frames, closedBy(1006)), cold('o', frames)], {
        autoPongMs: 1,
      });
      const link = sessionLink(testScheduler, transport, 3000, { subscriptions: [{ sub: 'trades' }] });
      let added = false;
      link.status$.subscribe((status) => {
        if (status !== 'Connected' || added) return;
        added = true;
        link.subscribe({ sub: 'fills' });
      });
    });
    expect(transport.connections.map((c) => c.sent.map(({ data }) => data.toString()))).toEqual([
      ['{"sub":"trades"}', '{"sub":"fills"}'],
      ['{"sub":"trades"}', '{"sub":"fills"}'],
    ]);
  });

  it('should go pending → active on its ack, pending again while the link is down, and active on the next socket', async () => {
    let handle!: SubscriptionHandle;
    testScheduler.run(({ cold, expectObservable }) => {
      const transport = new MarbleTransport(
        testScheduler,
        [cold('o 9ms a 89ms #', frames, closedBy(1006)), cold('o 19ms a', frames)],
        { autoPongMs: 1 },
      );
      const link = sessionLink(testScheduler, transport, 2000, {});
      handle = link.subscribe({ sub: 'trades' }, { name: 'trades', ack: ackOf('trades') });
      expectObservable(handle.state$).toBe('p 9ms a 89ms p 1019ms a 879ms (p|)', {
        p: 'pending',
        a: 'active',
      });
      expectObservable(link.ready$).toBe('f 9ms t 89ms f 1019ms t 879ms (f|)', { f: false, t: true });
    });
    expect(handle.name).toBe('trades');
    await expect(handle.active).resolves.toBeUndefined();
  });

  describe('refused by the server', () => {
    it('should be rejected: its state, its promise, an event naming it; the link stays up but not ready', async () => {
      let transport!: MarbleTransport;
      let handle!: SubscriptionHandle;
      let events: ConnectionEvent[] = [];
      testScheduler.run(({ cold, expectObservable }) => {
        transport = new MarbleTransport(
          testScheduler,
          [cold('o 9ms a 9ms n 979ms #', frames, closedBy(1006)), cold('o 9ms b 9ms a', frames)],
          { autoPongMs: 1 },
        );
        const link = sessionLink(testScheduler, transport, 3000, { subscriptions: [{ sub: 'trades' }] });
        link.subscribe({ sub: 'trades' }, { name: 'trades', ack: ackOf('trades') });
        handle = link.subscribe({ sub: 'book' }, { ack: ackOf('book') });
        expectObservable(handle.state$).toBe('p 19ms r 979ms p 1009ms a 989ms (p|)', {
          p: 'pending',
          a: 'active',
          r: 'rejected',
        });
        // Not ready while one is rejected; ready again once the next socket confirmed both.
        expectObservable(link.ready$).toBe('f 2019ms t 979ms (f|)', { f: false, t: true });
        events = [];
        link.events$.subscribe((e) => events.push(e));
      });
      expect(handle.name).toBe('{"sub":"book"}');
      await expect(handle.active).rejects.toThrow(
        'subscription {"sub":"book"} rejected: {"nack":"book","reason":"too many subscriptions"}',
      );
      expect(described(events).slice(0, 5)).toEqual([
        '0 Connected: connected',
        '10 SessionStep: subscription trades confirmed',
        '20 ErrorOccurred: subscription {"sub":"book"} rejected; sent again on the next connect ({"nack":"book","reason":"too many subscriptions"})',
        '1000 DataReceived: first data 0.01s after connect',
        '1000 Disconnected: connection lost (connection closed: 1006)',
      ]);
      // Sent again on the next connect, where it is confirmed.
      expect(transport.connections.map((c) => c.texts)).toEqual([
        ['{"sub":"trades"}', '{"sub":"trades"}', '{"sub":"book"}'],
        ['{"sub":"trades"}', '{"sub":"trades"}', '{"sub":"book"}'],
      ]);
    });

    it('should make the link ready once the application removes the rejected subscription', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const transport = new MarbleTransport(testScheduler, [cold('o 9ms a 9ms n', frames)], { autoPongMs: 1 });
        const link = sessionLink(testScheduler, transport, 1000, {});
        link.subscribe({ sub: 'trades' }, { ack: ackOf('trades') });
        const book = link.subscribe({ sub: 'book' }, { ack: ackOf('book') });
        at(testScheduler, 500, () => book.unsubscribe());
        expectObservable(link.ready$).toBe('f 499ms t 499ms (f|)', { f: false, t: true });
        expectObservable(link.state$.pipe(map((s) => s.step ?? '-'))).toBe('s 499ms n 499ms (n|)', {
          n: '-',
          s: 'subscribing',
        });
      });
    });
  });

  it('should take no verdict within its ack timeout as unconfirmed: an event, the attempt fails, the next connect sends it again', () => {
    let transport!: MarbleTransport;
    let events: ConnectionEvent[] = [];
    testScheduler.run(({ cold }) => {
      transport = new MarbleTransport(testScheduler, [cold('o 9ms a', frames), cold('o 9ms a 9ms b', frames)], {
        autoPongMs: 1,
      });
      const link = sessionLink(testScheduler, transport, 2000, {});
      link.subscribe({ sub: 'trades' }, { name: 'trades', ack: ackOf('trades') });
      link.subscribe({ sub: 'book' }, { name: 'book', ack: ackOf('book', 300) });
      events = [];
      link.events$.subscribe((e) => events.push(e));
    });
    expect(transport.attemptTimes).toEqual([0, 1300]);
    expect(transport.connections[0]?.closed).toBe(true);
    expect(transport.connections[1]?.texts).toEqual(['{"sub":"trades"}', '{"sub":"book"}']);
    expect(described(events)).toEqual([
      '0 Connected: connected',
      '10 SessionStep: subscription trades confirmed',
      '300 ErrorOccurred: subscription book not confirmed; sent again on the next connect (not confirmed within 300 ms)',
      '300 Disconnected: connection lost (subscription book not confirmed: not confirmed within 300 ms)',
      '1000 DataReceived: first data 0.01s after connect',
      '1300 ReconnectAttempt: reconnect attempt 1/5',
      '1300 ReconnectSuccess: reconnected after attempt 1',
      '1310 SessionStep: subscription trades confirmed',
      '1320 SessionStep: subscription book confirmed',
      '1320 SessionReady: ready 0.02s after the socket opened',
      '2000 Disconnected: closed by the application',
    ]);
  });

  it('should take the ack rule from the acks option for the subscriptions option and addSubscription', () => {
    let transport!: MarbleTransport;
    testScheduler.run(({ cold, expectObservable }) => {
      transport = new MarbleTransport(testScheduler, [cold('o 9ms a 9ms b', frames)], { autoPongMs: 1 });
      const link = sessionLink(testScheduler, transport, 1000, {
        subscriptions: [{ sub: 'trades' }],
        acks: (subscription) => (typeof subscription['sub'] === 'string' ? ackOf(subscription['sub']) : undefined),
      });
      link.addSubscription({ sub: 'book' }, { unsub: 'book' });
      // Without an ack rule (no `sub` field): active once written, nothing to wait for.
      link.addSubscription({ op: 'heartbeat-feed' });
      expectObservable(link.ready$).toBe('f 19ms t 979ms (f|)', { f: false, t: true });
    });
    expect(transport.connections[0]?.texts).toEqual(['{"sub":"trades"}', '{"sub":"book"}', '{"op":"heartbeat-feed"}']);
  });

  describe('removed', () => {
    it('should send its unsubscribe message while the link is up, complete its state, and never be sent again', () => {
      let transport!: MarbleTransport;
      testScheduler.run(({ cold, expectObservable }) => {
        transport = new MarbleTransport(
          testScheduler,
          [cold('o 9ms b 189ms #', frames, closedBy(1006)), cold('o', frames)],
          { autoPongMs: 1 },
        );
        const link = sessionLink(testScheduler, transport, 2000, {});
        const book = link.subscribe({ sub: 'book' }, { ack: ackOf('book'), unsubscribe: () => ({ unsub: 'book' }) });
        at(testScheduler, 100, () => book.unsubscribe());
        expectObservable(book.state$).toBe('p 9ms a 89ms |', { p: 'pending', a: 'active' });
      });
      expect(transport.connections.map((c) => c.sent.map(({ at, data }) => `${at} ${data.toString()}`))).toEqual([
        ['0 {"sub":"book"}', '100 {"unsub":"book"}'],
        [],
      ]);
    });

    it('should not send its unsubscribe message while the link is down, and not send it on the next socket', () => {
      let transport!: MarbleTransport;
      testScheduler.run(({ cold }) => {
        transport = new MarbleTransport(testScheduler, [cold('o 99ms #', frames, closedBy(1006)), cold('o', frames)], {
          autoPongMs: 1,
        });
        const link = sessionLink(testScheduler, transport, 2000, {});
        const book = link.subscribe({ sub: 'book' }, { unsubscribe: { unsub: 'book' } });
        at(testScheduler, 500, () => book.unsubscribe());
      });
      expect(transport.connections.map((c) => c.texts)).toEqual([['{"sub":"book"}'], []]);
    });

    it('should send the unsubscribe message of one added while the link was down, if it is up when removed', () => {
      let transport!: MarbleTransport;
      testScheduler.run(({ cold }) => {
        transport = new MarbleTransport(testScheduler, [cold('-#', frames, closedBy(1006)), cold('o', frames)], {
          autoPongMs: 1,
        });
        const link = sessionLink(testScheduler, transport, 2000, {});
        const book = link.subscribe({ sub: 'book' }, { unsubscribe: { unsub: 'book' } });
        at(testScheduler, 1500, () => book.unsubscribe());
      });
      expect(transport.connections.map((c) => c.sent.map(({ at, data }) => `${at} ${data.toString()}`))).toEqual([
        ['1001 {"sub":"book"}', '1500 {"unsub":"book"}'],
      ]);
    });
  });

  it('should send one added while the link is up at once, and confirm it on its ack', () => {
    let transport!: MarbleTransport;
    let states: Array<[number, string]> = [];
    testScheduler.run(({ cold }) => {
      transport = new MarbleTransport(testScheduler, [cold('o 499ms b', frames)], { autoPongMs: 1 });
      const link = sessionLink(testScheduler, transport, 1000, {});
      at(testScheduler, 300, () => {
        states = record(testScheduler, link.subscribe({ sub: 'book' }, { ack: ackOf('book') }).state$);
      });
    });
    expect(transport.connections[0]?.sent.map(({ at, data }) => `${at} ${data.toString()}`)).toEqual([
      '300 {"sub":"book"}',
    ]);
    expect(states).toEqual([
      [300, 'pending'],
      [500, 'active'],
      [1000, 'pending'],
    ]);
  });

  it('should name a subscription whose builder throws in an event, and still send the others', async () => {
    let transport!: MarbleTransport;
    let errors: string[] = [];
    testScheduler.run(({ cold }) => {
      transport = new MarbleTransport(testScheduler, [cold('o 99ms #', frames, closedBy(1006)), cold('o', frames)], {
        autoPongMs: 1,
      });
      let builds = 0;
      const link = sessionLink(testScheduler, transport, 2000, {
        subscriptions: [
          () => {
            // The first build names it; the one on the first socket fails.
            if (++builds === 2) throw new Error('no listen key yet');
            return { sub: 'account' };
          },
          { sub: 'trades' },
        ],
      });
      errors = [];
      link.events$.subscribe((e) => e.type === E.ErrorOccurred && errors.push(`${e.timestamp} ${e.errorMessage}`));
    });
    await promiseCallbacks();
    expect(transport.connections.map((c) => c.texts)).toEqual([
      ['{"sub":"trades"}'],
      ['{"sub":"account"}', '{"sub":"trades"}'],
    ]);
    expect(errors).toEqual(['0 subscription {"sub":"account"} not sent: no listen key yet']);
  });

  describe('whose builder throws', () => {
    /** A builder that fails its `failing`-th build (the first one names it, when it is added). */
    function failingBuilder(failing: number, message: Msg): () => Msg {
      let builds = 0;
      return () => {
        if (++builds === failing) throw new Error('no listen key yet');
        return message;
      };
    }

    it('should leave it rejected on that socket, never active, its promise rejected; active on the next', async () => {
      let handle!: SubscriptionHandle;
      let states: Array<[number, string]> = [];
      testScheduler.run(({ cold, expectObservable }) => {
        const transport = new MarbleTransport(
          testScheduler,
          [cold('o 99ms #', frames, closedBy(1006)), cold('o', frames)],
          { autoPongMs: 1 },
        );
        const link = sessionLink(testScheduler, transport, 2000, {});
        handle = link.subscribe(failingBuilder(2, { sub: 'account' }), { name: 'account' });
        // Recorded from before the first socket opens: every state it takes, none skipped.
        states = record(testScheduler, handle.state$);
        // Not confirmed by anything: its state is no reason for the link not to be ready.
        expectObservable(link.ready$).toBe('t 99ms f 999ms t 899ms (f|)', { f: false, t: true });
      });
      expect(states).toEqual([
        [0, 'pending'],
        [0, 'rejected'],
        [100, 'pending'],
        [1100, 'active'],
        [2000, 'pending'],
      ]);
      await expect(handle.active).rejects.toThrow(
        'subscription account rejected: its message could not be built: no listen key yet',
      );
    });

    it('should not throw from subscribe() on a live link: rejected there, an event, the link carries on', () => {
      let transport!: MarbleTransport;
      let states: Array<[number, string]> = [];
      let errors: string[] = [];
      testScheduler.run(({ cold }) => {
        transport = new MarbleTransport(testScheduler, [cold('o', frames)], { autoPongMs: 1 });
        const link = sessionLink(testScheduler, transport, 1000, {});
        errors = [];
        link.events$.subscribe((e) => e.type === E.ErrorOccurred && errors.push(`${e.timestamp} ${e.errorMessage}`));
        at(testScheduler, 300, () => {
          states = record(
            testScheduler,
            link.subscribe(failingBuilder(2, { sub: 'account' }), { name: 'account' }).state$,
          );
        });
      });
      expect(transport.connections[0]?.texts).toEqual([]);
      expect(transport.attemptTimes).toEqual([0]);
      expect(states).toEqual([
        [300, 'rejected'],
        [1000, 'pending'],
      ]);
      expect(errors).toEqual(['300 subscription account not sent: no listen key yet']);
    });

    it('should fail the attempt at once when it has an ack, not at the ack timeout, and build it again on the next socket', () => {
      let transport!: MarbleTransport;
      let events: ConnectionEvent[] = [];
      testScheduler.run(({ cold }) => {
        transport = new MarbleTransport(testScheduler, [cold('o', frames), cold('o 9ms a', frames)], { autoPongMs: 1 });
        const link = sessionLink(testScheduler, transport, 2000, {});
        link.subscribe(failingBuilder(2, { sub: 'trades' }), { name: 'trades', ack: ackOf('trades') });
        events = [];
        link.events$.subscribe((e) => events.push(e));
      });
      expect(transport.attemptTimes).toEqual([0, 1000]);
      expect(transport.connections.map((c) => c.texts)).toEqual([[], ['{"sub":"trades"}']]);
      expect(described(events).slice(0, 3)).toEqual([
        '0 Connected: connected',
        '0 ErrorOccurred: error on the link (subscription trades not sent: no listen key yet)',
        '0 Disconnected: connection lost (subscription trades not sent: no listen key yet)',
      ]);
      expect(described(events)).toContain('1010 SessionStep: subscription trades confirmed');
    });
  });
});

import { NEVER, distinctUntilChanged, first, map, throwError, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { AckRule, ConnectionEvent, ConnectionState, Session, tradeGate } from '../../../src/index';
import { MarbleTransport } from '../../../src/testing';
import { at } from '../../support/virtualTime';
import { Msg, framesOf, sessionLink } from './sessionLink';

const { closedBy } = MarbleTransport;

const frames = framesOf({ l: { op: 'login', ok: true }, a: { ack: 'trades' }, d: { channel: 'trades', px: 1 } });

const tradesAck: AckRule<Msg> = { match: (message) => (message['ack'] === 'trades' ? 'ack' : undefined) };

/** Sends a login and completes on the exchange's answer. */
function login(session: Session<Msg, Msg>) {
  void session.send({ op: 'login' });
  return session.messages$.pipe(first((message) => message['op'] === 'login'));
}

/** The state as "status step ready", one value per change. */
const stepLine = (state: ConnectionState) => `${state.status} ${state.step ?? '-'} ${state.ready}`;

function described(events: ConnectionEvent[]): string[] {
  return events.map(
    (e) => `${e.timestamp} ${e.type}: ${e.description}${e.errorMessage !== undefined ? ` (${e.errorMessage})` : ''}`,
  );
}

describe('ready$', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('should be true only once open, handshaken, subscribed and resynced; false on a drop; true again after the reconnect', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const transport = new MarbleTransport(
        testScheduler,
        [cold('o 9ms l 9ms a 79ms #', frames, closedBy(1006)), cold('o 9ms l 9ms a', frames)],
        { autoPongMs: 1 },
      );
      const link = sessionLink(testScheduler, transport, 1500, {
        handshake: login,
        subscriptions: [{ sub: 'trades' }],
        acks: () => tradesAck,
        resync: () => timer(10, testScheduler),
      });
      expectObservable(link.ready$).toBe('f 29ms t 69ms f 1029ms t 369ms (f|)', { f: false, t: true });
      expectObservable(link.state$.pipe(map(stepLine), distinctUntilChanged())).toBe(
        'a 9ms (bd) 6ms e 9ms f 69ms (gh) 996ms i 9ms (bd) 6ms e 9ms f 369ms (k|)',
        {
          a: 'Connecting handshake false',
          b: 'Connected handshake false',
          d: 'Connected subscribing false',
          e: 'Connected resync false',
          f: 'Connected - true',
          g: 'Disconnected - false',
          h: 'Reconnecting - false',
          i: 'Reconnecting handshake false',
          k: 'Disconnected - false',
        },
      );
    });
  });

  it('should mark each step with an event, so a trader sees where a reconnect is stuck', () => {
    let events: ConnectionEvent[] = [];
    testScheduler.run(({ cold }) => {
      const transport = new MarbleTransport(testScheduler, [cold('o 9ms l 9ms a', frames)], { autoPongMs: 1 });
      const link = sessionLink(testScheduler, transport, 900, {
        handshake: login,
        subscriptions: [{ sub: 'trades' }],
        acks: () => tradesAck,
        resync: () => timer(10, testScheduler),
      });
      events = [];
      link.events$.subscribe((e) => events.push(e));
    });
    expect(described(events)).toEqual([
      '10 Connected: connected',
      '20 SessionStep: subscription {"sub":"trades"} confirmed',
      '30 SessionStep: resync done in 0.01s',
      '30 SessionReady: ready 0.03s after the socket opened',
      '900 Disconnected: closed by the application',
    ]);
  });

  it('should be true on open, with no SessionReady event, when the session has no steps', () => {
    let events: ConnectionEvent[] = [];
    testScheduler.run(({ cold, expectObservable }) => {
      const transport = new MarbleTransport(testScheduler, [cold('--o', frames)], { autoPongMs: 1 });
      const link = sessionLink(testScheduler, transport, 900, { subscriptions: [{ sub: 'trades' }] });
      expectObservable(link.ready$).toBe('f-t 897ms (f|)', { f: false, t: true });
      events = [];
      link.events$.subscribe((e) => events.push(e));
    });
    expect(described(events)).toEqual(['2 Connected: connected', '900 Disconnected: closed by the application']);
  });

  it('should run the resync hook on every socket, with its session, and hold queued sends until it resolved', () => {
    let transport!: MarbleTransport;
    const resyncs: Array<[number, number, boolean]> = [];
    testScheduler.run(({ cold }) => {
      transport = new MarbleTransport(
        testScheduler,
        [cold('o 9ms l 89ms #', frames, closedBy(1006)), cold('o 9ms l', frames)],
        { autoPongMs: 1 },
      );
      const link = sessionLink(testScheduler, transport, 2000, {
        handshake: login,
        subscriptions: [{ sub: 'trades' }],
        resync: (session) => {
          resyncs.push([testScheduler.now(), session.attempt, session.reconnect]);
          // A session message from the resync goes at once, before what the application queued.
          void session.send({ op: 'snapshot' });
          return timer(50, testScheduler);
        },
      });
      void link.send({ order: 1 });
      at(testScheduler, 500, () => void link.send({ order: 2 }));
    });
    expect(resyncs).toEqual([
      [10, 0, false],
      [1110, 1, true],
    ]);
    expect(transport.connections.map((c) => c.sent.map(({ at, data }) => `${at} ${data.toString()}`))).toEqual([
      ['0 {"op":"login"}', '10 {"sub":"trades"}', '10 {"op":"snapshot"}', '60 {"order":1}'],
      ['1100 {"op":"login"}', '1110 {"sub":"trades"}', '1110 {"op":"snapshot"}', '1160 {"order":2}'],
    ]);
  });

  describe('readyTimeout', () => {
    it('should fail the attempt when the resync outlasts what is left of it, counted from the socket opening', () => {
      let transport!: MarbleTransport;
      let events: ConnectionEvent[] = [];
      testScheduler.run(({ cold }) => {
        transport = new MarbleTransport(testScheduler, [cold('o 299ms l', frames)], { autoPongMs: 1 });
        const link = sessionLink(testScheduler, transport, 2500, {
          readyTimeout: 1000,
          handshake: login,
          resync: (session) => (session.attempt === 0 ? NEVER : timer(10, testScheduler)),
        });
        events = [];
        link.events$.subscribe((e) => events.push(e));
      });
      // The handshake took 300 ms of the 1000: the resync had the 700 left.
      expect(transport.attemptTimes).toEqual([0, 2000]);
      expect(described(events)).toEqual([
        '300 Connected: connected',
        '1000 DataReceived: first data 0.3s after connect',
        '1000 Disconnected: connection lost (resync not done within readyTimeout (1000 ms))',
        '2000 ReconnectAttempt: reconnect attempt 1/5',
        '2300 ReconnectSuccess: reconnected after attempt 1',
        '2310 SessionStep: resync done in 0.01s',
        '2310 SessionReady: ready 0.31s after the socket opened',
        '2500 Disconnected: closed by the application',
      ]);
    });

    it.each([
      ['its default timeout', tradesAck],
      ['a longer timeout of its own', { ...tradesAck, timeout: '5s' }],
    ])(
      'should stop waiting for an ack, whatever %s, when what is left of it passes, and name the subscribing step',
      (_timeout, ack) => {
        let transport!: MarbleTransport;
        let events: ConnectionEvent[] = [];
        testScheduler.run(({ cold }) => {
          transport = new MarbleTransport(testScheduler, [cold('o 299ms l', frames), cold('o 299ms l 9ms a', frames)], {
            autoPongMs: 1,
          });
          const link = sessionLink(testScheduler, transport, 2500, { readyTimeout: 1000, handshake: login });
          link.subscribe({ sub: 'trades' }, { name: 'trades', ack });
          events = [];
          link.events$.subscribe((e) => events.push(e));
        });
        // The handshake took 300 ms of the 1000: the ack had the 700 left, not a whole timeout of its own.
        expect(transport.attemptTimes).toEqual([0, 2000]);
        expect(described(events).filter((e) => !e.includes('DataReceived'))).toEqual([
          '300 Connected: connected',
          '1000 ErrorOccurred: subscription trades not confirmed; sent again on the next connect (not confirmed before readyTimeout)',
          '1000 Disconnected: connection lost (subscribing not done within readyTimeout (1000 ms): subscription trades not confirmed)',
          '2000 ReconnectAttempt: reconnect attempt 1/5',
          '2300 ReconnectSuccess: reconnected after attempt 1',
          '2310 SessionStep: subscription trades confirmed',
          '2310 SessionReady: ready 0.31s after the socket opened',
          '2500 Disconnected: closed by the application',
        ]);
      },
    );
  });

  it('should fail the attempt when the resync fails, and set the whole session up again on the next socket', () => {
    let transport!: MarbleTransport;
    let events: ConnectionEvent[] = [];
    testScheduler.run(({ cold, expectObservable }) => {
      transport = new MarbleTransport(testScheduler, [cold('o 9ms l 9ms a', frames)], { autoPongMs: 1 });
      const link = sessionLink(testScheduler, transport, 2000, {
        handshake: login,
        subscriptions: [{ sub: 'trades' }],
        acks: () => tradesAck,
        resync: (session) =>
          session.attempt === 0 && !session.reconnect
            ? throwError(() => new Error('REST backfill failed: 502'))
            : timer(10, testScheduler),
      });
      expectObservable(link.ready$).toBe('f 1049ms t 949ms (f|)', { f: false, t: true });
      events = [];
      link.events$.subscribe((e) => events.push(e));
    });
    expect(transport.connections.map((c) => c.texts)).toEqual([
      ['{"op":"login"}', '{"sub":"trades"}'],
      ['{"op":"login"}', '{"sub":"trades"}'],
    ]);
    expect(described(events).slice(1, 3)).toEqual([
      '20 SessionStep: subscription {"sub":"trades"} confirmed',
      '20 Disconnected: connection lost (resync failed: REST backfill failed: 502)',
    ]);
  });

  it('should be false while the outbound path is unconfirmed, holding sends, and true again once a pong confirms it', () => {
    let transport!: MarbleTransport;
    testScheduler.run(({ cold, expectObservable }) => {
      // Data keeps coming in: it proves the inbound direction only.
      transport = new MarbleTransport(testScheduler, [cold('o 499ms d 499ms d 499ms d 499ms d', frames)], {
        autoPongMs: 1,
      });
      const link = sessionLink(testScheduler, transport, 6000, {
        adaptiveHeartbeat: false,
        heartbeatInterval: 1000,
        pongTimeout: 500,
        heartbeatTimeout: 5000,
      });
      // Pings at 0, 1000, 2000 …: the one at 2000 goes unanswered; the one at 5000 is answered.
      at(testScheduler, 1500, () => (transport.autoPongMs = undefined));
      at(testScheduler, 4200, () => (transport.autoPongMs = 1));
      at(testScheduler, 3000, () => void link.send({ order: 1 }, { ttl: '10s' }));
      expectObservable(link.ready$).toBe('t 2499ms f 2500ms t 998ms (f|)', { f: false, t: true });
    });
    expect(transport.connections[0]?.sent.map(({ at, data }) => `${at} ${data.toString()}`)).toEqual([
      '5001 {"order":1}',
    ]);
  });

  it('should open the trade gate on ready, not on open', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const transport = new MarbleTransport(testScheduler, [cold('o 9ms l 9ms a', frames)], { autoPongMs: 1 });
      const link = sessionLink(testScheduler, transport, 900, {
        handshake: login,
        subscriptions: [{ sub: 'trades' }],
        acks: () => tradesAck,
        resync: () => timer(10, testScheduler),
      });
      const { gate$ } = tradeGate(link, { settle: 0 }, testScheduler);
      // The heartbeat's first round trip was measured during the handshake: the gate need not wait
      // for the next ping (30 s later) to know the quality is good.
      expectObservable(
        gate$.pipe(
          map((gate) => gate.open),
          distinctUntilChanged(),
        ),
      ).toBe('f 29ms t 869ms (f|)', {
        f: false,
        t: true,
      });
    });
  });
});

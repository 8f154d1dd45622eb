import { NEVER, distinctUntilChanged, first, map, throwError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  ConnectionEvent,
  ConnectionEventType as E,
  ConnectionState,
  ConnectionStatus as S,
  RequestError,
  Session,
  SessionError,
} from '../../../src/index';
import { MarbleTransport } from '../../../src/testing';
import { at, record, runAsync } from '../../support/virtualTime';
import { Msg, framesOf, sessionLink } from './sessionLink';

const { closedBy } = MarbleTransport;

/** What the mock exchange answers to a login, and a trade. */
const frames = framesOf({ l: { op: 'login', ok: true }, t: { channel: 'trades', px: 1 } });

/** A handshake that sends a login and waits for the exchange's `{ op: 'login' }` answer. */
function loginHandshake(session: Session<Msg, Msg>) {
  void session.send({
    op: 'login',
    attempt: session.attempt,
    reconnect: session.reconnect,
    url: session.url,
    ts: session.exchangeNow(),
  });
  return session.messages$.pipe(first((message) => message['op'] === 'login'));
}

/** Each socket's writes as [time, text]. */
function writes(transport: MarbleTransport): Array<Array<[number, string]>> {
  return transport.connections.map((connection) => connection.sent.map(({ at, data }) => [at, data.toString()]));
}

describe('the handshake', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('should run on every socket open, before the subscriptions and the messages queued meanwhile', () => {
    let transport!: MarbleTransport;
    testScheduler.run(({ cold }) => {
      transport = new MarbleTransport(
        testScheduler,
        [cold('o 9ms l 89ms #', frames, closedBy(1006)), cold('o 19ms l', frames)],
        { autoPongMs: 1 },
      );
      const link = sessionLink(testScheduler, transport, 5000, {
        subscriptions: [{ sub: 'trades' }],
        handshake: loginHandshake,
      });
      void link.send({ order: 1 });
      // Sent while the second socket's handshake waits: it waits too.
      at(testScheduler, 1105, () => void link.send({ order: 2 }));
    });
    const login = (attempt: number, reconnect: boolean, ts: number) =>
      JSON.stringify({ op: 'login', attempt, reconnect, url: 'ws://exchange.test/ws', ts });
    expect(writes(transport)).toEqual([
      [
        [0, login(0, false, 0)],
        [10, '{"sub":"trades"}'],
        [10, '{"order":1}'],
      ],
      [
        [1100, login(1, true, 1100)],
        [1120, '{"sub":"trades"}'],
        [1120, '{"order":2}'],
      ],
    ]);
  });

  it('should build its messages afresh on each open: the attempt, whether it reconnects, and the time', () => {
    let transport!: MarbleTransport;
    testScheduler.run(({ cold }) => {
      // Refused twice: the handshake only runs on the sockets that open.
      transport = new MarbleTransport(
        testScheduler,
        [cold('o 4ms l 94ms #', frames, closedBy(1006)), cold('-#', frames, closedBy(1006)), cold('o 4ms l', frames)],
        { autoPongMs: 1 },
      );
      sessionLink(testScheduler, transport, 5000, { handshake: loginHandshake });
    });
    expect(transport.attemptTimes).toEqual([0, 1100, 2101]);
    expect(transport.connections.map((c) => JSON.parse(c.texts[0] as string))).toEqual([
      { op: 'login', attempt: 0, reconnect: false, url: 'ws://exchange.test/ws', ts: 0 },
      { op: 'login', attempt: 2, reconnect: true, url: 'ws://exchange.test/ws', ts: 2101 },
    ]);
  });

  it('should hold the link in its handshake step, neither Connected nor ready, until the handshake is done', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const transport = new MarbleTransport(testScheduler, [cold('--o 9ms l', frames)], { autoPongMs: 1 });
      // Closed before the first sampling tick (1 s), which would add a DataReceived.
      const link = sessionLink(testScheduler, transport, 900, { handshake: loginHandshake });
      const line = (state: ConnectionState) => `${state.status} ${state.step ?? '-'} ${state.ready}`;
      expectObservable(link.state$.pipe(map(line), distinctUntilChanged())).toBe('a-b 9ms (cd) 884ms (e|)', {
        a: 'Connecting - false',
        b: 'Connecting handshake false',
        c: 'Connected handshake false',
        d: 'Connected - true',
        e: 'Disconnected - false',
      });
      expectObservable(link.events$.pipe(map((e: ConnectionEvent) => `${e.type}: ${e.description}`))).toBe(
        '12ms (ab) 884ms (c|)',
        {
          a: 'Connected: connected',
          b: 'SessionReady: ready 0.01s after the socket opened',
          c: 'Disconnected: closed by the application',
        },
      );
    });
  });

  it('should await the reply to session.request, its correlation id stamped, before the subscriptions go', async () => {
    let transport!: MarbleTransport;
    const replies: Array<[number, unknown]> = [];
    await runAsync(testScheduler, async ({ cold, until }) => {
      const answers = framesOf({ a: { id: 1, result: 'welcome' }, b: { id: 2, result: 'welcome back' } });
      transport = new MarbleTransport(
        testScheduler,
        [cold('o 19ms a 79ms #', answers, closedBy(1006)), cold('o 29ms b', answers)],
        { autoPongMs: 1 },
      );
      const link = sessionLink(testScheduler, transport, 5000, {
        subscriptions: [{ sub: 'trades' }],
        handshake: async (session) => {
          const reply = await session.request({ op: 'login' });
          replies.push([testScheduler.now(), reply]);
        },
      });
      const ready = record(testScheduler, link.ready$);
      await until(5000);
      expect(ready).toEqual([
        [0, false],
        [20, true],
        [100, false],
        [1130, true],
        [5000, false],
      ]);
    });
    expect(replies).toEqual([
      [20, { id: 1, result: 'welcome' }],
      [1130, { id: 2, result: 'welcome back' }],
    ]);
    expect(writes(transport)).toEqual([
      [
        [0, '{"op":"login","id":1}'],
        [20, '{"sub":"trades"}'],
      ],
      [
        [1100, '{"op":"login","id":2}'],
        [1130, '{"sub":"trades"}'],
      ],
    ]);
  });

  it('should give session.request the timeout it is asked for, as a duration, and fail the step when it passes', async () => {
    let transport!: MarbleTransport;
    let failure: unknown;
    await runAsync(testScheduler, async ({ cold, until }) => {
      transport = new MarbleTransport(testScheduler, [cold('o', frames)], { autoPongMs: 1 });
      const link = sessionLink(testScheduler, transport, 1000, {
        handshake: async (session) => {
          await session.request({ op: 'login' }, { timeout: '200ms' }).catch((error: unknown) => {
            failure = error;
            throw error;
          });
        },
      });
      await until(1000);
      expect(link.snapshot().recentEvents.map((e) => [e.timestamp, e.errorMessage])).toEqual([
        [200, 'handshake failed: no reply within 200 ms; the exchange may or may not have acted on it'],
      ]);
    });
    expect(failure).toMatchObject({ outcome: 'unknown', reason: 'timeout' });
  });

  it('should fail the attempt when the handshake outlasts readyTimeout, and retry it on a new socket', () => {
    let transport!: MarbleTransport;
    let events: ConnectionEvent[] = [];
    let states: Array<[number, ConnectionState]> = [];
    testScheduler.run(({ cold }) => {
      transport = new MarbleTransport(testScheduler, [cold('o', frames), cold('o 4ms l', frames)], {
        autoPongMs: 1,
      });
      const link = sessionLink(testScheduler, transport, 5000, {
        readyTimeout: 500,
        subscriptions: [{ sub: 'trades' }],
        handshake: (session) => (session.attempt === 0 ? NEVER : loginHandshake(session)),
      });
      void link.send({ order: 1 }, { ttl: '10s' });
      events = [];
      link.events$.subscribe((event) => events.push(event));
      states = record(testScheduler, link.state$);
    });
    expect(transport.attemptTimes).toEqual([0, 1500]);
    expect(transport.connections[0]?.closed).toBe(true);
    // Nothing but the handshake went to the socket whose handshake failed.
    expect(transport.connections[0]?.texts).toEqual([]);
    expect(transport.connections[1]?.texts.slice(1)).toEqual(['{"sub":"trades"}', '{"order":1}']);
    expect(events.slice(0, 3).map((e) => [e.timestamp, e.type, e.description, e.errorMessage])).toEqual([
      [500, E.ErrorOccurred, 'initial connection failed', 'handshake not done within readyTimeout (500 ms)'],
      [1500, E.ReconnectAttempt, 'reconnect attempt 1/5', undefined],
      [1505, E.ReconnectSuccess, 'reconnected after attempt 1', undefined],
    ]);
    // Never Connected on the first socket: a socket whose handshake failed is a failed attempt.
    expect(states.filter(([t, s]) => t < 1505 && s.status === S.Connected)).toEqual([]);
    expect(states.filter(([t]) => t === 500).at(-1)?.[1]).toMatchObject({
      status: S.Reconnecting,
      attempt: 1,
      nextRetryAt: 1500,
      lastError: 'handshake not done within readyTimeout (500 ms)',
    });
  });

  it('should fail the attempt when the handshake throws or errors, and retry it', () => {
    let transport!: MarbleTransport;
    let failures: Array<string | undefined> = [];
    testScheduler.run(({ cold }) => {
      transport = new MarbleTransport(testScheduler, [cold('o', frames)], { autoPongMs: 1 });
      const link = sessionLink(testScheduler, transport, 2500, {
        handshake: (session) => {
          if (session.attempt === 0) throw new Error('no key loaded');
          return throwError(() => new Error('signer offline'));
        },
      });
      failures = [];
      link.events$.subscribe((e) => e.errorMessage !== undefined && failures.push(e.errorMessage));
    });
    expect(transport.attemptTimes).toEqual([0, 1000, 2000]);
    expect(failures).toEqual([
      'handshake failed: no key loaded',
      'handshake failed: signer offline',
      'handshake failed: signer offline',
    ]);
  });

  it('should never carry a session message over to the next socket: one not written on its own is rejected', async () => {
    let transport!: MarbleTransport;
    const outcomes: Array<[number, string]> = [];
    await runAsync(testScheduler, async ({ cold, until }) => {
      transport = new MarbleTransport(
        testScheduler,
        [cold('o 99ms #', frames, closedBy(1006)), cold('o 4ms l', frames)],
        { autoPongMs: 1 },
      );
      sessionLink(testScheduler, transport, 3000, {
        // One message a second: the second login message of the first socket waits for a slot.
        messageLimit: 1,
        messageLimitWindow: '1s',
        handshake: (session) => {
          for (const part of [1, 2]) {
            session.send({ op: 'login', part, attempt: session.attempt }).then(
              () => outcomes.push([testScheduler.now(), `${session.attempt}.${part} written`]),
              (error: Error & { reason?: string }) =>
                outcomes.push([testScheduler.now(), `${session.attempt}.${part} ${error.reason}`]),
            );
          }
          return session.messages$.pipe(first((message) => message['op'] === 'login'));
        },
      });
      await until(3000);
    });
    expect(outcomes).toEqual([
      [0, '0.1 written'],
      [100, '0.2 disconnected'],
      [1100, '1.1 written'],
      [2100, '1.2 written'],
    ]);
    expect(transport.connections.map((c) => c.texts)).toEqual([
      ['{"op":"login","part":1,"attempt":0}'],
      ['{"op":"login","part":1,"attempt":1}', '{"op":"login","part":2,"attempt":1}'],
    ]);
  });

  describe('refused by the exchange', () => {
    /** The exchange refuses login request number `id`. */
    const refusal = (id: number) => framesOf({ r: { id, error: 'invalid signature' } });

    it('should end in Failed without a retry: a refused login does not loop', async () => {
      let transport!: MarbleTransport;
      let statuses: Array<[number, S]> = [];
      await runAsync(testScheduler, async ({ cold, until }) => {
        transport = new MarbleTransport(testScheduler, [cold('o 9ms r', refusal(1))], { autoPongMs: 1 });
        const link = sessionLink(testScheduler, transport, 60_000, {
          recoveryInterval: 'Infinity',
          handshake: async (session) => session.request({ op: 'login' }),
        });
        statuses = record(testScheduler, link.status$);
        await until(60_000);
        expect(link.snapshot().state.lastError).toBe('handshake failed: the exchange refused it: invalid signature');
      });
      expect(transport.attemptTimes).toEqual([0]);
      expect(statuses).toEqual([
        [0, S.Connecting],
        [10, S.Failed],
        [60_000, S.Disconnected],
      ]);
    });

    it('should ask shouldRetry, with a SessionError that says the exchange refused the step', async () => {
      let transport!: MarbleTransport;
      const asked: Array<[unknown, number]> = [];
      await runAsync(testScheduler, async ({ cold, until }) => {
        const scripts = [1, 2, 3].map((id) => cold('o 9ms r', refusal(id)));
        transport = new MarbleTransport(testScheduler, scripts, { autoPongMs: 1 });
        sessionLink(testScheduler, transport, 3000, {
          maxAttempts: 2,
          recoveryInterval: 'Infinity',
          handshake: async (session) => session.request({ op: 'login' }),
          shouldRetry: (error, attempt) => {
            asked.push([error, attempt]);
            return true;
          },
        });
        await until(3000);
      });
      // Retried as told: the request ids go on counting, each login is written afresh.
      expect(transport.attemptTimes).toEqual([0, 1010, 2020]);
      expect(transport.connections.map((c) => c.texts)).toEqual([
        ['{"op":"login","id":1}'],
        ['{"op":"login","id":2}'],
        ['{"op":"login","id":3}'],
      ]);
      expect(asked.map(([, attempt]) => attempt)).toEqual([1, 2]);
      const [error] = asked[0] as [SessionError, number];
      expect(error).toBeInstanceOf(SessionError);
      expect(error).toMatchObject({ step: 'handshake', rejected: true, code: 'LIFELINE_SESSION' });
      expect(error.cause).toBeInstanceOf(RequestError);
      expect(error.cause).toMatchObject({ outcome: 'rejected', reply: { id: 1, error: 'invalid signature' } });
    });
  });
});

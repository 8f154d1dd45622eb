import { Observable, Subscription, filter, map, take } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  Connection,
  ConnectionEvent,
  ConnectionEventType as E,
  ConnectionStatus as S,
  ConnectOptions,
  SessionError,
  connect,
} from '../../src/index';
import { MarbleTransport } from '../../src/testing';
import { configErrorOf } from '../support/configErrorOf';
const { OPEN } = MarbleTransport;

interface Frame {
  readonly event?: string;
  readonly ok?: boolean;
  readonly ch?: string;
  readonly seq?: number;
  readonly id?: number;
  readonly result?: string;
  readonly msg?: string;
}

/** The exchange's side, scripted per socket: a login reply 100 ms after the open, the ack 50 ms later. */
const frames = {
  o: OPEN,
  l: '{"event":"login","ok":true}',
  a: '{"event":"subscribed","ch":"trades"}',
  r: '{"event":"error","ch":"trades","msg":"too many subscriptions"}',
  n: '{"event":"notice","msg":"service upgrade"}',
  x: '{"event":"fatal","msg":"invalid api key"}',
  L: '{"event":"login","ok":false}',
};
const SOCKET = 'o 99ms l 49ms a';

describe('maxConnectionAge: make-before-break', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  const at = (ms: number, work: () => void): Subscription => testScheduler.schedule(work, ms);

  function record<T>(source$: Observable<T>): Array<[number, T]> {
    const log: Array<[number, T]> = [];
    source$.subscribe((value) => log.push([testScheduler.now(), value]));
    return log;
  }

  /** A link that logs in on every socket and subscribes to trades with an ack; closed at `closeAt`. */
  function start(
    transport: MarbleTransport,
    closeAt: number,
    options: Partial<ConnectOptions<Frame, Record<string, unknown>>> = {},
  ) {
    const link: Connection<Frame, Record<string, unknown>> = connect<Frame, Record<string, unknown>>({
      url: 'ws://exchange.test/ws',
      transport,
      scheduler: testScheduler,
      jitter: 'none',
      maxConnectionAge: '1m',
      heartbeatInterval: '10m',
      heartbeatTimeout: '20m',
      // An Observable step (a Promise would settle only after the virtual clock has run out).
      handshake: (session) => {
        void session.send({ op: 'login', ts: session.exchangeNow() });
        return session.messages$.pipe(
          filter((m) => m.event === 'login'),
          take(1),
        );
      },
      subscriptions: [{ op: 'subscribe', ch: 'trades' }],
      acks: () => ({
        match: (m: Frame) => (m.event === 'subscribed' ? 'ack' : m.event === 'error' ? 'reject' : undefined),
      }),
      ...options,
    });
    at(closeAt, () => void link.close());
    return link;
  }

  const tick = (seq: number): string => JSON.stringify({ ch: 'trades', seq });

  it('should set the successor up beside the aged socket, switch without a gap, and close the old one cleanly', () => {
    let transport!: MarbleTransport;
    let statuses: Array<[number, S]> = [];
    let ready: Array<[number, boolean]> = [];
    const seqs: number[] = [];
    const events: ConnectionEvent[] = [];
    testScheduler.run(({ cold }) => {
      transport = new MarbleTransport(testScheduler, [cold(SOCKET, frames)], { autoPongMs: 5 });
      const link = start(transport, 90_000);
      statuses = record(link.status$);
      ready = record(link.ready$);
      link.messages$.pipe(filter((m) => m.seq !== undefined)).subscribe((m) => seqs.push(m.seq as number));
      link.events$.subscribe((e) => events.push(e));
      const old = () => transport.connections[0]!;
      const successor = () => transport.connections[1]!;
      // The old socket's feed: 1 … 4, then 5 and 6 during the overlap, 7 after the switch (not delivered).
      for (const [ms, seq] of [
        [20_000, 1],
        [40_000, 2],
        [59_000, 3],
        [60_010, 4],
        [60_050, 5],
        [60_140, 6],
        [60_160, 7],
      ] as const)
        at(ms, () => old().inbound.next(tick(seq)));
      // The successor's feed starts during its set-up, a little ahead of the old one: 6 and 7 are held.
      at(60_120, () => successor().inbound.next(tick(6)));
      at(60_130, () => successor().inbound.next(tick(7)));
      at(60_170, () => successor().inbound.next(tick(8)));
      at(60_100, () => void link.send({ op: 'order', n: 1 }));
      at(60_200, () => void link.send({ op: 'order', n: 2 }));
    });
    const [old, successor] = transport.connections;
    // The successor opened when the first socket was 1 minute old, logged in and subscribed afresh.
    expect(transport.attemptTimes).toEqual([0, 60_000]);
    expect(successor?.texts.map((t) => JSON.parse(t).op)).toEqual(['login', 'subscribe', 'order']);
    expect(JSON.parse(successor?.texts[0] as string)).toEqual({ op: 'login', ts: 60_000 });
    // Order 1 went out on the old socket while it still served; order 2 on the successor.
    expect(old?.texts.map((t) => JSON.parse(t).op)).toEqual(['login', 'subscribe', 'order']);
    expect(old?.sent.map(({ at }) => at)).toEqual([0, 100, 60_100]);
    expect(successor?.sent.map(({ at }) => at)).toEqual([60_000, 60_100, 60_200]);
    // Switched when the successor's subscription was confirmed (60 150): the old socket closed cleanly then.
    expect(old?.closed).toBe(true);
    expect(old?.aborted).toBe(false);
    expect(successor?.closed).toBe(true); // by close() at 90 s
    // The feed: the old socket's messages up to the switch, then what the successor held (6, 7: the
    // switch repeats 6), then its own; 7 from the old socket came after the switch and went nowhere.
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 6, 7, 8]);
    // The link never went down, nor stopped being ready.
    expect(statuses).toEqual([
      [0, S.Connecting],
      [100, S.Connected], // the handshake done
      [90_000, S.Disconnected],
    ]);
    expect(ready).toEqual([
      [0, false],
      [150, true],
      [90_000, false],
    ]);
    const renewals = events.filter((e) => e.description.includes('socket') && e.type === E.SessionStep);
    expect(renewals.map((e) => [e.timestamp, e.description])).toEqual([
      [60_000, 'socket 60s old: setting up its successor before closing it (maxConnectionAge)'],
      [
        60_150,
        'socket replaced at 60.15s old: the successor took over after 0.15s of overlap; messages at the switch may repeat, none is missed',
      ],
    ]);
    expect(events.filter((e) => e.timestamp < 90_000).map((e) => e.type)).not.toContain(E.Disconnected);
  });

  it('should replace the successor in turn when it reaches the age', () => {
    let transport!: MarbleTransport;
    testScheduler.run(({ cold }) => {
      transport = new MarbleTransport(testScheduler, [cold(SOCKET, frames)], { autoPongMs: 5 });
      start(transport, 150_000);
    });
    // Each socket is replaced a minute after it opened: at 60 s, then at 120 s.
    expect(transport.attemptTimes).toEqual([0, 60_000, 120_000]);
    expect(transport.connections.map((c) => c.aborted)).toEqual([false, false, false]);
  });

  it('should keep the aged socket serving when its successor is refused, and try again after a backoff', () => {
    let transport!: MarbleTransport;
    const events: ConnectionEvent[] = [];
    const statuses: S[] = [];
    testScheduler.run(({ cold }) => {
      // The first successor's subscription is refused (a cap on subscriptions); the next one is fine.
      transport = new MarbleTransport(
        testScheduler,
        [cold(SOCKET, frames), cold('o 99ms l 49ms r', frames), cold(SOCKET, frames)],
        { autoPongMs: 5 },
      );
      const link = start(transport, 100_000, { initialDelay: '2s' });
      link.events$.subscribe((e) => events.push(e));
      link.status$.subscribe((s) => statuses.push(s));
    });
    // 60 s: a successor; refused at 60.15 s and closed; the next one 2 s later (initialDelay) takes over.
    expect(transport.attemptTimes).toEqual([0, 60_000, 62_150]);
    expect(transport.connections[1]?.closed).toBe(true);
    expect(transport.connections[0]?.closed).toBe(true);
    const failed = events.find((e) => e.type === E.ErrorOccurred);
    expect(failed?.timestamp).toBe(60_150);
    expect(failed?.errorMessage).toContain('could not set up a successor for the 60.15s old socket');
    expect(failed?.errorMessage).toContain('next try in 2s');
    // The subscription stayed active on the serving socket: the link never left Connected.
    expect(statuses).toEqual([S.Connecting, S.Connected, S.Disconnected]);
  });

  it('should not let a successor take over without a subscription whose builder threw on it', () => {
    let transport!: MarbleTransport;
    const errors: string[] = [];
    testScheduler.run(({ cold }) => {
      transport = new MarbleTransport(testScheduler, [cold(SOCKET, frames)], { autoPongMs: 5 });
      // Only trades has an ack: the account feed is active once written.
      const link = start(transport, 70_000, {
        initialDelay: '2s',
        acks: (sub) =>
          sub['ch'] === 'trades' ? { match: (m: Frame) => (m.event === 'subscribed' ? 'ack' : undefined) } : undefined,
      });
      let builds = 0;
      // Built when added, on the first socket, then on each successor: the first successor's build fails.
      link.subscribe(() => {
        if (++builds === 3) throw new Error('no listen key yet');
        return { op: 'subscribe', ch: 'account' };
      });
      link.events$.subscribe((e) => e.type === E.ErrorOccurred && errors.push(`${e.timestamp} ${e.errorMessage}`));
    });
    // The first successor is given up at 60.1 s, once logged in; the next one (2 s later) carries both.
    expect(transport.attemptTimes).toEqual([0, 60_000, 62_100]);
    const [, abandoned, successor] = transport.connections;
    expect(abandoned?.texts.map((t) => JSON.parse(t).ch ?? JSON.parse(t).op)).toEqual(['login', 'trades']);
    expect(abandoned?.closed).toBe(true);
    expect(successor?.texts.map((t) => JSON.parse(t).ch ?? JSON.parse(t).op)).toEqual(['login', 'trades', 'account']);
    expect(errors).toEqual([
      '60100 subscription {"op":"subscribe","ch":"account"} not sent: no listen key yet',
      '60100 could not set up a successor for the 60.1s old socket (subscription {"op":"subscribe","ch":"account"} not sent: no listen key yet); it serves on, next try in 2s',
    ]);
  });

  describe('a successor the exchange speaks to', () => {
    const directives = {
      reconnectOn: (m: Frame) => (m.event === 'notice' ? m.msg : undefined),
      fatalOn: (m: Frame) => (m.event === 'fatal' ? m.msg : undefined),
    };

    it('should give it up on a reconnect notice, never switch to it, and set a fresh one up after the backoff', () => {
      let transport!: MarbleTransport;
      const statuses: S[] = [];
      const notices: Frame[] = [];
      const errors: string[] = [];
      testScheduler.run(({ cold }) => {
        // The first successor is told to go before its login is answered.
        transport = new MarbleTransport(
          testScheduler,
          [cold(SOCKET, frames), cold('o 49ms n 49ms l 49ms a', frames), cold(SOCKET, frames)],
          { autoPongMs: 5 },
        );
        const link = start(transport, 70_000, { initialDelay: '2s', ...directives });
        link.status$.subscribe((status) => statuses.push(status));
        link.messages$.pipe(filter((m) => m.event === 'notice')).subscribe((m) => notices.push(m));
        link.events$.subscribe((e) => e.type === E.ErrorOccurred && errors.push(`${e.timestamp} ${e.errorMessage}`));
      });
      expect(transport.attemptTimes).toEqual([0, 60_000, 62_050]);
      const [old, told, successor] = transport.connections;
      expect(told?.closed).toBe(true);
      // It never served: nothing went out on it after the login, and its notice reached nobody.
      expect(told?.texts.map((t) => JSON.parse(t).op)).toEqual(['login']);
      expect(notices).toEqual([]);
      // The old socket served on until the fresh successor took over, then closed cleanly.
      expect(old?.aborted).toBe(false);
      expect(successor?.texts.map((t) => JSON.parse(t).op)).toEqual(['login', 'subscribe']);
      expect(statuses).toEqual([S.Connecting, S.Connected, S.Disconnected]);
      expect(errors).toEqual([
        '60050 could not set up a successor for the 60.05s old socket (the exchange asked for a reconnect: service upgrade); it serves on, next try in 2s',
      ]);
    });

    it('should stop renewing on a fatal message, and keep serving on the aged socket until it ends', () => {
      let transport!: MarbleTransport;
      const statuses: S[] = [];
      const errors: string[] = [];
      testScheduler.run(({ cold }) => {
        transport = new MarbleTransport(
          testScheduler,
          [cold(SOCKET, frames), cold('o 99ms x', frames), cold(SOCKET, frames)],
          { autoPongMs: 5 },
        );
        const link = start(transport, 100_000, { initialDelay: '2s', ...directives });
        link.status$.subscribe((status) => statuses.push(status));
        link.events$.subscribe((e) => e.type === E.ErrorOccurred && errors.push(`${e.timestamp} ${e.errorMessage}`));
      });
      expect(transport.attemptTimes).toEqual([0, 60_000]);
      expect(statuses).toEqual([S.Connecting, S.Connected, S.Disconnected]);
      expect(errors).toEqual([
        '60100 could not set up a successor for the 60.1s old socket (the exchange ended the session: invalid api key); renewal given up (the exchange says retrying is pointless): it serves until it ends',
      ]);
    });
  });

  describe('retried as a reconnect would be', () => {
    /** Logs in on every socket; a refusal is one the exchange answered (`rejected`), as a bad key is. */
    const handshake: ConnectOptions<Frame, Record<string, unknown>>['handshake'] = (session) => {
      void session.send({ op: 'login' });
      return session.messages$.pipe(
        filter((m) => m.event === 'login'),
        take(1),
        map((m) => {
          if (m.ok !== true) throw new SessionError('handshake', 'login refused', true);
          return m;
        }),
      );
    };

    it('should not retry a successor whose login the exchange refused, which defaultShouldRetry does not retry', () => {
      let transport!: MarbleTransport;
      const errors: string[] = [];
      testScheduler.run(({ cold }) => {
        transport = new MarbleTransport(
          testScheduler,
          [cold(SOCKET, frames), cold('o 99ms L', frames), cold(SOCKET, frames)],
          { autoPongMs: 5 },
        );
        const link = start(transport, 100_000, { initialDelay: '2s', handshake });
        link.events$.subscribe((e) => e.type === E.ErrorOccurred && errors.push(`${e.timestamp} ${e.errorMessage}`));
      });
      expect(transport.attemptTimes).toEqual([0, 60_000]);
      expect(transport.connections[0]?.closed).toBe(true); // by close() at 100 s: it served until then
      expect(errors).toEqual([
        '60100 could not set up a successor for the 60.1s old socket (login refused); renewal given up (not retried): it serves until it ends',
      ]);
    });

    it('should ask shouldRetry with the retry about to be made', () => {
      let transport!: MarbleTransport;
      const asked: number[] = [];
      testScheduler.run(({ cold }) => {
        transport = new MarbleTransport(testScheduler, [cold(SOCKET, frames), cold('o 99ms l 49ms r', frames)], {
          autoPongMs: 5,
        });
        start(transport, 100_000, {
          initialDelay: '2s',
          shouldRetry: (_error, attempt) => asked.push(attempt) < 2,
        });
      });
      // Refused at 60.15 s (retry 1: yes, in 2 s), again at 62.3 s (retry 2: no).
      expect(asked).toEqual([1, 2]);
      expect(transport.attemptTimes).toEqual([0, 60_000, 62_150]);
    });

    it('should make at most maxAttempts retries, each after the backoff delay, then give up', () => {
      let transport!: MarbleTransport;
      const errors: string[] = [];
      testScheduler.run(({ cold }) => {
        transport = new MarbleTransport(testScheduler, [cold(SOCKET, frames), cold('o 99ms l 49ms r', frames)], {
          autoPongMs: 5,
        });
        const link = start(transport, 100_000, { initialDelay: '2s', maxAttempts: 2 });
        link.events$.subscribe((e) => e.type === E.ErrorOccurred && errors.push(`${e.timestamp} ${e.errorMessage}`));
      });
      // Refused 150 ms after each open: retried 2 s, then 4 s later; the third refusal is the last.
      expect(transport.attemptTimes).toEqual([0, 60_000, 62_150, 66_300]);
      expect(errors.filter((e) => e.includes('successor')).map((e) => e.replace(/ \(.*\);/, ';'))).toEqual([
        '60150 could not set up a successor for the 60.15s old socket; it serves on, next try in 2s',
        '62300 could not set up a successor for the 62.3s old socket; it serves on, next try in 4s',
        '66450 could not set up a successor for the 66.45s old socket; renewal given up (2 retries spent): it serves until it ends',
      ]);
    });

    it("should wait at least the Retry-After of a successor's refused upgrade", () => {
      let transport!: MarbleTransport;
      testScheduler.run(({ cold }) => {
        transport = new MarbleTransport(
          testScheduler,
          [
            cold(SOCKET, frames),
            cold('#', frames, MarbleTransport.refused(429, { 'retry-after': '30' })),
            cold(SOCKET, frames),
          ],
          { autoPongMs: 5 },
        );
        start(transport, 100_000, { initialDelay: '2s' });
      });
      expect(transport.attemptTimes).toEqual([0, 60_000, 90_000]);
    });
  });

  it('should not switch, even for a moment, to a successor set up but for a subscription it could not build', () => {
    let transport!: MarbleTransport;
    const statuses: S[] = [];
    testScheduler.run(({ cold }) => {
      transport = new MarbleTransport(testScheduler, [cold(SOCKET, frames)], { autoPongMs: 5 });
      let builds = 0;
      // Nothing to confirm: the successor would be set up as soon as its subscriptions are written.
      const link = start(transport, 70_000, {
        initialDelay: '2s',
        acks: () => undefined,
        subscriptions: [
          () => {
            if (++builds === 3) throw new Error('no listen key yet');
            return { op: 'subscribe', ch: 'account' };
          },
        ],
      });
      link.status$.subscribe((status) => statuses.push(status));
    });
    expect(transport.attemptTimes).toEqual([0, 60_000, 62_100]);
    expect(transport.connections[0]?.aborted).toBe(false);
    expect(statuses).toEqual([S.Connecting, S.Connected, S.Disconnected]);
  });

  it('should let the old socket settle the replies to requests written on it before closing it', async () => {
    let transport!: MarbleTransport;
    const replies: unknown[] = [];
    let openBeforeReply: boolean | undefined;
    testScheduler.run(({ cold }) => {
      transport = new MarbleTransport(testScheduler, [cold(SOCKET, frames)], { autoPongMs: 5 });
      const link = start(transport, 90_000);
      at(60_120, () => {
        void link.request({ op: 'order' }).then((reply) => replies.push(reply));
      });
      // The reply comes on the old socket 300 ms after the switch; until then that socket stays open.
      at(60_449, () => (openBeforeReply = transport.connections[0]?.closed === false));
      at(60_450, () => {
        const old = transport.connections[0]!;
        const id = JSON.parse(old.texts[old.texts.length - 1] as string).id as number;
        old.inbound.next(JSON.stringify({ id, result: 'filled' }));
      });
    });
    await Promise.resolve();
    expect(replies).toEqual([{ id: expect.any(Number), result: 'filled' }]);
    const old = transport.connections[0];
    expect(openBeforeReply).toBe(true);
    expect(old?.closed).toBe(true);
    expect(old?.aborted).toBe(false);
  });

  it('should write on the successor a subscription added while it was set up, and the farewell of one removed', () => {
    let transport!: MarbleTransport;
    testScheduler.run(({ cold }) => {
      transport = new MarbleTransport(testScheduler, [cold(SOCKET, frames)], { autoPongMs: 5 });
      const link = start(transport, 70_000, { subscriptions: [] });
      const book = link.subscribe({ op: 'subscribe', ch: 'book' }, { unsubscribe: { op: 'unsubscribe', ch: 'book' } });
      // Added during the successor's set-up: written on the old socket at once, and on the successor at the switch.
      at(60_120, () => void link.subscribe({ op: 'subscribe', ch: 'ticker' }));
      at(60_130, () => book.unsubscribe());
    });
    const [old, successor] = transport.connections;
    expect(old?.texts.slice(1)).toEqual([
      '{"op":"subscribe","ch":"book"}',
      '{"op":"subscribe","ch":"ticker"}',
      '{"op":"unsubscribe","ch":"book"}',
    ]);
    expect(successor?.texts.slice(1)).toEqual([
      '{"op":"subscribe","ch":"book"}',
      '{"op":"subscribe","ch":"ticker"}',
      '{"op":"unsubscribe","ch":"book"}',
    ]);
  });

  it('should confirm on the successor, after the switch, a subscription with an ack added then', () => {
    let states: Array<[number, string]> = [];
    let ready: Array<[number, boolean]> = [];
    testScheduler.run(({ cold }) => {
      const transport = new MarbleTransport(testScheduler, [cold(SOCKET, frames)], { autoPongMs: 5 });
      const link = start(transport, 70_000);
      ready = record(link.ready$);
      at(61_000, () => {
        states = record(link.subscribe({ op: 'subscribe', ch: 'book' }).state$);
      });
      at(61_100, () => transport.connections[1]?.inbound.next('{"event":"subscribed","ch":"book"}'));
    });
    // The successor took over at 60.15 s; its verdicts are the link's from then on.
    expect(states).toEqual([
      [61_000, 'pending'],
      [61_100, 'active'],
      [70_000, 'pending'],
    ]);
    // Confirmed, it keeps the link ready.
    expect(ready).toEqual([
      [0, false],
      [150, true],
      [70_000, false],
    ]);
  });

  it('should fall back to a plain reconnect when the aged socket dies while its successor is set up', () => {
    let transport!: MarbleTransport;
    const statuses: S[] = [];
    testScheduler.run(({ cold }) => {
      // The first socket closes at 60.05 s, before its successor (opened at 60 s) is confirmed.
      transport = new MarbleTransport(
        testScheduler,
        [cold('o 99ms l 49ms a 59850ms |', frames), cold(SOCKET, frames)],
        { autoPongMs: 5 },
      );
      const link = start(transport, 70_000);
      link.status$.subscribe((status) => statuses.push(status));
    });
    // The half-made successor went with the link; the loop reconnected on its schedule (initialDelay 2 s).
    expect(transport.attemptTimes).toEqual([0, 60_000, 62_001]);
    expect(transport.connections[1]?.closed).toBe(true);
    expect(statuses).toEqual([S.Connecting, S.Connected, S.Disconnected, S.Reconnecting, S.Connected, S.Disconnected]);
  });

  it('should refuse a maxConnectionAge no longer than readyTimeout, naming both', () => {
    const error = configErrorOf(() =>
      connect({ url: 'ws://exchange.test/ws', maxConnectionAge: '10s', readyTimeout: '15s' }),
    );
    expect(error.field).toBe('maxConnectionAge');
    expect(error.message).toContain('maxConnectionAge (10s) must be > readyTimeout (15s)');
  });
});

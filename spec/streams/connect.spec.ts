import { Observable, Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  ConfigError,
  Connection,
  ConnectionEvent,
  ConnectionEventType as E,
  ConnectionStatus as S,
  ConnectOptions,
  ConnectionState,
  FeedLagReading,
  SendError,
  TransportError,
  connect,
} from '../../src/index';
import { MarbleTransport } from '../../src/testing';
import { WindowBudget } from '../../src/model/WindowBudget';
const { OPEN, PONG, closedBy } = MarbleTransport;

const frames = { o: OPEN, p: PONG, m: '{"channel":"trades","px":1}', n: '{"channel":"trades","px":2}', x: 'not json' };

describe('connect', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  /** Records every value of `source$` with the virtual time it arrived. */
  function record<T>(source$: Observable<T>): Array<[number, T]> {
    const log: Array<[number, T]> = [];
    source$.subscribe((value) => log.push([testScheduler.now(), value]));
    return log;
  }

  const at = (ms: number, work: () => void): Subscription => testScheduler.schedule(work, ms);

  /** A link on a fake transport; `closeAt` ends the run (every timer must stop, or run() never returns). */
  function start(
    transport: MarbleTransport,
    closeAt: number,
    options: Partial<ConnectOptions> = {},
  ): Connection<unknown, unknown> {
    const link = connect({
      url: 'ws://exchange.test/ws',
      transport,
      scheduler: testScheduler,
      jitter: 'none',
      ...options,
    });
    at(closeAt, () => void link.close());
    return link;
  }

  describe('connecting', () => {
    it('should go Connecting then Connected, and Disconnected with completion on close()', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const transport = new MarbleTransport(testScheduler, [cold('--o', frames)], { autoPongMs: 5 });
        const link = start(transport, 9000);
        expectObservable(link.status$).toBe('a-b 8997ms (c|)', { a: S.Connecting, b: S.Connected, c: S.Disconnected });
        expectObservable(link.events$.pipe()).toBe('--a 8997ms (b|)', {
          a: expect.objectContaining({ type: E.Connected, severity: 1, timestamp: 2 }),
          b: expect.objectContaining({ type: E.Disconnected, description: 'closed by the application' }),
        });
      });
    });

    it('should give a late subscriber the current status at once', () => {
      const seen: Array<[number, S]> = [];
      testScheduler.run(({ cold }) => {
        const transport = new MarbleTransport(testScheduler, [cold('--o', frames)], { autoPongMs: 5 });
        const link = start(transport, 1000);
        at(500, () => link.status$.subscribe((status) => seen.push([testScheduler.now(), status])));
      });
      expect(seen).toEqual([
        [500, S.Connected],
        [1000, S.Disconnected],
      ]);
    });

    it('should reconnect on the backoff schedule after the server closes', () => {
      let events: ConnectionEvent[] = [];
      let transport!: MarbleTransport;
      testScheduler.run(({ cold, expectObservable }) => {
        transport = new MarbleTransport(
          testScheduler,
          [cold('--o 997ms #', frames, closedBy(1001)), cold('-o', frames)],
          {
            autoPongMs: 5,
          },
        );
        const link = start(transport, 9000);
        // open at 2, closed at 1000, retry after 2 s: attempt at 3000, open at 3001.
        expectObservable(link.status$).toBe('a-b 997ms (cd) 1997ms e 5998ms (c|)', {
          a: S.Connecting,
          b: S.Connected,
          c: S.Disconnected,
          d: S.Reconnecting,
          e: S.Connected,
        });
        events = [];
        link.events$.subscribe((e) => events.push(e));
      });
      expect(events.map((e) => [e.type, e.retryCount])).toEqual([
        [E.Connected, 0],
        [E.Disconnected, 0],
        [E.ReconnectAttempt, 1],
        [E.ReconnectSuccess, 1],
        [E.Disconnected, 0],
      ]);
      expect(events[1]?.errorMessage).toContain('1001');
      expect(transport.attemptTimes).toEqual([0, 3000]);
    });

    it('should show attempt n of N and the next retry time while backing off', () => {
      let states: Array<[number, ConnectionState]> = [];
      testScheduler.run(({ cold }) => {
        const transport = new MarbleTransport(testScheduler, [cold('#', frames, new TransportError('refused'))]);
        const link = start(transport, 7000, { maxAttempts: 3 });
        states = record(link.state$);
      });
      const reconnecting = states
        .filter(([, s]) => s.status === S.Reconnecting)
        .map(([t, s]) => [t, s.attempt, s.maxAttempts, s.nextRetryAt]);
      expect(reconnecting[0]).toEqual([0, 1, 3, 2000]);
      expect(states.find(([t, s]) => t === 2000 && s.attempt === 1)).toBeDefined();
      expect(states.some(([t, s]) => t === 2000 && s.attempt === 2 && s.nextRetryAt === 6000)).toBe(true);
    });
  });

  describe('when the server never comes back', () => {
    it('should retry after 2, 4, 8, 16, 32 s, then fail with every attempt recorded', () => {
      let events: ConnectionEvent[] = [];
      let statuses: Array<[number, S]> = [];
      let transport!: MarbleTransport;
      let link!: Connection;
      testScheduler.run(({ cold }) => {
        transport = new MarbleTransport(testScheduler, [
          cold('-#', frames, new TransportError('connect ECONNREFUSED')),
        ]);
        link = start(transport, 100_000, { recoveryInterval: 'Infinity' });
        statuses = record(link.status$);
        events = [];
        link.events$.subscribe((e) => events.push(e));
      });
      expect(transport.attemptTimes).toEqual([0, 2001, 6002, 14003, 30004, 62005]);
      expect(statuses).toEqual([
        [0, S.Connecting],
        [1, S.Reconnecting],
        [62006, S.Failed],
        [100_000, S.Disconnected],
      ]);
      // Failed attempts weigh on the error rate: by the third, quality is degraded too.
      expect(events.map((e) => e.type)).toEqual([
        E.ErrorOccurred,
        E.ReconnectAttempt,
        E.ReconnectFailed,
        E.ReconnectAttempt,
        E.ReconnectFailed,
        E.QualityDegraded,
        ...[3, 4, 5].flatMap(() => [E.ReconnectAttempt, E.ReconnectFailed]),
        E.ErrorOccurred,
      ]);
      expect(link.snapshot().quality.errorRate).toBeGreaterThan(0.2);
      expect(events.filter((e) => e.type === E.ReconnectAttempt).map((e) => e.retryCount)).toEqual([1, 2, 3, 4, 5]);
      const failed = events[events.length - 1] as ConnectionEvent;
      expect(failed.description).toContain('failed after 5 retries');
      expect(failed.errorMessage).toBe('connect ECONNREFUSED');
      expect(failed.severity).toBe(4);
      const snapshot = link.snapshot();
      expect(snapshot.stats.totalReconnectAttempts).toBe(5);
      expect(snapshot.reconnectSuccessRate).toBe(0);
    });

    it('should try once per recoveryInterval after Failed, and give a recovered link its full budget again', () => {
      let transport!: MarbleTransport;
      let statuses: Array<[number, S]> = [];
      testScheduler.run(({ cold }) => {
        const down = cold('-#', frames, new TransportError('refused'));
        transport = new MarbleTransport(
          testScheduler,
          [
            down,
            down, // retry 1
            down, // retry 2 → Failed
            down, // recovery try at +10 s → Failed again, no retries
            cold('-o 99ms #', frames, closedBy(1006)), // second recovery opens, then drops
            down, // retries with the full budget again
            cold('-o', frames),
          ],
          { autoPongMs: 5 },
        );
        const link = start(transport, 60_000, {
          maxAttempts: 2,
          initialDelay: 1000,
          recoveryInterval: '10s',
          resetOnSuccess: 0,
        });
        statuses = record(link.status$);
      });
      expect(transport.attemptTimes).toEqual([0, 1001, 3002, 13003, 23004, 24105, 26106]);
      expect(statuses.map(([, s]) => s)).toEqual([
        S.Connecting,
        S.Reconnecting,
        S.Failed, // after 2 retries
        S.Reconnecting, // recovery try 1
        S.Failed, // fails at once: one try only
        S.Reconnecting, // recovery try 2
        S.Connected,
        S.Disconnected,
        S.Reconnecting,
        S.Connected,
        S.Disconnected,
      ]);
    });

    it('should not retry an upgrade rejected with HTTP 401, but retry one rejected with 503', () => {
      let unauthorized!: MarbleTransport;
      let unavailable!: MarbleTransport;
      testScheduler.run(({ cold }) => {
        unauthorized = new MarbleTransport(testScheduler, [
          cold('-#', frames, new TransportError('upgrade rejected: HTTP 401', { httpStatus: 401 })),
        ]);
        unavailable = new MarbleTransport(testScheduler, [
          cold('-#', frames, new TransportError('upgrade rejected: HTTP 503', { httpStatus: 503 })),
        ]);
        start(unauthorized, 20_000, { recoveryInterval: 'Infinity' });
        start(unavailable, 20_000, { recoveryInterval: 'Infinity' });
      });
      expect(unauthorized.attempts).toBe(1);
      expect(unavailable.attempts).toBe(4);
    });

    it('should keep backing off on a flapping link whose sessions are shorter than resetOnSuccess', () => {
      let transport!: MarbleTransport;
      testScheduler.run(({ cold }) => {
        transport = new MarbleTransport(testScheduler, [cold('o-#', frames, closedBy(1006))], { autoPongMs: 1 });
        start(transport, 200_000, { recoveryInterval: 'Infinity', resetOnSuccess: '5s' });
      });
      const gaps = transport.attemptTimes.slice(1).map((t, i) => t - (transport.attemptTimes[i] as number) - 2);
      expect(gaps).toEqual([2000, 4000, 8000, 16000, 32000]);
    });
  });

  describe('heartbeat', () => {
    it('should find a half-open link by the heartbeat timeout, terminate it and reconnect', () => {
      let events: ConnectionEvent[] = [];
      let transport!: MarbleTransport;
      testScheduler.run(({ cold }) => {
        transport = new MarbleTransport(testScheduler, [cold('o', frames), cold('o', frames)]);
        const link = start(transport, 70_000, { adaptiveHeartbeat: false, dynamicTimeout: false });
        events = [];
        link.events$.subscribe((e) => events.push(e));
        at(1, () => (transport.autoPongMs = undefined));
      });
      const timeout = events.find((e) => e.type === E.HeartbeatTimeout) as ConnectionEvent;
      expect(timeout.timestamp).toBe(60_000);
      expect(timeout.severity).toBe(3);
      expect(transport.connections[0]?.aborted).toBe(true);
      // A ping at the open (it measures the path at once), then one per interval.
      expect(transport.connections[0]?.pings).toEqual([0, 30_000]);
      expect(transport.attemptTimes).toEqual([0, 62_000]);
      // The unanswered ping leaves the outbound path unconfirmed after pongTimeout (5 s): QualityDegraded
      // (Unstable, sends held) long before the link is declared dead.
      expect(events.map((e) => e.type)).toEqual([
        E.Connected,
        E.QualityDegraded,
        E.HeartbeatTimeout,
        E.Disconnected,
        E.ReconnectAttempt,
        E.ReconnectSuccess,
        E.QualityDegraded,
        E.Disconnected,
      ]);
    });

    it('should count data as proof of the inbound direction only: pongs lost while data flows leave the outbound path unconfirmed, then replace the link', () => {
      // Issue 10, contract 4: data coming in proves only the inbound direction. Before, such a link was
      // alive for good (losses only lowered its quality), and orders went out into the void.
      let link!: Connection;
      let transport!: MarbleTransport;
      let states: Array<[number, ConnectionState]> = [];
      let events: ConnectionEvent[] = [];
      testScheduler.run(({ cold }) => {
        // A tick every 10 s, never a pong; then a healthy socket.
        transport = new MarbleTransport(testScheduler, [
          cold('o 9999ms m 9999ms m 9999ms m 9999ms m 9999ms m 9999ms m 9999ms m 9999ms m 9999ms m 9999ms m', frames),
          cold('o', frames),
        ]);
        link = start(transport, 100_000, { adaptiveHeartbeat: false, dynamicTimeout: false });
        states = record(link.state$);
        events = [];
        link.events$.subscribe((e) => events.push(e));
        at(90_000, () => (transport.autoPongMs = 5));
      });
      const unconfirmed = states.find(([, s]) => s.outbound === 'unconfirmed');
      // The ping at the open, unanswered for pongTimeout (5 s): Unstable, not ready, sends held.
      expect(unconfirmed?.[0]).toBe(5_000);
      expect(unconfirmed?.[1]).toMatchObject({ status: S.Unstable, ready: false });
      // No pong and nothing drained for heartbeatTimeout (60 s), data or not: replaced.
      const timeout = events.find((e) => e.type === E.HeartbeatTimeout) as ConnectionEvent;
      expect(timeout.timestamp).toBe(60_000);
      expect(timeout.description).toContain('outbound path is dead');
      expect(transport.connections[0]?.aborted).toBe(true);
      expect(transport.attempts).toBe(2);
      expect(link.snapshot().quality.packetLossRate).toBeGreaterThan(0);
    });

    it('should ping with the application message and take the matching reply as the pong', () => {
      let messages: unknown[] = [];
      let latencies: number[] = [];
      let transport!: MarbleTransport;
      testScheduler.run(({ cold }) => {
        transport = new MarbleTransport(testScheduler, [cold('o', frames)]);
        const link = start(transport, 35_000, {
          ping: 'app',
          pingMessage: { method: 'ping' },
          pongMatch: '"channel":"pong"',
          heartbeatInterval: '10s',
          heartbeatTimeout: '20s',
        });
        messages = [];
        link.messages$.subscribe((m) => messages.push(m));
        latencies = [];
        link.latency$.subscribe((l) => latencies.push(l.latencyMs));
        at(60, () => transport.connections[0]?.inbound.next('{"channel":"pong"}'));
        at(10_040, () => transport.connections[0]?.inbound.next('{"channel":"pong"}'));
        at(10_050, () => transport.connections[0]?.inbound.next('{"channel":"trades"}'));
        at(20_030, () => transport.connections[0]?.inbound.next('{"channel":"pong"}'));
        at(30_020, () => transport.connections[0]?.inbound.next('{"channel":"pong"}'));
      });
      // The ping at the open (answered at 60), then one every interval.
      expect(transport.connections[0]?.texts).toEqual([
        '{"method":"ping"}',
        '{"method":"ping"}',
        '{"method":"ping"}',
        '{"method":"ping"}',
      ]);
      expect(transport.connections[0]?.pings).toEqual([]);
      expect(latencies).toEqual([60, 40, 30, 20]);
      expect(messages).toEqual([{ channel: 'trades' }]);
      expect(transport.attempts).toBe(1);
    });
  });

  describe('quality', () => {
    it('should go Unstable with QualityDegraded under high latency, and back with QualityImproved', () => {
      let events: ConnectionEvent[] = [];
      let statuses: Array<[number, S]> = [];
      testScheduler.run(({ cold }) => {
        const transport = new MarbleTransport(testScheduler, [cold('o', frames)], { autoPongMs: 1500 });
        const link = start(transport, 200_000, {
          heartbeatInterval: '10s',
          heartbeatTimeout: '30s',
          unstableTimeout: 'Infinity',
        });
        statuses = record(link.status$);
        events = [];
        link.events$.subscribe((e) => events.push(e));
        at(60_000, () => (transport.autoPongMs = 20));
      });
      expect(statuses.map(([, s]) => s)).toEqual([S.Connecting, S.Connected, S.Unstable, S.Connected, S.Disconnected]);
      const degraded = events.find((e) => e.type === E.QualityDegraded) as ConnectionEvent;
      // The ping at the open comes back after 1.5 s: the first round trip already says it.
      expect(degraded.timestamp).toBe(1_500);
      expect(degraded.latencyMs).toBe(1500);
      expect(degraded.description).toContain('latency');
      const improved = events.find((e) => e.type === E.QualityImproved) as ConnectionEvent;
      expect(improved.timestamp).toBeGreaterThan(60_000);
      expect(improved.latencyMs).toBeLessThan(1000);
    });

    it('should force a reconnect when the link stays Unstable longer than unstableTimeout', () => {
      let transport!: MarbleTransport;
      let events: ConnectionEvent[] = [];
      testScheduler.run(({ cold }) => {
        transport = new MarbleTransport(testScheduler, [cold('o', frames)], { autoPongMs: 1500 });
        const link = start(transport, 80_000, {
          heartbeatInterval: '10s',
          heartbeatTimeout: '30s',
          unstableTimeout: '60s',
        });
        events = [];
        link.events$.subscribe((e) => events.push(e));
      });
      const disconnected = events.find((e) => e.type === E.Disconnected) as ConnectionEvent;
      // Unstable from the first round trip (the ping at the open, back at 1.5 s) for 60 s.
      expect(disconnected.timestamp).toBe(61_500);
      expect(disconnected.errorMessage).toContain('unstable');
      expect(transport.attemptTimes[1]).toBe(63_500);
    });
  });

  describe('sending', () => {
    // Type-checked by `npm run typecheck`: before NoInfer, `Out` was inferred from `subscriptions` as
    // `{ method: string; channel: string }` and the order below was a type error.
    it('should not infer the outbound type from subscriptions, so an order can be sent after subscribing', () => {
      let transport!: MarbleTransport;
      testScheduler.run(({ cold }) => {
        transport = new MarbleTransport(testScheduler, [cold('--o', frames)], { autoPongMs: 1 });
        const link = connect({
          url: 'ws://exchange.test/ws',
          transport,
          scheduler: testScheduler,
          subscriptions: [{ method: 'subscribe', channel: 'ticks' }],
        });
        void link.send({ method: 'order', id: 'o-1', side: 'buy', px: '67000.5', sz: '0.01' });
        at(100, () => void link.close());
      });
      expect(transport.connections[0]?.texts).toEqual([
        '{"method":"subscribe","channel":"ticks"}',
        '{"method":"order","id":"o-1","side":"buy","px":"67000.5","sz":"0.01"}',
      ]);
    });

    it('should type send() with the outbound type given as a type argument', () => {
      type Outbound = { method: 'subscribe'; channel: string } | { method: 'order'; id: string; sz: string };
      let transport!: MarbleTransport;
      testScheduler.run(({ cold }) => {
        transport = new MarbleTransport(testScheduler, [cold('--o', frames)], { autoPongMs: 1 });
        const link = connect<unknown, Outbound>({
          url: 'ws://exchange.test/ws',
          transport,
          scheduler: testScheduler,
          subscriptions: [{ method: 'subscribe', channel: 'ticks' }],
        });
        void link.send({ method: 'order', id: 'o-1', sz: '0.01' });
        // @ts-expect-error an order without its size is not an Outbound
        void link.send({ method: 'order', id: 'o-2' });
        at(100, () => void link.close());
      });
      expect(transport.connections[0]?.texts).toHaveLength(3);
    });

    it('should send the subscriptions first, then the queued messages in order, on every (re)connect', () => {
      let transport!: MarbleTransport;
      const written: string[] = [];
      testScheduler.run(({ cold }) => {
        transport = new MarbleTransport(
          testScheduler,
          [cold('--o 97ms #', frames, closedBy(1006)), cold('-o', frames)],
          {
            autoPongMs: 1,
          },
        );
        const link = start(transport, 10_000, { subscriptions: [{ op: 'subscribe', channel: 'trades' }] });
        void link.send({ order: 1 }).then(() => written.push('1'));
        void link.send('{"order":2}').then(() => written.push('2'));
        at(50, () => void link.send({ order: 3 }).then(() => written.push('3')));
        at(500, () => void link.send({ order: 4 }).then(() => written.push('4')));
      });
      expect(transport.connections[0]?.texts).toEqual([
        '{"op":"subscribe","channel":"trades"}',
        '{"order":1}',
        '{"order":2}',
        '{"order":3}',
      ]);
      expect(transport.connections[1]?.texts).toEqual(['{"op":"subscribe","channel":"trades"}', '{"order":4}']);
      expect(transport.connections[1]?.sent[1]?.at).toBe(2101);
    });

    it('should reject a queued message when its time-to-live runs out, and never send it', async () => {
      let transport!: MarbleTransport;
      const outcomes: string[] = [];
      const queued: Array<[number, number]> = [];
      testScheduler.run(({ cold }) => {
        transport = new MarbleTransport(testScheduler, [cold('5s o', frames)], { autoPongMs: 1 });
        const link = start(transport, 10_000);
        link.send({ order: 'stale' }, { ttl: '2s' }).then(
          () => outcomes.push('stale sent'),
          (e: SendError) => outcomes.push(`stale ${e.reason}`),
        );
        link.send({ order: 'patient' }).then(() => outcomes.push('patient sent'));
        for (const t of [1999, 2000, 4999]) at(t, () => queued.push([t, link.snapshot().queued]));
      });
      await flushPromises();
      expect(queued).toEqual([
        [1999, 2],
        [2000, 1],
        [4999, 1],
      ]);
      expect(outcomes).toEqual(['stale expired', 'patient sent']);
      expect(transport.connections[0]?.texts).toEqual(['{"order":"patient"}']);
    });

    it('should reject at once with queue: false while down, and when the queue is full', async () => {
      const outcomes: string[] = [];
      testScheduler.run(({ cold }) => {
        const transport = new MarbleTransport(testScheduler, [cold('-', frames)]);
        const link = start(transport, 1000, { queueSize: 2 });
        const note = (label: string) => (e: SendError) => outcomes.push(`${label}: ${e.reason}`);
        link.send({ a: 1 }, { queue: false }).catch(note('a'));
        link.send({ b: 1 }).catch(note('b'));
        link.send({ c: 1 }).catch(note('c'));
        link.send({ d: 1 }).catch(note('d'));
      });
      await flushPromises();
      expect(outcomes).toEqual(['a: disconnected', 'd: overflow', 'b: closed', 'c: closed']);
    });

    it('should reject a message the codec cannot encode and carry on', async () => {
      const outcomes: string[] = [];
      let transport!: MarbleTransport;
      testScheduler.run(({ cold }) => {
        transport = new MarbleTransport(testScheduler, [cold('o', frames)], { autoPongMs: 1 });
        const link = start(transport, 1000);
        at(10, () => {
          link.send({ big: BigInt(1) }).catch((e: SendError) => outcomes.push(`${e.reason}: ${e.message}`));
          link.send({ ok: true }).then(() => outcomes.push('ok sent'));
        });
      });
      await flushPromises();
      expect(outcomes[0]).toMatch(/^encode: cannot encode message: .*BigInt/);
      expect(outcomes[1]).toBe('ok sent');
      expect(transport.connections[0]?.texts).toEqual(['{"ok":true}']);
    });

    it('should reject with reason write when the socket fails while writing', async () => {
      const outcomes: string[] = [];
      testScheduler.run(({ cold }) => {
        const transport = new MarbleTransport(testScheduler, [cold('o', frames)], { autoPongMs: 1 });
        const link = start(transport, 1000);
        at(10, () => {
          (transport.connections[0] as { failWrites?: Error }).failWrites = new Error('EPIPE');
          link.send({ order: 1 }).catch((e: SendError) => outcomes.push(`${e.reason}: ${e.message}`));
        });
      });
      await flushPromises();
      expect(outcomes).toEqual(['write: socket failed while writing: EPIPE']);
    });

    it('should replay added subscriptions and send the unsubscribe message when removed', () => {
      let transport!: MarbleTransport;
      testScheduler.run(({ cold }) => {
        transport = new MarbleTransport(
          testScheduler,
          [cold('o 99ms #', frames, closedBy(1006)), cold('o 99ms #', frames, closedBy(1006))],
          {
            autoPongMs: 1,
          },
        );
        const link = start(transport, 10_000, { initialDelay: 100, maxDelay: 100 });
        at(10, () => {
          const book = link.addSubscription({ sub: 'book' }, { unsub: 'book' });
          // The second socket is up from 200 to 300.
          at(240, () => book.unsubscribe());
        });
      });
      expect(transport.connections[0]?.texts).toEqual(['{"sub":"book"}']);
      expect(transport.connections[1]?.texts).toEqual(['{"sub":"book"}', '{"unsub":"book"}']);
      expect(transport.connections[2]?.texts).toEqual([]);
    });
  });

  describe('inbound', () => {
    it('should turn a malformed message into an ErrorOccurred event and keep delivering', () => {
      let messages: unknown[] = [];
      let events: ConnectionEvent[] = [];
      testScheduler.run(({ cold }) => {
        const transport = new MarbleTransport(testScheduler, [cold('o-m-x-n', frames)], { autoPongMs: 1 });
        const link = start(transport, 5000);
        messages = [];
        link.messages$.subscribe((m) => messages.push(m));
        events = [];
        link.events$.subscribe((e) => events.push(e));
      });
      expect(messages).toEqual([
        { channel: 'trades', px: 1 },
        { channel: 'trades', px: 2 },
      ]);
      const error = events.find((e) => e.type === E.ErrorOccurred) as ConnectionEvent;
      expect(error.timestamp).toBe(4);
      expect(error.errorMessage).toMatch(/^malformed inbound message: /);
    });

    it('should raise DataReceived for the first data after open and after a long silence only', () => {
      let events: ConnectionEvent[] = [];
      testScheduler.run(({ cold }) => {
        const transport = new MarbleTransport(testScheduler, [cold('o 249ms m 999ms m 39999ms m', frames)], {
          autoPongMs: 1,
        });
        const link = start(transport, 50_000);
        events = [];
        link.events$.subscribe((e) => events.push(e));
      });
      const data = events.filter((e) => e.type === E.DataReceived);
      expect(data.map((e) => e.description)).toEqual([
        'first data 0.25s after connect',
        'data resumed after 40s of silence',
      ]);
    });
  });

  describe('probe', () => {
    it('should only warn when the initial check fails, and measure latency when it succeeds', () => {
      let events: ConnectionEvent[] = [];
      let statuses: S[] = [];
      let latencies: Array<[string, number]> = [];
      testScheduler.run(({ cold }) => {
        const transport = new MarbleTransport(testScheduler, [cold('o', frames)], { autoPongMs: 1 });
        let runs = 0;
        const probe = () => (runs++ === 0 ? cold('--#', undefined, new Error('account info 502')) : cold('---a|'));
        const link = start(transport, 130_000, { probe, heartbeatInterval: '60s', heartbeatTimeout: '90s' });
        events = [];
        link.events$.subscribe((e) => events.push(e));
        statuses = [];
        link.status$.subscribe((s) => statuses.push(s));
        latencies = [];
        link.latency$.subscribe((l) => latencies.push([l.source, l.latencyMs]));
      });
      const warning = events.find((e) => e.type === E.ErrorOccurred) as ConnectionEvent;
      expect(warning.errorMessage).toBe('initial connection check failed (continuing): account info 502');
      expect(statuses).toEqual([S.Connecting, S.Connected, S.Disconnected]);
      expect(latencies.filter(([source]) => source === 'probe')).toEqual([
        ['probe', 3],
        ['probe', 3],
      ]);
    });
  });

  describe('reconnect()', () => {
    it('should drop a live link and connect again at once, replaying subscriptions', () => {
      let transport!: MarbleTransport;
      let statuses: Array<[number, S]> = [];
      testScheduler.run(({ cold }) => {
        transport = new MarbleTransport(testScheduler, [cold('o', frames)], { autoPongMs: 1 });
        const link = start(transport, 5000, { subscriptions: ['{"sub":"trades"}'] });
        statuses = record(link.status$);
        at(1000, () => link.reconnect());
      });
      expect(transport.attemptTimes).toEqual([0, 1000]);
      expect(transport.connections[0]?.closed).toBe(true);
      expect(transport.connections[1]?.texts).toEqual(['{"sub":"trades"}']);
      expect(statuses).toEqual([
        [0, S.Connecting],
        [0, S.Connected],
        [1000, S.Disconnected],
        [1000, S.Reconnecting],
        [1000, S.Connected],
        [5000, S.Disconnected],
      ]);
    });

    it('should be the way out of Failed', () => {
      let statuses: S[] = [];
      let transport!: MarbleTransport;
      testScheduler.run(({ cold }) => {
        transport = new MarbleTransport(
          testScheduler,
          [cold('#', frames, new TransportError('refused')), cold('-o', frames)],
          {
            autoPongMs: 1,
          },
        );
        const link = start(transport, 10_000, { maxAttempts: 0, recoveryInterval: 'Infinity' });
        statuses = [];
        link.status$.subscribe((s) => statuses.push(s));
        at(5000, () => link.reconnect());
      });
      expect(statuses).toEqual([S.Connecting, S.Failed, S.Reconnecting, S.Connected, S.Disconnected]);
      expect(transport.attemptTimes).toEqual([0, 5000]);
    });
  });

  describe('close()', () => {
    it('should release every timer and socket, complete the streams and reject queued messages', async () => {
      let leftover = -1;
      let transport!: MarbleTransport;
      const completed: string[] = [];
      const outcomes: string[] = [];
      let link!: Connection;
      testScheduler.run(({ cold }) => {
        transport = new MarbleTransport(testScheduler, [cold('#', frames, new TransportError('refused'))]);
        link = connect({ url: 'ws://x', transport, scheduler: testScheduler, probe: () => cold('-a|') });
        for (const [name, stream] of Object.entries({
          status$: link.status$,
          events$: link.events$,
          quality$: link.quality$,
          stats$: link.stats$,
          messages$: link.messages$,
          latency$: link.latency$,
        })) {
          stream.subscribe({ complete: () => completed.push(name) });
        }
        link.send({ order: 1 }).catch((e: SendError) => outcomes.push(e.reason));
        at(1000, () => {
          // Mid-backoff, with a probe, data sampling and a queued message pending.
          void link.close();
          void link.close();
          leftover = testScheduler.actions.length;
        });
      });
      await flushPromises();
      expect(leftover).toBe(0);
      expect(transport.active).toBe(0);
      expect(completed.sort()).toEqual(['events$', 'latency$', 'messages$', 'quality$', 'stats$', 'status$']);
      expect(outcomes).toEqual(['closed']);
      await expect(link.send({ late: true })).rejects.toMatchObject({ reason: 'closed' });
      expect(() => link.reconnect()).not.toThrow();
    });
  });

  describe('statistics', () => {
    it('should count connections, disconnections, attempts and downtime', () => {
      let link!: Connection;
      testScheduler.run(({ cold }) => {
        const transport = new MarbleTransport(
          testScheduler,
          [
            cold('o 999ms #', frames, closedBy(1006)),
            cold('#', frames, new TransportError('refused')),
            cold('o', frames),
          ],
          { autoPongMs: 1 },
        );
        link = start(transport, 20_000);
        at(19_999, () => {
          const s = link.snapshot();
          expect(s.stats).toMatchObject({
            totalConnections: 2,
            totalDisconnections: 1,
            totalReconnectAttempts: 2,
            successfulReconnects: 1,
            lastDisconnectTime: 1000,
          });
          // Down from 1000 (drop) to 7000 (attempt 2 opens after 2 s + 4 s).
          expect(s.totalDowntime).toBe(6000);
          expect(s.reconnectSuccessRate).toBe(50);
          expect(s.uptimePercentage).toBeCloseTo((100 * (19_999 - 6000)) / 19_999, 6);
        });
      });
    });
  });

  describe('several endpoints', () => {
    it('should fail over to the next endpoint when the current one exhausts its retries, then fail after the last', () => {
      const tried: Array<[number, string]> = [];
      let events: ConnectionEvent[] = [];
      let statuses: S[] = [];
      testScheduler.run(({ cold }) => {
        const down = cold('-#', frames, new TransportError('refused'));
        const make = (url: string) => {
          const transport = new MarbleTransport(testScheduler, [down]);
          return { connect: () => (tried.push([testScheduler.now(), url]), transport.connect()) };
        };
        const link = start(new MarbleTransport(testScheduler, [down]), 30_000, {
          url: ['ws://a.test/ws', 'ws://b.test/ws?token=secret'],
          transport: make,
          maxAttempts: 1,
          initialDelay: 1000,
          recoveryInterval: 'Infinity',
        } as Partial<ConnectOptions>);
        events = [];
        link.events$.subscribe((e) => events.push(e));
        statuses = [];
        link.status$.subscribe((st) => statuses.push(st));
      });
      expect(tried).toEqual([
        [0, 'ws://a.test/ws'],
        [1001, 'ws://a.test/ws'],
        [1002, 'ws://b.test/ws?token=secret'],
        [2003, 'ws://b.test/ws?token=secret'],
      ]);
      const failover = events.find((e) => e.description.startsWith('failing over')) as ConnectionEvent;
      expect(failover).toMatchObject({ type: E.ReconnectFailed, description: 'failing over from a.test to b.test' });
      expect(events.map((e) => e.description).join('\n')).not.toContain('secret');
      expect(statuses).toEqual([S.Connecting, S.Reconnecting, S.Failed, S.Disconnected]);
    });

    it('should go back to the preferred endpoint once it answers again', () => {
      const tried: string[] = [];
      let events: ConnectionEvent[] = [];
      let fallback!: MarbleTransport;
      testScheduler.run(({ cold }) => {
        const preferred = new MarbleTransport(
          testScheduler,
          [
            cold('-#', frames, new TransportError('refused')),
            cold('-#', frames, new TransportError('refused')),
            cold('-#', frames, new TransportError('refused')), // failback probe at +60 s: still down
            cold('-o', frames), // failback probe at +120 s: answers
            cold('-o', frames), // the move back
          ],
          { autoPongMs: 1 },
        );
        fallback = new MarbleTransport(testScheduler, [cold('-o', frames)], { autoPongMs: 1 });
        const byUrl: Record<string, MarbleTransport> = { 'ws://a.test/': preferred, 'ws://b.test/': fallback };
        const link = start(preferred, 200_000, {
          url: ['ws://a.test/', 'ws://b.test/'],
          transport: (url: string) => ({ connect: () => (tried.push(url), (byUrl[url] as MarbleTransport).connect()) }),
          maxAttempts: 1,
          initialDelay: 1000,
          failbackAfter: '60s',
        } as Partial<ConnectOptions>);
        events = [];
        link.events$.subscribe((e) => events.push(e));
      });
      expect(tried).toEqual([
        'ws://a.test/',
        'ws://a.test/',
        'ws://b.test/',
        'ws://a.test/',
        'ws://a.test/',
        'ws://a.test/',
      ]);
      expect(fallback.connections[0]?.closed).toBe(true);
      expect(events.filter((e) => e.description.startsWith('failing over')).map((e) => e.description)).toEqual([
        'failing over from a.test to b.test',
        'failing over from b.test to a.test',
      ]);
    });
  });

  describe('connection budget', () => {
    it('should hold attempts back once the budget is spent, and say until when', () => {
      let transport!: MarbleTransport;
      let waits: Array<[number, number | undefined]> = [];
      testScheduler.run(({ cold }) => {
        transport = new MarbleTransport(testScheduler, [cold('#', frames, new TransportError('refused'))]);
        const link = start(transport, 20_000, {
          connectLimit: 3,
          connectLimitWindow: '6s',
          initialDelay: 0,
          maxAttempts: 5,
          recoveryInterval: 'Infinity',
        });
        waits = [];
        link.state$.subscribe((st) => waits.push([testScheduler.now(), st.budgetWaitUntil]));
      });
      // Three at once, then the next three once the first window has passed: never more than 3 in any
      // 6 s (the token bucket this replaced let 3 + one every 2 s through, 5 in some 6 s windows).
      expect(transport.attemptTimes).toEqual([0, 0, 0, 6000, 6000, 6000]);
      expect(waits.some(([t, until]) => t === 0 && until === 6000)).toBe(true);
    });

    it('should share one budget between handles', () => {
      const transports: MarbleTransport[] = [];
      testScheduler.run(({ cold }) => {
        const budget = new WindowBudget({ limit: 2, window: 10_000 });
        for (let i = 0; i < 3; i++) {
          const transport = new MarbleTransport(testScheduler, [cold('o', frames)], { autoPongMs: 1 });
          transports.push(transport);
          start(transport, 12_000, { budget } as Partial<ConnectOptions>);
        }
      });
      // The third waits for a slot to leave the window (the token bucket let it go at 5 s).
      expect(transports.map((t) => t.attemptTimes)).toEqual([[0], [0], [10_000]]);
    });
  });

  describe('feed watchdogs', () => {
    it('should raise a stale feed while the socket stays alive, resubscribe, and note when it resumes', () => {
      let transport!: MarbleTransport;
      let events: ConnectionEvent[] = [];
      testScheduler.run(({ cold }) => {
        // Trades flow for 3 s, stop (pongs keep the socket alive), and come back at 20 s.
        transport = new MarbleTransport(testScheduler, [cold('o 999ms m 999ms m 999ms m 16999ms m', frames)], {
          autoPongMs: 1,
        });
        const link = start(transport, 30_000, {
          watchdogs: [
            {
              name: 'trades',
              match: (m: unknown) => (m as { channel?: string }).channel === 'trades',
              staleAfter: '10s',
              resubscribe: [
                { op: 'unsubscribe', channel: 'trades' },
                { op: 'subscribe', channel: 'trades' },
              ],
            },
          ],
        } as Partial<ConnectOptions>);
        events = [];
        link.events$.subscribe((e) => events.push(e));
      });
      const stale = events.find((e) => e.description.startsWith('feed trades stale')) as ConnectionEvent;
      expect(stale).toMatchObject({ type: E.ErrorOccurred, timestamp: 13_000 });
      expect(stale.description).toBe('feed trades stale: no message for 10s; resubscribed');
      expect(transport.connections[0]?.texts).toEqual([
        '{"op":"unsubscribe","channel":"trades"}',
        '{"op":"subscribe","channel":"trades"}',
      ]);
      const resumed = events.find((e) => e.description.startsWith('feed trades resumed')) as ConnectionEvent;
      expect(resumed).toMatchObject({ type: E.DataReceived, timestamp: 20_000 });
      expect(transport.attempts).toBe(1);
    });
  });

  describe('feed lag', () => {
    type Trade = { channel: string; ts?: number; id?: number; serverTime?: number };
    const isTrade = (m: unknown): boolean => (m as Trade).channel === 'trades';
    const lagWatchdog = {
      name: 'trades',
      match: isTrade,
      timestampOf: (m: unknown) => (m as Trade).ts,
      maxLag: '1s',
      lagSustain: '2s',
    };

    /**
     * Delivers a trades message every 100 ms from `from` to `to` (exclusive) on `connection`, stamped
     * `lagAt(t)` ms before `t` on the exchange's clock, which runs `offset` ms from ours.
     */
    function trades(
      transport: MarbleTransport,
      from: number,
      to: number,
      lagAt: (t: number) => number,
      offset = 0,
    ): void {
      for (let t = from; t < to; t += 100) {
        const ts = t + offset - lagAt(t);
        at(t, () => transport.connections[0]?.inbound.next(JSON.stringify({ channel: 'trades', ts })));
      }
    }
    const feedEvents = (events: readonly ConnectionEvent[]): Array<[number, string]> =>
      events.filter((e) => e.description.startsWith('feed ')).map((e) => [e.timestamp, `${e.type}: ${e.description}`]);

    it('should make a feed whose messages stay late stale while they flow, without resubscribing, and note when it catches up', () => {
      let transport!: MarbleTransport;
      let link!: Connection;
      let events: ConnectionEvent[] = [];
      let readings: Array<[number, readonly FeedLagReading[]]> = [];
      let statuses: Array<[number, S]> = [];
      testScheduler.run(({ cold }) => {
        transport = new MarbleTransport(testScheduler, [cold('o', frames)], { autoPongMs: 1 });
        link = start(transport, 12_000, {
          watchdogs: [
            {
              ...lagWatchdog,
              staleAfter: '30s',
              resubscribe: [{ op: 'subscribe', channel: 'trades' }],
            },
          ],
        } as Partial<ConnectOptions>);
        events = [];
        link.events$.subscribe((e) => events.push(e));
        readings = record(link.feedLag$);
        statuses = record(link.status$);
        // 40 ms behind, then 2.5 s behind from 3 s to 6 s, then 40 ms again.
        trades(transport, 1_000, 10_000, (t) => (t >= 3_000 && t < 6_000 ? 2_500 : 40));
        at(11_000, () =>
          expect(link.snapshot().feedLag).toEqual([
            expect.objectContaining({ feed: 'trades', lastMs: 40, maxMs: 2_500, stale: false, maxLagMs: 1_000 }),
          ]),
        );
      });
      // Past maxLag from 3 s: three messages and 2 s later, stale; three messages at or under 500 ms, caught up.
      expect(feedEvents(events)).toEqual([
        [5_000, "ErrorOccurred: feed trades stale: its messages arrive 2.5s behind the exchange's time (maxLag 1s)"],
        [6_200, "QualityImproved: feed trades caught up: its messages arrive 0.04s behind the exchange's time"],
      ]);
      expect(events.find((e) => e.timestamp === 5_000)?.errorMessage).toBe('feed trades stale (lag)');
      // A late feed flows: nothing was sent to it.
      expect(transport.connections[0]?.texts).toEqual([]);
      expect(transport.attempts).toBe(1);
      expect(statuses).toEqual([
        [0, S.Connecting],
        [0, S.Connected],
        [12_000, S.Disconnected],
      ]);
      // One reading per sampling tick that followed messages, not one per message; the current one replayed first.
      expect(readings.map(([t]) => t)).toEqual([0, 2_000, 3_000, 4_000, 5_000, 6_000, 7_000, 8_000, 9_000, 10_000]);
      expect(readings[4]?.[1]).toEqual([
        expect.objectContaining({ feed: 'trades', lastMs: 2_500, maxMs: 2_500, stale: true }),
      ]);
      expect(readings[9]?.[1]).toEqual([expect.objectContaining({ lastMs: 40, stale: false, samples: 90 })]);
    });

    describe('must not fire', () => {
      it('on one spike, however large', () => {
        let events: ConnectionEvent[] = [];
        let link!: Connection;
        testScheduler.run(({ cold }) => {
          const transport = new MarbleTransport(testScheduler, [cold('o', frames)], { autoPongMs: 1 });
          link = start(transport, 6_000, { watchdogs: [lagWatchdog] } as Partial<ConnectOptions>);
          events = [];
          link.events$.subscribe((e) => events.push(e));
          trades(transport, 1_000, 5_000, (t) => (t === 3_000 ? 60_000 : 40));
          at(5_500, () => expect(link.snapshot().feedLag[0]).toMatchObject({ maxMs: 60_000, stale: false }));
        });
        expect(feedEvents(events)).toEqual([]);
      });

      it('when the clock offset measured over the socket explains the lag (the exchange clock 2 s behind ours)', () => {
        const eventsOf: Record<string, ConnectionEvent[]> = {};
        const lagOf: Record<string, number | undefined> = {};
        testScheduler.run(({ cold }) => {
          for (const name of ['measured', 'unmeasured']) {
            const transport = new MarbleTransport(testScheduler, [cold('o', frames)], { autoPongMs: 1 });
            const link = start(transport, 9_000, {
              watchdogs: [lagWatchdog],
              correlation: { serverTimeOf: (m: unknown) => (m as Trade).serverTime },
            } as Partial<ConnectOptions>);
            eventsOf[name] = [];
            link.events$.subscribe((e) => eventsOf[name]?.push(e));
            if (name === 'measured') {
              // A request at 500 ms answered 20 ms later with the exchange's time: offset −2000 ± 11 ms.
              at(500, () => void link.request({ op: 'time' }).catch(() => undefined));
              at(520, () => {
                const { id } = JSON.parse(transport.connections[0]?.texts[0] ?? '{}') as Trade;
                transport.connections[0]?.inbound.next(JSON.stringify({ id, serverTime: 510 - 2_000 }));
              });
            }
            // Stamped by the exchange's clock 40 ms before we read them.
            trades(transport, 1_000, 8_000, () => 40, -2_000);
            at(8_500, () => (lagOf[name] = link.snapshot().feedLag[0]?.lastMs));
          }
        });
        expect(feedEvents(eventsOf['measured'] ?? [])).toEqual([]);
        expect(lagOf['measured']).toBe(40);
        // The control: the same series, the clocks taken to agree, is 2.04 s behind and stale.
        expect(lagOf['unmeasured']).toBe(2_040);
        expect(feedEvents(eventsOf['unmeasured'] ?? [])).toEqual([
          [3_000, expect.stringContaining('feed trades stale: its messages arrive 2.04s behind')],
        ]);
      });

      it('on an idle feed: silence is not lag, and its figures stay as they were', () => {
        let events: ConnectionEvent[] = [];
        let readings: Array<[number, readonly FeedLagReading[]]> = [];
        testScheduler.run(({ cold }) => {
          const transport = new MarbleTransport(testScheduler, [cold('o', frames)], { autoPongMs: 1 });
          const link = start(transport, 60_000, { watchdogs: [lagWatchdog] } as Partial<ConnectOptions>);
          events = [];
          link.events$.subscribe((e) => events.push(e));
          readings = record(link.feedLag$);
          // 2.5 s behind for 0.9 s, then nothing for 57 s.
          trades(transport, 1_000, 1_900, () => 2_500);
        });
        expect(feedEvents(events)).toEqual([]);
        expect(readings.map(([t]) => t)).toEqual([0, 2_000]);
        expect(readings[1]?.[1]).toEqual([expect.objectContaining({ lastMs: 2_500, stale: false, samples: 9 })]);
      });
    });

    it('should reject lag settings without a timestampOf, and a recoverLag above maxLag', () => {
      const options = (watchdog: object): ConnectOptions => ({
        url: 'ws://exchange.test/ws',
        transport: new MarbleTransport(testScheduler, []),
        scheduler: testScheduler,
        watchdogs: [{ name: 'trades', match: isTrade, ...watchdog }],
      });
      expect(() => connect(options({ maxLag: '1s' }))).toThrow(ConfigError);
      expect(() => connect(options({ maxLag: '1s' }))).toThrow(/watchdogs\[0\]\.timestampOf/);
      expect(() => connect(options({}))).toThrow(/watchdogs\[0\]\.staleAfter/);
      expect(() => connect(options({ timestampOf: () => 0, maxLag: '1s', recoverLag: '2s' }))).toThrow(
        /watchdogs\[0\]\.recoverLag/,
      );
      expect(() => connect(options({ timestampOf: () => 0, lagSamples: 0 }))).toThrow(/watchdogs\[0\]\.lagSamples/);
      expect(() => connect(options({ timestampOf: 'ts' }))).toThrow(/watchdogs\[0\]\.timestampOf/);
    });
  });

  describe('prediction', () => {
    it('should raise a predicted QualityDegraded while latency climbs, before the warning is reached', () => {
      let events: ConnectionEvent[] = [];
      testScheduler.run(({ cold }) => {
        const transport = new MarbleTransport(testScheduler, [cold('o', frames)], { autoPongMs: 10 });
        const link = start(transport, 130_000, {
          heartbeatInterval: '5s',
          heartbeatTimeout: '20s',
          adaptiveHeartbeat: false,
          predictionHorizon: '60s',
          unstableTimeout: 'Infinity',
        });
        events = [];
        link.events$.subscribe((e) => events.push(e));
        // Latency climbs 40 ms per ping (8 ms/s): it will cross 1000 ms in about two minutes.
        for (let i = 1; i <= 24; i++) at(i * 5000 - 1, () => (transport.autoPongMs = 10 + 40 * i));
      });
      const degraded = events.filter((e) => e.type === E.QualityDegraded);
      expect(degraded[0]?.predicted).toBe(true);
      expect(degraded[0]?.description).toContain('predicted from the latency trend');
      expect(degraded[0]?.latencyMs as number).toBeLessThan(1000);
      expect(degraded.filter((e) => e.predicted)).toHaveLength(1);
    });

    it('should stay quiet on noisy but flat latency', () => {
      let events: ConnectionEvent[] = [];
      testScheduler.run(({ cold }) => {
        const transport = new MarbleTransport(testScheduler, [cold('o', frames)], { autoPongMs: 10 });
        const link = start(transport, 200_000, {
          heartbeatInterval: '5s',
          heartbeatTimeout: '20s',
          adaptiveHeartbeat: false,
        });
        events = [];
        link.events$.subscribe((e) => events.push(e));
        const noise = [30, 300, 60, 250, 20, 400, 90, 310, 40, 280];
        for (let i = 1; i <= 38; i++) at(i * 5000 - 1, () => (transport.autoPongMs = noise[i % noise.length]));
      });
      expect(events.filter((e) => e.type === E.QualityDegraded)).toEqual([]);
    });
  });

  describe('restore', () => {
    it('should carry totals and recent events over a restart, counting the time away as downtime', () => {
      let link!: Connection;
      const saved = {
        version: 1 as const,
        savedAt: 1000,
        stats: {
          totalConnections: 7,
          totalDisconnections: 6,
          totalReconnectAttempts: 9,
          successfulReconnects: 6,
          connectionStartTime: 0,
          closedDowntime: 500,
        },
        recentEvents: [
          { type: E.Connected, severity: 1 as const, timestamp: 900, description: 'connected', retryCount: 0 },
        ],
      };
      testScheduler.run(({ cold }) => {
        // The process comes back at 2000, a second after it saved; the socket opens at 7000.
        at(2000, () => {
          const transport = new MarbleTransport(testScheduler, [cold('5s o', frames)], { autoPongMs: 1 });
          link = start(transport, 8000, { restore: { state: saved } } as Partial<ConnectOptions>);
        });
        at(9000, () => {
          const s = link.snapshot();
          // A restarted process connecting is a first connection, not a reconnect.
          expect(s.stats).toMatchObject({ totalConnections: 8, successfulReconnects: 6, totalReconnectAttempts: 9 });
          // 500 before, plus 1000 (saved) → 7000 (open).
          expect(s.totalDowntime).toBe(6500);
          expect(s.recentEvents.map((e) => [e.type, e.timestamp])).toEqual([
            [E.Connected, 900],
            [E.Connected, 7000],
          ]);
        });
      });
    });

    it('should start fresh with a warning event when the state could not be read', () => {
      let link!: Connection;
      testScheduler.run(({ cold }) => {
        const transport = new MarbleTransport(testScheduler, [cold('o', frames)], { autoPongMs: 1 });
        link = start(transport, 1000, {
          restore: { warning: 'state.json: not JSON (half-written or corrupt)' },
        } as Partial<ConnectOptions>);
      });
      const [first] = link.snapshot().recentEvents;
      expect(first).toMatchObject({
        type: E.ErrorOccurred,
        errorMessage: 'state not restored, starting fresh: state.json: not JSON (half-written or corrupt)',
      });
      expect(link.snapshot().stats.totalConnections).toBe(1);
    });
  });

  describe('configuration', () => {
    it.each([
      ['url', { url: 'http://exchange.test' }],
      ['heartbeatTimeout', { url: 'ws://x', heartbeatInterval: '30s', heartbeatTimeout: '10s' }],
      ['heartbeatIntervall', { url: 'ws://x', heartbeatIntervall: '30s' }],
      ['probe', { url: 'ws://x', probe: 'yes' }],
      ['codec', { url: 'ws://x', codec: {} }],
      ['scheduler', { url: 'ws://x', scheduler: {} }],
    ])('should throw a ConfigError naming %s before anything starts', (field, options) => {
      let caught: unknown;
      try {
        connect(options as never);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ConfigError);
      expect((caught as ConfigError).field).toBe(field);
    });
  });
});

async function flushPromises(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

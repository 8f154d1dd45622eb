import { NEVER } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  Connection,
  ConnectionEvent,
  ConnectionEventType as E,
  ConnectOptions,
  ConnectionStatus as S,
  TransportError,
  connect,
} from '../../../src/index';
import { MarbleConnection, MarbleTransport } from '../../../src/testing';
import { Outcome, at, flushPromises, outcomeOf } from './virtualTime';

// Issue 10, contract 1: a socket lifeline abandons is aborted with a TCP reset (the transport's
// `abort()`), so nothing written on it can reach the server afterwards; a clean close() of a healthy
// link still closes cleanly. The heartbeat-timeout paths (inbound and outbound) are pinned in
// spec/streams/connect.spec.ts ('heartbeat') and outboundProgress.spec.ts; here are the others.
// spec/integration/abandonReset.spec.ts shows what abort() does on a real socket.

const frames = { o: MarbleTransport.OPEN };

describe('outbound: an abandoned socket is reset, a healthy one closed cleanly', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  function start(
    transport: MarbleTransport,
    closeAt: number,
    options: Partial<ConnectOptions> = {},
  ): { link: Connection; events: ConnectionEvent[] } {
    const link = connect({
      url: 'ws://exchange.test',
      transport,
      scheduler: testScheduler,
      jitter: 'none',
      ...options,
    });
    const events: ConnectionEvent[] = [];
    link.events$.subscribe((event) => events.push(event));
    if (Number.isFinite(closeAt)) at(testScheduler, closeAt, () => void link.close());
    return { link, events };
  }

  const first = (transport: MarbleTransport): MarbleConnection => transport.connections[0] as MarbleConnection;

  describe('close()', () => {
    it('should close a healthy link cleanly, and let what its socket still held drain', async () => {
      let transport!: MarbleTransport;
      let order!: Outcome;
      testScheduler.run(({ cold }) => {
        transport = new MarbleTransport(testScheduler, [cold('o', frames)], { autoPongMs: 5 });
        const { link } = start(transport, Infinity);
        at(testScheduler, 1000, () => {
          first(transport).backlog = true;
          order = outcomeOf(link.send({ order: 1 }));
        });
        at(testScheduler, 2000, () => {
          expect(link.snapshot().state).toMatchObject({ status: S.Connected, outbound: 'confirmed' });
          void link.close();
        });
        // A clean close sends what the socket holds before its close frame.
        at(testScheduler, 2100, () => first(transport).drain());
      });
      await flushPromises();
      expect(first(transport)).toMatchObject({ closed: true, aborted: false });
      expect(first(transport).texts).toEqual(['{"order":1}']);
      expect(order.state).toBe('resolved');
    });

    it('should reset a link that is Unstable (poor latency) when closed', () => {
      let transport!: MarbleTransport;
      testScheduler.run(({ cold }) => {
        transport = new MarbleTransport(testScheduler, [cold('o', frames)], { autoPongMs: 1500 });
        const { link } = start(transport, Infinity, { unstableTimeout: 'Infinity' });
        at(testScheduler, 10_000, () => {
          expect(link.snapshot().state).toMatchObject({ status: S.Unstable, outbound: 'confirmed' });
          void link.close();
        });
      });
      expect(first(transport)).toMatchObject({ closed: true, aborted: true });
    });

    it('should reset a link whose outbound path is unconfirmed when closed', () => {
      let transport!: MarbleTransport;
      testScheduler.run(({ cold }) => {
        // Pongs never come back: unconfirmed after pongTimeout (5 s).
        transport = new MarbleTransport(testScheduler, [cold('o', frames)]);
        const { link } = start(transport, Infinity);
        at(testScheduler, 6000, () => {
          expect(link.snapshot().state).toMatchObject({ outbound: 'unconfirmed' });
          void link.close();
        });
      });
      expect(first(transport)).toMatchObject({ closed: true, aborted: true });
    });

    it('should close cleanly a confirmed link still setting up: no order was written on it', () => {
      let transport!: MarbleTransport;
      testScheduler.run(({ cold }) => {
        transport = new MarbleTransport(testScheduler, [cold('o', frames)], { autoPongMs: 5 });
        // The resync never ends: the link is up (Connected, outbound confirmed) but not ready.
        const { link } = start(transport, Infinity, { resync: () => NEVER });
        at(testScheduler, 1000, () => {
          expect(link.snapshot().state).toMatchObject({ status: S.Connected, ready: false });
          void link.close();
        });
      });
      expect(first(transport).closed).toBe(true);
      expect(first(transport).aborted).toBe(false);
    });
  });

  describe('reconnect()', () => {
    it('should reset the live socket, drop what it still held (rejected, never resent), and open a new one', async () => {
      let transport!: MarbleTransport;
      let held!: Outcome;
      let run!: ReturnType<typeof start>;
      testScheduler.run(({ cold }) => {
        transport = new MarbleTransport(testScheduler, [cold('o', frames)], { autoPongMs: 5 });
        run = start(transport, 5000);
        at(testScheduler, 1000, () => {
          first(transport).backlog = true;
          held = outcomeOf(run.link.send({ order: 'held' }));
        });
        at(testScheduler, 2000, () => run.link.reconnect());
        at(testScheduler, 2001, () => first(transport).drain());
      });
      await flushPromises();
      expect(first(transport).aborted).toBe(true);
      expect(transport.attemptTimes).toEqual([0, 2000]);
      expect(held).toEqual({ state: 'rejected', reason: 'write' });
      expect(transport.connections.flatMap((c) => c.texts)).toEqual([]);
      expect(run.events.find((e) => e.type === E.Disconnected)?.errorMessage).toContain('reconnect requested');
    });
  });

  describe('unstable too long', () => {
    it('should reset the socket when unstableTimeout forces the reconnect', () => {
      let transport!: MarbleTransport;
      let run!: ReturnType<typeof start>;
      testScheduler.run(({ cold }) => {
        transport = new MarbleTransport(testScheduler, [cold('o', frames), cold('o', frames)], { autoPongMs: 1500 });
        run = start(transport, 70_000, { heartbeatInterval: '10s', heartbeatTimeout: '30s', unstableTimeout: '60s' });
      });
      const disconnected = run.events.find((e) => e.type === E.Disconnected) as ConnectionEvent;
      expect(disconnected.errorMessage).toContain('unstable');
      expect(first(transport).aborted).toBe(true);
      expect(transport.attemptTimes).toEqual([0, 63_500]);
    });
  });

  describe('several endpoints', () => {
    it('should have reset the dead socket on the first endpoint before failing over to the next', () => {
      const tried: Array<[number, string]> = [];
      let a!: MarbleTransport;
      let b!: MarbleTransport;
      testScheduler.run(({ cold }) => {
        // a.test opens, then goes silent (half-open) and never comes back; b.test answers.
        a = new MarbleTransport(testScheduler, [cold('o', frames), cold('-#', frames, new TransportError('refused'))]);
        b = new MarbleTransport(testScheduler, [cold('o', frames)], { autoPongMs: 5 });
        const byUrl: Record<string, MarbleTransport> = { 'ws://a.test/': a, 'ws://b.test/': b };
        start(a, 100_000, {
          url: ['ws://a.test/', 'ws://b.test/'],
          transport: (url: string) => ({
            connect: () => (tried.push([testScheduler.now(), url]), (byUrl[url] as MarbleTransport).connect()),
          }),
          maxAttempts: 1,
          initialDelay: 1000,
          adaptiveHeartbeat: false,
          dynamicTimeout: false,
        } as Partial<ConnectOptions>);
      });
      expect(tried).toEqual([
        [0, 'ws://a.test/'],
        [61_000, 'ws://a.test/'],
        [61_001, 'ws://b.test/'],
      ]);
      expect(first(a).aborted).toBe(true);
      expect(first(b)).toMatchObject({ aborted: false, closed: true });
    });

    it.each([
      ['close a healthy fallback cleanly', 1, false],
      ['reset a fallback that is Unstable (poor latency)', 1500, true],
    ])('should %s when moving back to the preferred endpoint', (_, pongMs, reset) => {
      let fallback!: MarbleTransport;
      let preferred!: MarbleTransport;
      testScheduler.run(({ cold }) => {
        const refused = cold('-#', frames, new TransportError('refused'));
        preferred = new MarbleTransport(testScheduler, [refused, refused, cold('-o', frames)], {
          autoPongMs: 1,
        });
        fallback = new MarbleTransport(testScheduler, [cold('-o', frames)], { autoPongMs: pongMs });
        const byUrl: Record<string, MarbleTransport> = { 'ws://a.test/': preferred, 'ws://b.test/': fallback };
        start(preferred, 100_000, {
          url: ['ws://a.test/', 'ws://b.test/'],
          transport: (url: string) => ({ connect: () => (byUrl[url] as MarbleTransport).connect() }),
          maxAttempts: 1,
          initialDelay: 1000,
          failbackAfter: '60s',
          unstableTimeout: 'Infinity',
        } as Partial<ConnectOptions>);
      });
      expect(first(fallback)).toMatchObject({ closed: true, aborted: reset });
      // The probe that found it back, then the socket moved to.
      expect(preferred.connections).toHaveLength(2);
    });
  });
});

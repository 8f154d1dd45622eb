import { RunHelpers, TestScheduler } from 'rxjs/testing';
import { Connection, ConnectionStatus as S, GateState, TransportError, connect, tradeGate } from '../../../src/index';
import { MarbleTransport } from '../../../src/testing';
import { Outcome, at, flushPromises, outcomeOf, record } from './virtualTime';

// Issue 10, contract 6: the defaults never send an order late and never keep trading open on a link
// that is down. `queueTtl` defaults to 5 s (subscriptions are replayed, never expired); the trade gate
// by default closes whenever the link is not Connected with a confirmed outbound path and reopens after
// `settle` (5 s); `closeOn: ['Failed']` keeps the seed's gate. Nothing but the transport, the scheduler
// and (for exact times) `jitter: 'none'` is set here. /healthz follows the gate: spec/sinks/serveMetrics.spec.ts.

const frames = { o: MarbleTransport.OPEN };
const refused = new TransportError('connect ECONNREFUSED');
const ORDERS_FROM = 10_500;
const ORDERS_TO = 26_000;

describe('outbound: the defaults', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  /**
   * Up from 0, dropped at 10 s; the retries at 12 s and 16.001 s are refused (1 ms in), the one at
   * 24.002 s opens.
   * Pongs after 5 ms; the subscription is replayed on the new socket.
   */
  function outage(cold: RunHelpers['cold']): MarbleTransport {
    return new MarbleTransport(
      testScheduler,
      [
        cold('o 9999ms #', frames, MarbleTransport.closedBy(1006)),
        cold('-#', frames, refused),
        cold('-#', frames, refused),
        cold('o', frames),
      ],
      { autoPongMs: 5 },
    );
  }

  function start(transport: MarbleTransport, closeAt: number): Connection {
    const link = connect({
      url: 'ws://exchange.test',
      transport,
      scheduler: testScheduler,
      jitter: 'none',
      subscriptions: [{ op: 'subscribe', channel: 'trades' }],
    });
    at(testScheduler, closeAt, () => void link.close());
    return link;
  }

  it('should reject an order sent during an outage with expired, or write it within 5 s: never later', async () => {
    let transport!: MarbleTransport;
    let link!: Connection;
    const orders: Array<{ n: number; sentAt: number; outcome: Outcome }> = [];
    testScheduler.run(({ cold }) => {
      transport = outage(cold);
      link = start(transport, 40_000);
      // An order every 500 ms from just after the drop until after the link is back.
      for (let t = ORDERS_FROM, n = 1; t < ORDERS_TO; t += 500, n++) {
        at(testScheduler, t, () => orders.push({ n, sentAt: t, outcome: outcomeOf(link.send({ n })) }));
      }
    });
    await flushPromises();
    expect(link.config.queueTtl).toBe(5000);
    const written = new Map(
      transport.connections.flatMap((c) =>
        c.sent.flatMap(({ data, at: writtenAt }) => {
          const { n } = JSON.parse(data.toString()) as { n?: number };
          return n === undefined ? [] : [[n, writtenAt] as const];
        }),
      ),
    );
    for (const { n, sentAt, outcome } of orders) {
      const writtenAt = written.get(n);
      if (writtenAt === undefined) expect([n, outcome]).toEqual([n, { state: 'rejected', reason: 'expired' }]);
      else {
        expect(outcome.state).toBe('resolved');
        expect(writtenAt - sentAt).toBeLessThanOrEqual(5000);
      }
    }
    // Both kinds happened: early orders expired unwritten; those within 5 s of the reconnect went out on it.
    const expired = orders.filter((o) => o.outcome.reason === 'expired').map((o) => o.sentAt);
    expect(expired[0]).toBe(ORDERS_FROM);
    expect(transport.attemptTimes).toEqual([0, 12_000, 16_001, 24_002]);
    expect(expired[expired.length - 1]).toBe(19_000);
    expect(written.get(orders.find((o) => o.sentAt === 19_500)?.n as number)).toBe(24_002);
    // The subscription is replayed first, never expired, though it waited 14 s.
    expect(transport.connections[1]?.texts[0]).toBe('{"op":"subscribe","channel":"trades"}');
    expect(transport.connections[0]?.texts).toEqual(['{"op":"subscribe","channel":"trades"}']);
  });

  it('should keep the gate closed while the link is down, and reopen it 5 s after the link is ready again', () => {
    let gates: Array<[number, GateState]> = [];
    let statuses: Array<[number, S]> = [];
    testScheduler.run(({ cold }) => {
      const link = start(outage(cold), 40_000);
      gates = record(testScheduler, tradeGate(link, {}, testScheduler).gate$);
      statuses = record(testScheduler, link.status$);
    });
    const openAt = (t: number): boolean | undefined => gates.filter(([time]) => time <= t).pop()?.[1].open;
    expect(statuses.filter(([t]) => t >= 10_000 && t <= 24_002).map(([, s]) => s)).toEqual([
      S.Disconnected,
      S.Reconnecting,
      S.Connected,
    ]);
    expect(openAt(9_999)).toBe(true);
    for (const t of [10_000, 12_000, 16_001, 24_001, 24_002, 29_006]) expect([t, openAt(t)]).toEqual([t, false]);
    // Ready at 24.002 s, measured good at 24.007 s (the first pong), open 5 s later.
    expect(gates.find(([t, g]) => t > 10_000 && g.open)?.[0]).toBe(29_007);
    const closed = gates.find(([t, g]) => t >= 10_000 && !g.open);
    expect(closed?.[1].reason).toBe(S.Disconnected);
  });

  it("with closeOn: ['Failed'], should keep the seed's gate: open through the outage, closed only on Failed", () => {
    let gates: Array<[number, GateState]> = [];
    let failedAt = -1;
    testScheduler.run(({ cold }) => {
      const transport = new MarbleTransport(
        testScheduler,
        [cold('o 9999ms #', frames, MarbleTransport.closedBy(1006)), cold('-#', frames, refused)],
        { autoPongMs: 5 },
      );
      const link = start(transport, 100_000);
      gates = record(testScheduler, tradeGate(link, { closeOn: ['Failed'] }, testScheduler).gate$);
      link.status$.subscribe((s) => {
        if (s === S.Failed && failedAt < 0) failedAt = testScheduler.now();
      });
    });
    // Retries after 2, 4, 8, 16 and 32 s, each refused 1 ms in: Failed after the fifth.
    expect(failedAt).toBe(10_000 + 2000 + 4000 + 8000 + 16_000 + 32_000 + 5);
    const changes = gates.filter(([t]) => t < 100_000).map(([t, g]) => [t, g.open, g.reason]);
    expect(changes.slice(-2)).toEqual([
      [5005, true, 'healthy'],
      [failedAt, false, S.Failed],
    ]);
  });
});

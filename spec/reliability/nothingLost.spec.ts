import { ConnectionStatus as S } from '../../src/index';
import { startFaultProxy } from '../support/faultProxy';
import { waitFor } from '../support/testServer';
import { startRecordingServer } from './support/recordingServer';
import { ReliabilityCase, outboundOf } from './support/reliabilityCase';

// Nothing lost: every message given to send() while the link is down is either delivered exactly
// once, in order, after the reconnect (checked on the server), or rejected with a SendError whose
// reason says why — and then never delivered. Subscriptions are replayed on every reconnect.
// The soak (soak.spec.ts, slow/soak.spec.ts) does the same under random faults.

const SUBSCRIBE = '{"op":"subscribe","channel":"trades"}';
const subscriptions = [{ op: 'subscribe', channel: 'trades' }];
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('reliability: nothing lost', () => {
  let c: ReliabilityCase | undefined;
  afterEach(async () => c?.dispose());

  it('should deliver what was sent during three outages exactly once and in order, replaying the subscriptions each time', async () => {
    c = new ReliabilityCase('13a-three-outages', 'nothing lost: 3 outages (refused + dropped)');
    const server = c.own(await startRecordingServer());
    const proxy = c.own(await startFaultProxy(server.port));
    const link = c.connect({ url: `ws://127.0.0.1:${proxy.port}`, subscriptions, maxAttempts: 20 });
    await c.status(S.Connected);
    // Added at run time: replayed from then on, as the initial ones are.
    link.addSubscription({ op: 'subscribe', channel: 'book' });
    const removed = link.addSubscription(
      { op: 'subscribe', channel: 'removed' },
      { op: 'unsubscribe', channel: 'removed' },
    );
    removed.unsubscribe();
    await waitFor(() => server.log.messages.length === 4, 3000, 'the subscriptions');

    let n = 0;
    const detects: number[] = [];
    const recovers: number[] = [];
    for (let outage = 1; outage <= 3; outage++) {
      c.mark(`fault ${outage}`);
      proxy.refuseNew(true);
      proxy.dropAll();
      detects.push(c.since(`fault ${outage}`, await c.status(S.Disconnected, `fault ${outage}`)));
      for (let i = 0; i < 5; i++) c.send({ n: ++n });
      await sleep(150);
      for (let i = 0; i < 5; i++) c.send({ n: ++n });
      c.mark(`restored ${outage}`);
      proxy.refuseNew(false);
      recovers.push(c.since(`restored ${outage}`, await c.status(S.Connected, `restored ${outage}`)));
      await c.settled();
      await waitFor(() => server.log.latest?.messages.length === 12, 3000, `outage ${outage} delivered`);
    }

    const book = '{"op":"subscribe","channel":"book"}';
    expect(server.log.connections[0]?.messages).toEqual([
      SUBSCRIBE,
      book,
      '{"op":"subscribe","channel":"removed"}',
      '{"op":"unsubscribe","channel":"removed"}',
    ]);
    for (const [i, connection] of server.log.connections.slice(1).entries()) {
      expect(connection.messages).toEqual([
        SUBSCRIBE,
        book,
        ...Array.from({ length: 10 }, (_, k) => JSON.stringify({ n: i * 10 + k + 1 })),
      ]);
    }
    expect(server.log.connections).toHaveLength(4);
    const account = c.account(server.log.messages);
    expect(account).toMatchObject({ sent: 30, delivered: 30, missing: [], duplicated: [], pending: [] });

    const result = await c.finish({
      detectMs: Math.max(...detects),
      recoverMs: Math.max(...recovers),
      ...outboundOf(account),
      outbound: '3 outages × 10 messages: all 30 delivered once, in order, each batch on the next connection',
      subscriptions: 'initial + added replayed first on all 3 reconnects; the removed one not',
      notes: 'detect / recover: the worst of the 3 outages',
    });
    expect(result.leaked).toBe(0);
  });

  it('should reject, with a reason, what overflows the queue, outlives its ttl, is sent with queue: false, or is still queued at close() — and never deliver it', async () => {
    c = new ReliabilityCase('13b-rejections', 'nothing lost: overflow, ttl, queue:false, close');
    const server = c.own(await startRecordingServer());
    const link = c.connect({ url: server.url, queueSize: 3, maxAttempts: Infinity, maxDelay: 100 });
    await c.status(S.Connected);
    c.mark('down');
    await server.stop();
    await c.status(S.Disconnected, 'down');

    const expiring = c.send({ n: 'ttl' }, { ttl: 100 });
    const kept = [c.send({ n: 1 }), c.send({ n: 2 })];
    const overflowing = [c.send({ n: 'overflow 1' }), c.send({ n: 'overflow 2' })];
    const unqueued = c.send({ n: 'queue false' }, { queue: false });
    await sleep(250);
    expect(expiring).toMatchObject({ outcome: 'rejected', reason: 'expired' });
    // The expired one made room.
    const third = c.send({ n: 3 });
    expect(link.snapshot().queued).toBe(3);
    c.mark('up');
    await server.start();
    await c.status(S.Connected, 'up');
    await waitFor(() => server.log.messages.length === 3, 3000, 'the three kept messages');
    await c.settled();

    c.mark('down again');
    await server.stop();
    await c.status(S.Disconnected, 'down again');
    const atClose = [c.send({ n: 'at close 1' }), c.send({ n: 'at close 2' })];
    await link.close();
    await c.settled();
    await server.start();
    await sleep(200);

    expect(server.log.messages).toEqual([...kept, third].map((s) => s.wire));
    expect(overflowing.map((s) => s.reason)).toEqual(['overflow', 'overflow']);
    expect(unqueued.reason).toBe('disconnected');
    expect(atClose.map((s) => s.reason)).toEqual(['closed', 'closed']);
    const account = c.account(server.log.messages);
    expect(account).toMatchObject({
      sent: 9,
      delivered: 3,
      rejected: { expired: 1, overflow: 2, disconnected: 1, closed: 2 },
      missing: [],
      rejectedButDelivered: [],
    });

    const result = await c.finish({
      ...outboundOf(account),
      outbound: '3 delivered in order; each of the other 6 rejected with its reason and never delivered',
    });
    expect(result.leaked).toBe(0);
  });
});

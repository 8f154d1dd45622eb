import {
  ConnectionEventType as E,
  ConnectionStatus as S,
  GateState,
  NetworkRiskEvent,
  tradeGate,
} from '../../src/index';
import { waitFor } from '../support/testServer';
import { RecordingServer, startRecordingServer } from './support/recordingServer';
import { ReliabilityCase, outboundOf } from './support/reliabilityCase';

// Cases 2 and 3: the server goes away (stops listening; every attempt is refused) for less, then for
// longer, than the retry budget. The retry budget with the fast settings: maxAttempts 5 after delays
// of 50, 100, 200, 400, 400 ms (factor 2, capped at maxDelay 400), about 1.15 s in all.

const SUBSCRIBE = '{"op":"subscribe","channel":"trades"}';
const subscriptions = [{ op: 'subscribe', channel: 'trades' }];
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Every connection starts with the subscription, and the messages arrive once each, in order, after it. */
function expectReplayedThenInOrder(server: RecordingServer, wires: readonly string[]): void {
  for (const connection of server.log.connections) expect(connection.messages[0]).toBe(SUBSCRIBE);
  const delivered = server.log.messages.filter((m) => m !== SUBSCRIBE);
  expect(delivered).toEqual(wires);
}

describe('reliability 2: the server is down for less than the retry budget', () => {
  let c: ReliabilityCase | undefined;
  afterEach(async () => c?.dispose());

  it('should keep retrying, reconnect when it is back, replay the subscription and deliver what was queued once, in order', async () => {
    c = new ReliabilityCase('02-down-within-budget', '2 server down 400 ms (< retry budget)');
    const server = c.own(await startRecordingServer());
    const link = c.connect({ url: server.url, subscriptions });
    await c.status(S.Connected);
    await waitFor(() => server.log.count(SUBSCRIBE) === 1, 3000, 'the subscription');

    c.mark('fault');
    await server.stop();
    const detectedAt = await c.status(S.Disconnected, 'fault');
    const queued = [1, 2, 3, 4, 5].map((n) => c?.send({ order: n }));
    const refused = c.send({ order: 'not queued' }, { queue: false });
    await sleep(400);
    expect(link.snapshot().status).toBe(S.Reconnecting);
    c.mark('restored');
    await server.start();
    const recoveredAt = await c.status(S.Connected, 'restored');
    await c.settled();
    await waitFor(() => server.log.messages.length === 7, 3000, 'the replay and the queue');

    expectReplayedThenInOrder(
      server,
      queued.map((s) => s?.wire as string),
    );
    expect(refused).toMatchObject({ outcome: 'rejected', reason: 'disconnected' });
    // The refused attempts count as errors: the error rate may still be over its 10 % warning when the
    // socket opens, and then the link comes back Unstable until a few good pongs bring it down.
    expect([
      [S.Connecting, S.Connected, S.Disconnected, S.Reconnecting, S.Connected],
      [S.Connecting, S.Connected, S.Disconnected, S.Reconnecting, S.Unstable, S.Connected],
    ]).toContainEqual(c.statusSequence());
    const types = c.eventSequence();
    expect(types.slice(0, 3)).toEqual([E.Connected, E.Disconnected, E.ReconnectAttempt]);
    expect(types.lastIndexOf(E.ReconnectSuccess)).toBeGreaterThan(types.lastIndexOf(E.ReconnectAttempt));
    expect(types).toContain(E.ReconnectFailed);
    expect(types).not.toContain(E.ErrorOccurred);
    const account = c.account(server.log.messages);
    expect(account).toMatchObject({
      sent: 6,
      delivered: 5,
      rejected: { disconnected: 1 },
      missing: [],
      duplicated: [],
    });
    const recoverMs = c.since('restored', recoveredAt);
    // The next retry is at most maxDelay (400 ms) away.
    expect(recoverMs).toBeLessThan(400 + 1000);

    const result = await c.finish({
      detectMs: c.since('fault', detectedAt),
      recoverMs,
      ...outboundOf(account),
      outbound: '5 queued while down: delivered once, in order; 1 with { queue: false }: rejected (disconnected)',
      subscriptions: 'replayed first on the new connection',
    });
    expect(result.leaked).toBe(0);
  });
});

describe('reliability 3: the server is down for longer than the retry budget', () => {
  let c: ReliabilityCase | undefined;
  afterEach(async () => c?.dispose());

  describe.each([
    ['a', 'the recovery probe', { recoveryInterval: 300 }],
    ['b', 'a manual reconnect()', { recoveryInterval: 'Infinity' }],
  ])('%s: restored by %s', (letter, how, settings) => {
    it('should end Failed with the gate closed, then restore the link, the subscription, the queue and the gate', async () => {
      c = new ReliabilityCase(`03${letter}-down-beyond-budget`, `3 server down > retry budget, back by ${how}`);
      const server = c.own(await startRecordingServer());
      const link = c.connect({ url: server.url, subscriptions, maxAttempts: 2, ...settings });
      const gates: GateState[] = [];
      const risks: NetworkRiskEvent[] = [];
      const gate = tradeGate(link, { settle: 0 });
      gate.gate$.subscribe((state) => gates.push(state));
      gate.riskEvents$.subscribe((risk) => risks.push(risk));
      await waitFor(() => gates[gates.length - 1]?.open === true, 5000, 'the gate to open');
      await waitFor(() => server.log.count(SUBSCRIBE) === 1, 3000, 'the subscription');

      c.mark('fault');
      await server.stop();
      const detectedAt = await c.status(S.Disconnected, 'fault');
      const failedAt = await c.status(S.Failed, 'fault');
      expect(gates[gates.length - 1]).toMatchObject({ open: false, reason: S.Failed });
      expect(risks.map((r) => r.type)).toEqual(['tradingPaused']);
      const queued = [1, 2, 3].map((n) => c?.send({ order: n }));
      await sleep(100);
      expect(link.snapshot().status).toBe(S.Failed);

      c.mark('restored');
      await server.start();
      if (letter === 'b') {
        // With no recovery probe, Failed stays Failed until the application says otherwise.
        await sleep(400);
        expect(link.snapshot().status).toBe(S.Failed);
        expect(server.log.connections).toHaveLength(1);
        link.reconnect();
      }
      const recoveredAt = await c.status(S.Connected, 'restored');
      await waitFor(() => gates[gates.length - 1]?.open === true, 5000, 'the gate to reopen');
      await c.settled();
      await waitFor(() => server.log.messages.length === 5, 3000, 'the replay and the queue');

      expectReplayedThenInOrder(
        server,
        queued.map((s) => s?.wire as string),
      );
      expect(risks.map((r) => r.type)).toEqual(['tradingPaused', 'tradingResumed']);
      const down = [S.Connecting, S.Connected, S.Disconnected, S.Reconnecting, S.Failed, S.Reconnecting];
      // As in case 2, the refused attempts may leave the error rate over its warning for a moment.
      expect([
        [...down, S.Connected],
        [...down, S.Unstable, S.Connected],
      ]).toContainEqual(c.statusSequence());
      const failedEvent = c.eventsOf(E.ErrorOccurred).find((e) => /failed after 2 retries/.test(e.description));
      expect(failedEvent?.errorMessage).toMatch(/ECONNREFUSED/);
      expect(c.eventSequence()).toContain(E.ReconnectSuccess);
      const account = c.account(server.log.messages);
      expect(account).toMatchObject({ sent: 3, delivered: 3, missing: [], duplicated: [] });
      const recoverMs = c.since('restored', recoveredAt);
      if (letter === 'a') expect(recoverMs).toBeLessThan(300 + 1000);

      const result = await c.finish({
        detectMs: c.since('fault', detectedAt),
        recoverMs,
        ...outboundOf(account),
        outbound: '3 queued while Failed: delivered once, in order, after recovery',
        subscriptions: 'replayed first on the new connection',
        notes: `Failed ${c.since('fault', failedAt)} ms after the fault; gate closed (Failed) then reopened, one tradingPaused and one tradingResumed`,
      });
      expect(result.leaked).toBe(0);
    });
  });
});

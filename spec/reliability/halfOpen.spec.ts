import { ConnectionEventType as E, ConnectionStatus as S } from '../../src/index';
import { startFaultProxy } from '../support/faultProxy';
import { waitFor } from '../support/testServer';
import { startRecordingServer } from './support/recordingServer';
import { ReliabilityCase } from './support/reliabilityCase';

// Case 4: a half-open link. The proxy blackholes both directions without a FIN or RST, as a dead NAT
// entry or a pulled cable does: the socket stays "open" on both ends and only the heartbeat can find
// out. spec/integration/connect.spec.ts pins detection and reconnection; here, in addition, what
// happens to messages around it.
//
// Messages sent after the blackhole and before detection resolve (the kernel took them) and are
// lost with the link: send() resolving means "written to the socket", never "delivered" — TCP and
// WebSocket carry no receipt. The window is at most the heartbeat timeout; the bot's protection is
// the exchange's own order acknowledgement (client order ids), not the transport. Messages sent
// once the link is known to be down are queued and delivered exactly once after the reconnect.

const SUBSCRIBE = '{"op":"subscribe","channel":"trades"}';

describe('reliability 4: a half-open link (blackholed both ways, no FIN)', () => {
  let c: ReliabilityCase | undefined;
  afterEach(async () => c?.dispose());

  it('should find it by the heartbeat timeout, reconnect once the path is back, replay the subscription and deliver the queue', async () => {
    c = new ReliabilityCase('04-half-open', '4 half-open (blackhole both ways)');
    const server = c.own(await startRecordingServer());
    const proxy = c.own(await startFaultProxy(server.port));
    const link = c.connect({
      url: `ws://127.0.0.1:${proxy.port}`,
      subscriptions: [{ op: 'subscribe', channel: 'trades' }],
    });
    await c.status(S.Connected);
    await waitFor(() => server.log.count(SUBSCRIBE) === 1, 3000, 'the subscription');

    c.mark('fault');
    proxy.blackhole();
    const inFlight = [c.send({ order: 'in-flight-1' }), c.send({ order: 'in-flight-2' })];
    const detectedAt = await c.event(E.HeartbeatTimeout, 'fault');
    await c.status(S.Disconnected, 'fault');
    const queued = [1, 2, 3].map((n) => c?.send({ order: n }));
    expect(link.snapshot().queued).toBe(3);
    // The path stays dead a while longer: the retry made meanwhile hangs in its upgrade.
    await new Promise((resolve) => setTimeout(resolve, 300));
    c.mark('restored');
    proxy.restore();
    // An attempt made during the blackhole waits out its handshake timeout (1 s) before the next try.
    const recoveredAt = await c.status(S.Connected, 'restored', 5000);
    await c.settled();
    await waitFor(() => server.log.latest?.messages.length === 4, 3000, 'the replay and the queue');

    expect(inFlight.map((s) => s.outcome)).toEqual(['resolved', 'resolved']);
    expect(server.log.latest?.messages).toEqual([SUBSCRIBE, ...queued.map((s) => s?.wire)]);
    expect(server.log.connections[0]?.messages).toEqual([SUBSCRIBE]);
    const account = c.account(server.log.messages);
    expect(account.missing).toEqual(inFlight);
    expect(account).toMatchObject({ sent: 5, delivered: 3, duplicated: [], rejectedButDelivered: [] });
    const types = c.eventSequence();
    expect(types.slice(0, 4)).toEqual([E.Connected, E.HeartbeatTimeout, E.Disconnected, E.ReconnectAttempt]);
    expect(types[types.length - 1]).toBe(E.ReconnectSuccess);
    expect(c.statusSequence().slice(0, 4)).toEqual([S.Connecting, S.Connected, S.Disconnected, S.Reconnecting]);
    const detectMs = c.since('fault', detectedAt);
    // The last sign of life can be up to one ping interval before the fault: 300 − 100 ms at the earliest.
    expect(detectMs).toBeGreaterThanOrEqual(190);
    expect(detectMs).toBeLessThan(3000);

    const result = await c.finish({
      detectMs,
      recoverMs: c.since('restored', recoveredAt),
      sent: account.sent,
      delivered: account.delivered,
      rejected: account.rejected,
      lost: 0,
      inFlight: account.missing.length,
      outbound:
        '2 sent before detection: resolved, lost with the dead link (no transport receipt); 3 sent after: queued, delivered once, in order',
      subscriptions: 'replayed first on the new connection',
      notes: 'attempts during the blackhole hang until handshakeTimeout (1 s here, 10 s by default)',
    });
    expect(result.leaked).toBe(0);
  });
});

import { ConnectionEventType as E, ConnectionStatus as S } from '../../src/index';
import { startFaultProxy } from '../support/faultProxy';
import { waitFor } from '../support/testServer';
import { startRecordingServer } from './support/recordingServer';
import { ReliabilityCase, outboundOf } from './support/reliabilityCase';

// Case 6: latency above the warning threshold. The proxy delays every chunk by 100 ms each way, so
// a round trip takes about 200 ms against a latencyWarning of 150 ms. The heartbeat timeout is 1 s
// here rather than the 300 ms of the other cases: a 200 ms round trip is slow, not dead, and the
// case is about degradation, not loss. The latency predictor is off so that the event sequence is
// the score's alone (with it on, a predicted QualityDegraded may come first). Unstable is still up:
// messages sent meanwhile are delivered, just late.
//
// Test-support caveat: lowering the proxy's delay while chunks are in flight lets new chunks
// overtake the delayed ones; here only pings and pongs are in flight when the delay is removed, and
// the heartbeat matches pongs by id, so the overtaking is harmless.

describe('reliability 6: latency above the warning threshold', () => {
  let c: ReliabilityCase | undefined;
  afterEach(async () => c?.dispose());

  it('should go Unstable with QualityDegraded while it lasts, keep delivering, and come back Connected with QualityImproved', async () => {
    c = new ReliabilityCase('06-latency', '6 latency 2×100 ms > warning 150 ms');
    const server = c.own(await startRecordingServer());
    const proxy = c.own(await startFaultProxy(server.port));
    const link = c.connect({
      url: `ws://127.0.0.1:${proxy.port}`,
      heartbeatTimeout: 1000,
      latencyWarning: 150,
      unstableTimeout: 'Infinity',
      prediction: false,
    });
    await c.status(S.Connected);

    c.mark('fault');
    proxy.delay(100);
    const detectedAt = await c.status(S.Unstable, 'fault');
    const during = c.send({ order: 'while unstable' });
    await waitFor(() => server.log.messages.length === 1, 3000, 'the message sent while Unstable');
    const { averageLatencyMs } = link.snapshot().quality;
    expect(averageLatencyMs).toBeGreaterThanOrEqual(150);
    expect(link.snapshot().warnings).toContain('latency');

    c.mark('restored');
    proxy.delay(0);
    const recoveredAt = await c.status(S.Connected, 'restored');
    await c.settled();

    expect(during.outcome).toBe('resolved');
    expect(server.log.messages).toEqual([during.wire]);
    expect(server.log.connections).toHaveLength(1);
    expect(c.statusSequence()).toEqual([S.Connecting, S.Connected, S.Unstable, S.Connected]);
    expect(c.eventSequence()).toEqual([E.Connected, E.QualityDegraded, E.QualityImproved]);
    expect(c.eventsOf(E.QualityDegraded)[0]?.description).toMatch(/warnings: latency/);
    const account = c.account(server.log.messages);

    const result = await c.finish({
      detectMs: c.since('fault', detectedAt),
      recoverMs: c.since('restored', recoveredAt),
      ...outboundOf(account),
      outbound: '1 sent while Unstable: delivered at once (Unstable is up), late by the injected delay',
      subscriptions: 'none needed: the socket never closed',
      notes: `average latency ${Math.round(averageLatencyMs)} ms while degraded; detect = delay on → Unstable, recover = delay off → Connected`,
    });
    expect(result.leaked).toBe(0);
  });
});

import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { timer } from 'rxjs';
import { ConnectionStatus as S } from '../../src/index';
import { waitFor } from '../support/testServer';
import { activeResources, leakedSince, resourcesAbove } from './support/activeResources';
import { startRecordingServer } from './support/recordingServer';
import { ReliabilityCase } from './support/reliabilityCase';
import { startUpgradeServer } from './support/upgradeServer';

// Case 11: close() while something is in flight. Checked, not assumed: the resources keeping the
// event loop alive (`process.getActiveResourcesInfo()`: Timeout, TCPSocketWrap, …) are counted with
// the server already up and before connect(), and again once close() has resolved and the server has
// seen the client's socket end. Any timer or socket the library left behind shows up as a surplus.

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('reliability 11: close() mid-flight', () => {
  let c: ReliabilityCase | undefined;
  afterEach(async () => c?.dispose());

  it('should have an instrument that sees a forgotten timer and socket', async () => {
    const server = await startRecordingServer();
    // Read synchronously around the leak, so no unrelated timer can come or go in between.
    const before = activeResources();
    const forgotten = setTimeout(() => undefined, 60_000);
    const socket = net.connect(server.port, '127.0.0.1');
    const leak = resourcesAbove(before);
    await new Promise((resolve) => socket.once('connect', resolve));
    clearTimeout(forgotten);
    socket.destroy();
    await server.close();

    expect(leak.byType).toMatchObject({ Timeout: 1 });
    expect(leak.byType.TCPSocketWrap).toBeGreaterThanOrEqual(1);
    expect(await leakedSince(before)).toEqual({ total: 0, byType: {} });
  });

  it('a: during connect (TCP accepted, upgrade unanswered): should abort the attempt and leave no timer or socket', async () => {
    c = new ReliabilityCase('11a-close-during-connect', '11a close() during connect');
    const server = c.own(await startUpgradeServer({ kind: 'hold' }));
    const before = activeResources();
    const link = c.connect({ url: server.url, handshakeTimeout: 10_000 });
    const queued = c.send({ order: 1 });
    await waitFor(() => server.held.length === 1, 3000, 'the upgrade request');
    expect(link.snapshot().status).toBe(S.Connecting);

    const closing = performance.now();
    await link.close();
    const closeMs = Math.round(performance.now() - closing);
    await waitFor(() => server.heldEnded === 1, 3000, 'the server to see the socket end');
    const leak = await leakedSince(before);
    await sleep(200);

    expect(leak).toEqual({ total: 0, byType: {} });
    expect(server.requests).toBe(1);
    expect(c.statusSequence()).toEqual([S.Connecting, S.Disconnected]);
    expect(queued).toMatchObject({ outcome: 'rejected', reason: 'closed' });
    const result = await c.finish({
      sent: 1,
      delivered: 0,
      rejected: { closed: 1 },
      lost: 0,
      outbound: '1 queued: rejected (closed)',
      notes: `close() resolved in ${closeMs} ms; the server saw the socket end; 0 surplus resources with the server still up`,
    });
    expect(result.leaked).toBe(0);
  });

  it('b: during a backoff delay: should cancel the pending retry and leave no timer', async () => {
    c = new ReliabilityCase('11b-close-during-backoff', '11b close() during a backoff delay');
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as net.AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const before = activeResources();
    const link = c.connect({ url: `ws://127.0.0.1:${port}`, initialDelay: 1000, maxDelay: 1000 });
    await waitFor(() => link.snapshot().state.nextRetryAt !== undefined, 3000, 'a scheduled retry');
    expect(link.snapshot().status).toBe(S.Reconnecting);

    const closing = performance.now();
    await link.close();
    const closeMs = Math.round(performance.now() - closing);
    const leak = await leakedSince(before);
    // Had the retry survived, it would knock on this server within its 1 s delay.
    const server = c.own(await startRecordingServer({ port }));
    await sleep(1300);

    expect(leak).toEqual({ total: 0, byType: {} });
    expect(server.log.connections).toHaveLength(0);
    expect(c.statusSequence()).toEqual([S.Connecting, S.Reconnecting, S.Disconnected]);
    const result = await c.finish({
      sent: 0,
      delivered: 0,
      rejected: {},
      lost: 0,
      notes: `close() resolved in ${closeMs} ms; no attempt reached the server in the 1.3 s after`,
    });
    expect(result.leaked).toBe(0);
  });

  describe.each([
    ['c', 'a Promise that never settles', () => new Promise<never>(() => undefined)],
    ['d', 'a slow Observable (60 s)', () => timer(60_000)],
  ])('%s: during a pending probe (%s)', (letter, kind, probe) => {
    it('should drop the probe, close the socket with 1000 and leave no timer or socket', async () => {
      c = new ReliabilityCase(`11${letter}-close-during-probe`, `11${letter} close() during a pending probe (${kind})`);
      const server = c.own(await startRecordingServer());
      const before = activeResources();
      const link = c.connect({ url: server.url, probe, probeTimeout: 60_000 });
      await c.status(S.Connected);

      const closing = performance.now();
      await link.close();
      const closeMs = Math.round(performance.now() - closing);
      await waitFor(() => server.log.connections[0]?.closed === true, 3000, 'the server to see the close');
      const leak = await leakedSince(before);

      expect(leak).toEqual({ total: 0, byType: {} });
      expect(server.log.connections[0]?.closeCode).toBe(1000);
      expect(c.statusSequence()).toEqual([S.Connecting, S.Connected, S.Disconnected]);
      const result = await c.finish({
        sent: 0,
        delivered: 0,
        rejected: {},
        lost: 0,
        notes: `close() resolved in ${closeMs} ms; server saw 1000; 0 surplus resources with the server still up`,
      });
      expect(result.leaked).toBe(0);
    });
  });
});

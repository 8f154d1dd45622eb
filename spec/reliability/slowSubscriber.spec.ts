import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { ConnectionEventType as E, ConnectionStatus as S } from '../../src/index';
import { waitFor } from '../support/testServer';
import { startRecordingServer } from './support/recordingServer';
import { ReliabilityCase } from './support/reliabilityCase';

// Case 12: a slow subscriber — a messages$ handler that blocks the event loop.
//
// What happens, and why (documented decision):
// - messages$ is a plain Subject: each frame is decoded and handed to the subscribers synchronously,
//   inside the socket's data callback. The library keeps no inbound buffer, so a slow handler is
//   backpressure: while it runs, nothing is read; further frames wait in ws's receiver, the kernel's
//   socket buffers and then the server's send buffer (its `bufferedAmount` climbs). The backlog is
//   the sender's and the kernel's, bounded by TCP flow control, never the library's. (The test server
//   runs in the same process, so it stalls too; what it had already sent waits in kernel buffers.)
// - Every frame is a sign of life, stamped before the handler runs, so a handler slower than the
//   heartbeat timeout IN TOTAL is fine as long as each message takes less than the timeout.
// - A single handler call longer than the heartbeat timeout starves the event loop of everything
//   else (pings, pongs, timers): when it returns, the heartbeat sees more silence than allowed and
//   ends the link as dead, although the peer is fine. The process could not have answered anyway.
//   Keep per-message work well under the timeout (60 s by default), or hand heavy work off.
// - What the library does hold is bounded: the outbound queue (queueSize, then `overflow`) and the
//   recent-events log (maxEvents); events$ delivers every event as it happens, holding none.

const block = (ms: number): void => {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // Busy: the event loop is blocked, as by a heavy synchronous handler.
  }
};

describe('reliability 12: a slow subscriber', () => {
  let c: ReliabilityCase | undefined;
  afterEach(async () => c?.dispose());

  it('a: 20 ms per message over a 40-message burst (800 ms, more than the heartbeat timeout): should deliver all in order and keep the link', async () => {
    c = new ReliabilityCase('12a-slow-subscriber-20ms', '12a slow subscriber, 20 ms × 40 messages');
    const server = c.own(await startRecordingServer());
    const received: number[] = [];
    const link = c.connect({ url: server.url });
    link.messages$.subscribe((m) => {
      received.push((m as { n: number }).n);
      block(20);
    });
    await c.status(S.Connected);
    const started = performance.now();
    const socket = server.log.latest?.socket as WebSocket;
    for (let n = 1; n <= 40; n++) socket.send(JSON.stringify({ channel: 'trades', n }));
    await waitFor(() => received.length === 40, 5000, 'every message');
    const tookMs = Math.round(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(received).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(tookMs).toBeGreaterThanOrEqual(800);
    expect(c.eventSequence()).not.toContain(E.HeartbeatTimeout);
    expect(c.statusSequence()).toEqual([S.Connecting, S.Connected]);
    expect(server.log.connections).toHaveLength(1);
    expect(link.snapshot().queued).toBe(0);
    const result = await c.finish({
      sent: 0,
      delivered: 0,
      rejected: {},
      lost: 0,
      notes: `40 delivered in order in ${tookMs} ms of blocked loop; no heartbeat timeout (each frame is a sign of life)`,
    });
    expect(result.leaked).toBe(0);
  });

  it('b: one message handled for 450 ms (more than the 300 ms timeout): should ping afresh after the stall and keep the link', async () => {
    c = new ReliabilityCase('12b-slow-subscriber-450ms', '12b slow subscriber, one 450 ms block');
    const server = c.own(await startRecordingServer());
    const link = c.connect({ url: server.url });
    let handled = 0;
    link.messages$.subscribe(() => {
      handled++;
      block(450);
    });
    await c.status(S.Connected);

    c.mark('fault');
    (server.log.latest?.socket as WebSocket).send('{"channel":"trades","n":1}');
    await waitFor(() => handled === 1, 3000, 'the message handled');
    // The heartbeat's deadline look runs ~150 ms late: a stall, not silence. It pings afresh and the
    // pong arrives; give it well over a timeout to go wrong.
    await new Promise((resolve) => setTimeout(resolve, 1000));

    expect(c.eventSequence()).not.toContain(E.HeartbeatTimeout);
    expect(link.snapshot().status).toBe(S.Connected);
    expect(server.log.connections.length).toBe(1);
    const result = await c.finish({
      sent: 0,
      delivered: 0,
      rejected: {},
      lost: 0,
      notes: 'the late deadline look sent a fresh ping instead of declaring the link dead: no reconnect',
    });
    expect(result.leaked).toBe(0);
  });

  it('c: a flood while the subscriber is stuck: should leave the backlog with the sender and the kernel, and deliver it all in order', async () => {
    c = new ReliabilityCase('12c-slow-subscriber-flood', '12c flood (4 MiB) into a stuck subscriber');
    const server = c.own(await startRecordingServer());
    const received: number[] = [];
    const link = c.connect({ url: server.url, heartbeatTimeout: 3000 });
    await c.status(S.Connected);
    const socket = server.log.latest?.socket as WebSocket;
    let backlog = 0;
    let stuck = true;
    link.messages$.subscribe((m) => {
      received.push((m as { n: number }).n);
      if (stuck) {
        stuck = false;
        block(500);
        // Read at the end of the stall: what the server has queued but the kernel has not taken.
        backlog = socket.bufferedAmount;
      }
    });
    const pad = 'x'.repeat(1024);
    const count = 4096;
    for (let n = 1; n <= count; n++) socket.send(JSON.stringify({ n, pad }));
    await waitFor(() => received.length === count, 10_000, 'every message');

    expect(backlog).toBeGreaterThan(0);
    expect(received).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    expect(link.snapshot().queued).toBe(0);
    expect(c.statusSequence()).toEqual([S.Connecting, S.Connected]);
    const result = await c.finish({
      sent: 0,
      delivered: 0,
      rejected: {},
      lost: 0,
      notes:
        `${count} × 1 KiB burst into a 500 ms stall: all delivered in order; at the end of the stall ` +
        `${Math.round(backlog / 1024)} KiB still waited in the server's send queue, the rest in kernel buffers; library queue 0`,
    });
    expect(result.leaked).toBe(0);
  });

  it('d: what the library holds is bounded: the outbound queue by queueSize, the event log by maxEvents', async () => {
    c = new ReliabilityCase('12d-bounded-buffers', '12d bounded: queue and event log');
    const server = c.own(await startRecordingServer());
    const link = c.connect({ url: server.url, queueSize: 10, maxEvents: 50 });
    await c.status(S.Connected);
    const socket = server.log.latest?.socket as WebSocket;
    for (let i = 0; i < 300; i++) socket.send(`garbage ${i}`);
    await waitFor(() => c?.eventsOf(E.ErrorOccurred).length === 300, 5000, '300 error events');
    expect(link.snapshot().recentEvents).toHaveLength(50);

    await server.stop();
    await c.status(S.Disconnected);
    for (let n = 1; n <= 50; n++) c.send({ order: n });
    expect(link.snapshot().queued).toBe(10);
    await waitFor(() => c?.sends.filter((s) => s.outcome === 'rejected').length === 40, 3000, '40 overflows');
    const result = await c.finish({
      sent: 50,
      delivered: 0,
      rejected: { overflow: 40, closed: 10 },
      lost: 0,
      outbound:
        '50 sent while down with queueSize 10: 10 queued (rejected closed at close()), 40 rejected overflow at once',
      notes: '300 malformed frames: 300 ErrorOccurred on events$, recentEvents() holds 50 (maxEvents)',
    });
    expect(c.sends.slice(0, 10).every((s) => s.reason === 'closed')).toBe(true);
    expect(c.sends.slice(10).every((s) => s.reason === 'overflow')).toBe(true);
    expect(result.leaked).toBe(0);
  });
});

import WebSocket from 'ws';
import { ConnectionEventType as E, ConnectionStatus as S } from '../../src/index';
import { waitFor } from '../support/testServer';
import { startRecordingServer } from './support/recordingServer';
import { ReliabilityCase } from './support/reliabilityCase';

// Case 5: which sign of life counts, in each direction (issue 10, contract 4):
//
// - Pongs lost while data still flows: data coming in proves the INBOUND direction only. A ping
//   unanswered for `pongTimeout`, with no bytes of ours draining either, leaves the outbound path
//   unconfirmed: the link is Unstable, not ready, and sends wait in the queue under their ttl instead
//   of going into the void. No pong and nothing drained for the whole heartbeat timeout ends the link
//   (reset, so nothing still buffered can arrive late) and a new socket is made, data or not.
// - Data silent while pongs flow: the SOCKET is alive (no reconnect: it would not help, and it
//   would cost a connection from the budget), but a feed may be dead: the exchange dropped the
//   subscription, or the market stopped. That is what the stale-feed watchdogs (connect option
//   `watchdogs`) are for: an ErrorOccurred event "feed … stale", the feed's `resubscribe` messages
//   sent on the same socket, and a DataReceived event when it speaks again.

const SUBSCRIBE = '{"op":"subscribe","channel":"trades"}';

/** A server-side trades feed: starts on the subscribe message, one trade every 30 ms, until stopped. */
function tradesFeed(socket: WebSocket): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let n = 0;
  const start = (): void => {
    if (timer) return;
    timer = setInterval(() => socket.send(JSON.stringify({ channel: 'trades', n: ++n })), 30);
  };
  const stop = (): void => {
    clearInterval(timer);
    timer = undefined;
  };
  socket.on('message', (data) => {
    if (data.toString() === SUBSCRIBE) start();
  });
  socket.on('close', stop);
  return { stop };
}

describe('reliability 5: liveness', () => {
  let c: ReliabilityCase | undefined;
  afterEach(async () => c?.dispose());

  it('a: should hold sends on a link whose pongs are lost while data flows, then replace it: data proves only the inbound direction', async () => {
    c = new ReliabilityCase('05a-pongs-lost', '5a pongs lost, data flows: outbound unconfirmed');
    const server = c.own(await startRecordingServer({ autoPong: false, onSocket: (s) => void tradesFeed(s) }));
    const received: unknown[] = [];
    const link = c.connect({
      url: server.url,
      subscriptions: [{ op: 'subscribe', channel: 'trades' }],
      // Unconfirmed after 150 ms without a pong; dead after 1 s of it (the heartbeat timeout).
      pongTimeout: 150,
      heartbeatTimeout: 1000,
    });
    link.messages$.subscribe((m) => received.push(m));
    c.mark('fault');
    await c.status(S.Connected);
    await waitFor(() => received.length > 0, 3000, 'the first trade');
    const unconfirmedAt = await c.event(E.QualityDegraded, 'fault', /outbound path unconfirmed/);
    expect(link.snapshot().state).toMatchObject({ status: S.Unstable, outbound: 'unconfirmed', ready: false });
    // A send now waits (ttl 300 ms) and expires unwritten: never written into the void.
    const held = c.send({ order: 'held' }, { ttl: '300ms' });
    const detectedAt = await c.event(E.HeartbeatTimeout, 'fault');
    expect(c.eventsOf(E.HeartbeatTimeout)[0]?.description).toContain('outbound path is dead');
    await c.settled();
    expect([held.outcome, held.reason]).toEqual(['rejected', 'expired']);
    const reconnectedAt = await c.event(E.ReconnectSuccess, 'fault');
    expect(c.account(server.log.messages)).toMatchObject({ delivered: 0, duplicated: [], rejectedButDelivered: [] });
    expect(received.length).toBeGreaterThan(0);
    const detectMs = c.since('fault', detectedAt);
    expect(detectMs).toBeGreaterThanOrEqual(1000);
    expect(detectMs).toBeLessThan(3000);

    const result = await c.finish({
      detectMs,
      recoverMs: c.since('fault', reconnectedAt),
      sent: 1,
      delivered: 0,
      rejected: { expired: 1 },
      lost: 0,
      subscriptions: 'replayed on the new connection',
      notes:
        `outbound unconfirmed ${c.since('fault', unconfirmedAt)} ms after start (pongTimeout 150 ms): Unstable, not ready, ` +
        'the send held then expired unwritten; detect = start → HeartbeatTimeout (outbound, 1 s without a pong); ' +
        'recover = start → ReconnectSuccess',
    });
    expect(result.leaked).toBe(0);
  });

  it('b: should keep a link whose feed is silent while pongs flow, and let the watchdog raise it, resubscribe and see it resume', async () => {
    c = new ReliabilityCase('05b-feed-silent', '5b data silent, pongs flow (watchdog)');
    const feeds: Array<{ stop(): void }> = [];
    const server = c.own(await startRecordingServer({ onSocket: (s) => feeds.push(tradesFeed(s)) }));
    const subscribe = { op: 'subscribe', channel: 'trades' };
    const link = c.connect({
      url: server.url,
      subscriptions: [subscribe],
      watchdogs: [
        {
          name: 'trades',
          match: (m) => (m as { channel?: string }).channel === 'trades',
          staleAfter: 300,
          resubscribe: [subscribe],
        },
      ],
    });
    const received: unknown[] = [];
    link.messages$.subscribe((m) => received.push(m));
    await c.status(S.Connected);
    await waitFor(() => received.length > 0, 3000, 'the first trade');

    c.mark('fault');
    feeds[0]?.stop();
    const staleAt = await c.event(E.ErrorOccurred, 'fault', /stale/);
    const stale = c.eventsOf(E.ErrorOccurred)[0];
    expect(stale?.errorMessage).toBe('feed trades stale');
    expect(stale?.description).toMatch(/feed trades stale: no message for .*; resubscribed/);
    const resumedAt = await c.event(E.DataReceived, 'fault', /feed trades resumed after/);
    const countAtResume = received.length;
    await waitFor(() => received.length > countAtResume, 3000, 'trades again');

    // The socket never went down: the resubscription went out on the same connection.
    expect(server.log.connections).toHaveLength(1);
    expect(server.log.connections[0]?.messages).toEqual([SUBSCRIBE, SUBSCRIBE]);
    expect(c.statusSequence()).toEqual([S.Connecting, S.Connected]);
    expect(c.eventSequence()).not.toContain(E.HeartbeatTimeout);
    const detectMs = c.since('fault', staleAt);
    expect(detectMs).toBeGreaterThanOrEqual(150);
    expect(detectMs).toBeLessThan(3000);

    const result = await c.finish({
      detectMs,
      recoverMs: c.since('fault', resumedAt),
      sent: 0,
      delivered: 0,
      rejected: {},
      lost: 0,
      subscriptions: 'resubscribed by the watchdog on the same socket; the feed resumed',
      notes:
        'detect = feed stopped → ErrorOccurred "feed trades stale"; recover = feed stopped → DataReceived "feed resumed"',
    });
    expect(result.leaked).toBe(0);
  });
});

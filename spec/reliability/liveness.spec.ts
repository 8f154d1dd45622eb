import WebSocket from 'ws';
import { ConnectionEventType as E, ConnectionStatus as S } from '../../src/index';
import { waitFor } from '../support/testServer';
import { startRecordingServer } from './support/recordingServer';
import { ReliabilityCase } from './support/reliabilityCase';

// Case 5: which sign of life counts. The decision, as the heartbeat implements it:
//
// - Pongs lost while data still flows: ALIVE. Any inbound frame proves the path works both ways
//   far better than a ping does, so the link is not torn down; every unanswered ping is counted as
//   lost (packetLossRate), which lowers the quality score and can make the link Unstable. Only when
//   the data stops too — total silence for the heartbeat timeout — is the link dead.
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

  it('a: should keep a link whose pongs are lost while data flows, count the losses against quality, and end it only when the data stops too', async () => {
    c = new ReliabilityCase('05a-pongs-lost', '5a pongs lost, data flows (then stops)');
    const feeds: Array<{ stop(): void }> = [];
    const server = c.own(await startRecordingServer({ autoPong: false, onSocket: (s) => feeds.push(tradesFeed(s)) }));
    const received: unknown[] = [];
    const link = c.connect({ url: server.url, subscriptions: [{ op: 'subscribe', channel: 'trades' }] });
    link.messages$.subscribe((m) => received.push(m));
    await c.status(S.Connected);
    await waitFor(() => received.length > 0, 3000, 'the first trade');

    // Ten ping intervals, three heartbeat timeouts, without a single pong.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const { quality } = link.snapshot();
    expect(link.snapshot().status).not.toBe(S.Disconnected);
    expect(c.eventSequence()).not.toContain(E.HeartbeatTimeout);
    expect(server.log.connections).toHaveLength(1);
    expect(quality.latencySamples).toBe(0);
    expect(quality.packetLossRate).toBeGreaterThan(0);

    c.mark('fault');
    feeds[0]?.stop();
    const detectedAt = await c.event(E.HeartbeatTimeout, 'fault');
    const reconnectedAt = await c.status(S.Connected, 'fault');
    const detectMs = c.since('fault', detectedAt);
    expect(detectMs).toBeGreaterThanOrEqual(150);
    expect(detectMs).toBeLessThan(3000);
    expect(c.eventSequence().slice(c.eventSequence().indexOf(E.HeartbeatTimeout))).toEqual([
      E.HeartbeatTimeout,
      E.Disconnected,
      E.ReconnectAttempt,
      E.ReconnectSuccess,
    ]);

    const result = await c.finish({
      detectMs,
      recoverMs: c.since('fault', reconnectedAt),
      sent: 0,
      delivered: 0,
      rejected: {},
      lost: 0,
      subscriptions: 'replayed on the new connection (the feed restarted there)',
      notes:
        `alive for 1 s on data alone, packetLossRate ${quality.packetLossRate.toFixed(2)} after it; ` +
        'detect = data stopped → HeartbeatTimeout; recover = data stopped → Connected on a new socket',
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

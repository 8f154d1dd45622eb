import WebSocket from 'ws';
import { ConnectionEventType as E, ConnectionStatus as S } from '../../src/index';
import { waitFor } from '../support/testServer';
import { startRecordingServer } from './support/recordingServer';
import { ReliabilityCase, outboundOf } from './support/reliabilityCase';

// Case 1: the server closes the link cleanly (1000), going away (1001), or abnormally (socket
// destroyed, the client sees 1006). spec/integration/connect.spec.ts already pins the event types
// and the close code in the event; here: time to detect and to recover, messages sent in the
// window between the close and the reconnect, and the subscription replay.

const SUBSCRIBE = '{"op":"subscribe","channel":"trades"}';

describe('reliability 1: the server closes the link', () => {
  let c: ReliabilityCase | undefined;
  afterEach(async () => c?.dispose());

  describe.each([
    ['a', 1000, 'cleanly', (socket: WebSocket) => socket.close(1000, 'bye')],
    ['b', 1001, 'going away', (socket: WebSocket) => socket.close(1001, 'restart')],
    ['c', 1006, 'abnormally (socket destroyed)', (socket: WebSocket) => socket.terminate()],
  ])('%s: %s %s', (letter, code, how, closeIt) => {
    it('should detect it at once, reconnect after initialDelay, replay the subscription, then deliver the messages sent while down exactly once, in order', async () => {
      c = new ReliabilityCase(`01${letter}-close-${code}`, `1 server closes ${how} (${code})`);
      const server = c.own(await startRecordingServer());
      const link = c.connect({ url: server.url, subscriptions: [{ op: 'subscribe', channel: 'trades' }] });
      const messages = [1, 2, 3].map((n) => ({ order: n, case: code }));
      // Sent from the status callback itself, so they go in the window the link is down.
      link.status$.subscribe((status) => {
        if (status === S.Disconnected && c?.sends.length === 0) for (const m of messages) c.send(m);
      });
      await c.status(S.Connected);
      await waitFor(() => server.log.count(SUBSCRIBE) === 1, 3000, 'the subscription');
      const first = server.log.latest?.socket as WebSocket;

      c.mark('fault');
      closeIt(first);
      const detectedAt = await c.status(S.Disconnected, 'fault');
      expect(link.snapshot().queued).toBe(3);
      const recoveredAt = await c.status(S.Connected, 'fault');
      await c.settled();
      await waitFor(() => server.log.connections[1]?.messages.length === 4, 3000, 'the replay and the queue');

      expect(server.log.connections.map((conn) => conn.messages)).toEqual([
        [SUBSCRIBE],
        [SUBSCRIBE, ...messages.map((m) => JSON.stringify(m))],
      ]);
      expect(server.log.connections[0]?.closeCode).toBe(code);
      expect(c.statusSequence()).toEqual([S.Connecting, S.Connected, S.Disconnected, S.Reconnecting, S.Connected]);
      expect(c.eventSequence()).toEqual([E.Connected, E.Disconnected, E.ReconnectAttempt, E.ReconnectSuccess]);
      expect(c.eventsOf(E.Disconnected)[0]?.errorMessage).toContain(String(code));
      const account = c.account(server.log.messages);
      expect(account).toMatchObject({ sent: 3, delivered: 3, missing: [], duplicated: [], pending: [] });
      const detectMs = c.since('fault', detectedAt);
      const recoverMs = c.since('fault', recoveredAt);
      // Generous: the close frame (or the RST) crosses loopback at once; the retry waits initialDelay (50 ms).
      expect(detectMs).toBeLessThan(1000);
      expect(recoverMs).toBeGreaterThanOrEqual(40);
      expect(recoverMs).toBeLessThan(2000);

      const result = await c.finish({
        detectMs,
        recoverMs,
        ...outboundOf(account),
        outbound: '3 sent while down: queued, then delivered once, in order, after the replayed subscription',
        subscriptions: 'replayed first on the new connection',
      });
      expect(result.leak).toEqual({ total: 0, byType: {} });
    });
  });
});

import WebSocket from 'ws';
import { ConnectionEventType as E, ConnectionStatus as S } from '../../src/index';
import { waitFor } from '../support/testServer';
import { startRecordingServer } from './support/recordingServer';
import { ReliabilityCase, outboundOf } from './support/reliabilityCase';

// Case 10: bad inbound data.
//
// - Malformed JSON (with the default JSON codec): an ErrorOccurred event naming the parse error, the
//   frame is dropped, the link stays up and later messages are delivered. Not a reason to reconnect:
//   the next frame is as likely to be fine, and a reconnect would replay into the same server bug.
// - A message over maxPayload: `ws` refuses to buffer it and closes the link with 1009 (message too
//   big), which the server sees; the client reports Disconnected with code 1009 and reconnects,
//   replaying the subscription and the queue as for any other drop.

const SUBSCRIBE = '{"op":"subscribe","channel":"trades"}';
const subscriptions = [{ op: 'subscribe', channel: 'trades' }];

describe('reliability 10: bad inbound data', () => {
  let c: ReliabilityCase | undefined;
  afterEach(async () => c?.dispose());

  it('a: malformed JSON: should raise ErrorOccurred, drop the frame, and keep the link and the next messages', async () => {
    c = new ReliabilityCase('10a-malformed-json', '10a malformed JSON inbound');
    const server = c.own(await startRecordingServer());
    const received: unknown[] = [];
    const link = c.connect({ url: server.url, subscriptions });
    link.messages$.subscribe((m) => received.push(m));
    await c.status(S.Connected);
    await waitFor(() => server.log.count(SUBSCRIBE) === 1, 3000, 'the subscription');

    c.mark('fault');
    const socket = server.log.latest?.socket as WebSocket;
    socket.send('{"channel":"trades","px":');
    socket.send('not json at all');
    socket.send('{"channel":"trades","px":"67000.5"}');
    const detectedAt = await c.event(E.ErrorOccurred, 'fault');
    await waitFor(() => received.length === 1, 3000, 'the good message');
    const sent = c.send({ order: 'after bad input' });
    await c.settled();
    await waitFor(() => server.log.messages.length === 2, 3000, 'the order');

    expect(received).toEqual([{ channel: 'trades', px: '67000.5' }]);
    const errors = c.eventsOf(E.ErrorOccurred);
    expect(errors).toHaveLength(2);
    expect(errors.every((e) => /^malformed inbound message: /.test(e.errorMessage ?? ''))).toBe(true);
    expect(server.log.connections).toHaveLength(1);
    expect(c.statusSequence()).toEqual([S.Connecting, S.Connected]);
    expect(sent.outcome).toBe('resolved');
    const account = c.account(server.log.messages);

    const result = await c.finish({
      detectMs: c.since('fault', detectedAt),
      ...outboundOf(account),
      outbound: '1 sent after the bad frames: delivered on the same connection',
      subscriptions: 'untouched (no reconnect)',
      notes: `2 malformed frames → 2 ErrorOccurred ("${errors[0]?.errorMessage}"), no crash, no reconnect`,
    });
    expect(result.leaked).toBe(0);
  });

  it('b: a message over maxPayload: should close with 1009, report it, reconnect and replay', async () => {
    c = new ReliabilityCase('10b-oversize-1009', '10b message over maxPayload (1009)');
    const server = c.own(await startRecordingServer());
    const link = c.connect({ url: server.url, subscriptions, maxPayload: 1024 });
    link.status$.subscribe((status) => {
      if (status === S.Disconnected && c?.sends.length === 0) c.send({ order: 'while down' });
    });
    await c.status(S.Connected);
    await waitFor(() => server.log.count(SUBSCRIBE) === 1, 3000, 'the subscription');

    c.mark('fault');
    (server.log.latest?.socket as WebSocket).send(JSON.stringify({ channel: 'book', pad: 'x'.repeat(2048) }));
    const detectedAt = await c.status(S.Disconnected, 'fault');
    const recoveredAt = await c.status(S.Connected, 'fault');
    await c.settled();
    await waitFor(() => server.log.connections[1]?.messages.length === 2, 3000, 'the replay and the queue');
    await waitFor(() => server.log.connections[0]?.closed === true, 3000, 'the server to see the close');

    expect(server.log.connections[0]?.closeCode).toBe(1009);
    const disconnected = c.eventsOf(E.Disconnected)[0];
    expect(disconnected?.errorMessage).toMatch(/max payload size exceeded/i);
    expect(server.log.connections[1]?.messages).toEqual([SUBSCRIBE, c.sends[0]?.wire]);
    expect(c.statusSequence()).toEqual([S.Connecting, S.Connected, S.Disconnected, S.Reconnecting, S.Connected]);
    expect(c.eventSequence()).toEqual([E.Connected, E.Disconnected, E.ReconnectAttempt, E.ReconnectSuccess]);
    const account = c.account(server.log.messages);

    const result = await c.finish({
      detectMs: c.since('fault', detectedAt),
      recoverMs: c.since('fault', recoveredAt),
      ...outboundOf(account),
      outbound: '1 sent while down: delivered once after the replayed subscription',
      subscriptions: 'replayed first on the new connection',
      notes: `server saw close 1009; event: "${disconnected?.errorMessage}"`,
    });
    expect(result.leaked).toBe(0);
  });
});

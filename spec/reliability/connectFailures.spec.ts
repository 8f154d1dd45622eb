import net from 'node:net';
import { ConnectionEventType as E, ConnectionStatus as S, TransportError, defaultShouldRetry } from '../../src/index';
import { waitFor } from '../support/testServer';
import { startRecordingServer } from './support/recordingServer';
import { ReliabilityCase, outboundOf } from './support/reliabilityCase';
import { selfSignedCert } from './support/selfSignedCert';
import { startUpgradeServer } from './support/upgradeServer';

// Case 7: the first connection cannot be made.
//
// - Refused (nothing listens yet): retried on the backoff schedule; the link comes up when the
//   server does, and what was sent before the first open goes out after the subscriptions.
// - DNS failure: a `.invalid` host, which RFC 6761 guarantees never resolves; no real name is used.
//   Retried like any network failure (a resolver hiccup, EAI_AGAIN, is transient) within the
//   bounded budget, then Failed.
// - TLS: wss:// to a self-signed local server (https.createServer + WebSocketServer, 127.0.0.1),
//   certificate made with openssl at test time. Without its CA the connect fails with the
//   certificate error in the event. DECISION: a certificate error is retried within the retry
//   budget like any other transport failure, not treated like a 401: behind a load balancer one node
//   with a bad or expiring certificate, a rotation in progress, or an intercepting middlebox that
//   comes and goes are transient, and the budget bounds the cost (then Failed, the gate closed).
//   The error carries `details.errno` (e.g. DEPTH_ZERO_SELF_SIGNED_CERT), so a bot that prefers to
//   fail fast passes a `shouldRetry` that refuses it — shown below. With `tls: { ca }` it connects.

const SUBSCRIBE = '{"op":"subscribe","channel":"trades"}';
const subscriptions = [{ op: 'subscribe', channel: 'trades' }];

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('reliability 7: the first connection cannot be made', () => {
  let c: ReliabilityCase | undefined;
  afterEach(async () => c?.dispose());

  it('a: refused at start: should retry, connect when the server comes up, and send the subscription then what was sent before', async () => {
    c = new ReliabilityCase('07a-refused-at-start', '7a connection refused at start');
    const port = await freePort();
    c.mark('fault');
    const link = c.connect({ url: `ws://127.0.0.1:${port}`, subscriptions, maxAttempts: 20 });
    const early = [c.send({ order: 1 }), c.send({ order: 2 })];
    const detectedAt = await c.event(E.ErrorOccurred, 'fault');
    expect(c.eventsOf(E.ErrorOccurred)[0]).toMatchObject({
      description: 'initial connection failed',
      errorMessage: expect.stringMatching(/ECONNREFUSED/),
    });
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(link.snapshot().status).toBe(S.Reconnecting);

    c.mark('restored');
    const server = c.own(await startRecordingServer({ port }));
    const recoveredAt = await c.status(S.Connected, 'restored');
    await c.settled();
    await waitFor(() => server.log.messages.length === 3, 3000, 'the subscription and the early messages');

    expect(server.log.messages).toEqual([SUBSCRIBE, ...early.map((s) => s.wire)]);
    expect(c.statusSequence().slice(0, 2)).toEqual([S.Connecting, S.Reconnecting]);
    expect(c.statusSequence()[c.statusSequence().length - 1]).toBe(S.Connected);
    expect(c.eventSequence()).toContain(E.ReconnectSuccess);
    const account = c.account(server.log.messages);

    const result = await c.finish({
      detectMs: c.since('fault', detectedAt),
      recoverMs: c.since('restored', recoveredAt),
      ...outboundOf(account),
      outbound: '2 sent before the first open: delivered once, in order, after the subscription',
      subscriptions: 'sent first on the first connection',
      notes: 'detect = connect() → ErrorOccurred (ECONNREFUSED); recover = server up → Connected',
    });
    expect(result.leaked).toBe(0);
  });

  it('b: DNS failure (.invalid): should report the resolver error, retry within the budget, then fail', async () => {
    c = new ReliabilityCase('07b-dns-invalid', '7b DNS failure (.invalid host)');
    c.mark('fault');
    const link = c.connect({ url: 'ws://lifeline-reliability-case.invalid:8080/ws', maxAttempts: 1 });
    const queued = c.send({ order: 1 });
    const detectedAt = await c.event(E.ErrorOccurred, 'fault');
    const failedAt = await c.status(S.Failed, 'fault');

    expect(c.eventsOf(E.ErrorOccurred)[0]?.errorMessage).toMatch(/ENOTFOUND|EAI_AGAIN/);
    expect(c.eventSequence()).toEqual([E.ErrorOccurred, E.ReconnectAttempt, E.ReconnectFailed, E.ErrorOccurred]);
    expect(c.statusSequence()).toEqual([S.Connecting, S.Reconnecting, S.Failed]);
    expect(link.snapshot().queued).toBe(1);
    const detectMs = c.since('fault', detectedAt);

    const result = await c.finish({
      detectMs,
      sent: 1,
      delivered: 0,
      rejected: {},
      lost: 0,
      outbound: '1 queued: rejected (closed) when the handle was closed; nothing was ever written',
      notes: `retried once (maxAttempts 1), Failed ${c.since('fault', failedAt)} ms after connect()`,
    });
    expect(queued).toMatchObject({ outcome: 'rejected', reason: 'closed' });
    expect(result.leaked).toBe(0);
  });

  describe('c: TLS to a self-signed local server', () => {
    it('should fail with the certificate error without its CA, retried within the budget, and connect with it', async () => {
      c = new ReliabilityCase('07c-tls-self-signed', '7c wss: self-signed, no CA → with CA');
      const pair = selfSignedCert();
      const server = c.own(await startUpgradeServer({ kind: 'accept' }, pair));
      const errors: unknown[] = [];
      c.mark('fault');
      const untrusting = c.connect({
        url: server.url,
        maxAttempts: 1,
        shouldRetry: (error) => {
          errors.push(error);
          return defaultShouldRetry(error);
        },
      });
      const detectedAt = await c.event(E.ErrorOccurred, 'fault');
      await c.status(S.Failed, 'fault');
      expect(c.eventsOf(E.ErrorOccurred)[0]?.errorMessage).toMatch(/self[- ]signed certificate/);
      expect(errors[0]).toBeInstanceOf(TransportError);
      expect((errors[0] as TransportError).details.errno).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
      expect(c.eventSequence()).toEqual([E.ErrorOccurred, E.ReconnectAttempt, E.ReconnectFailed, E.ErrorOccurred]);
      expect(server.log.connections).toHaveLength(0);
      // Two TLS handshakes reached the server, no upgrade did.
      expect(server.requests).toBe(0);
      const failedStatuses = c.statusSequence();
      await untrusting.close();

      c.mark('restored');
      const trusting = c.connect({ url: server.url, tls: { ca: pair.cert } });
      const recoveredAt = await c.status(S.Connected, 'restored');
      c.send({ order: 'over tls' });
      await c.settled();
      await waitFor(() => server.log.messages.length === 1, 3000, 'the message over TLS');
      expect(trusting.snapshot().status).toBe(S.Connected);
      const account = c.account(server.log.messages);
      expect(account).toMatchObject({ sent: 1, delivered: 1 });

      const result = await c.finish({
        detectMs: c.since('fault', detectedAt),
        recoverMs: c.since('restored', recoveredAt),
        ...outboundOf(account),
        subscriptions: '—',
        notes:
          `certificate from ${pair.source}; without ca: ${failedStatuses.join(' → ')} (errno DEPTH_ZERO_SELF_SIGNED_CERT, retried); ` +
          'recover = a handle with tls: { ca } → Connected',
      });
      expect(result.leaked).toBe(0);
    });

    it('should fail fast on a certificate error when shouldRetry says so', async () => {
      c = new ReliabilityCase('07d-tls-fail-fast', '7d wss: certificate error, shouldRetry refuses it');
      const server = c.own(await startUpgradeServer({ kind: 'accept' }, selfSignedCert()));
      const certificateError = (error: unknown): boolean =>
        error instanceof TransportError && /CERT|SELF_SIGNED/.test(error.details.errno ?? '');
      c.mark('fault');
      c.connect({
        url: server.url,
        shouldRetry: (error) => !certificateError(error) && defaultShouldRetry(error),
      });
      const failedAt = await c.status(S.Failed, 'fault');
      await new Promise((resolve) => setTimeout(resolve, 200));

      expect(c.statusSequence()).toEqual([S.Connecting, S.Failed]);
      expect(c.eventSequence()).toEqual([E.ErrorOccurred, E.ErrorOccurred]);
      expect(c.eventsOf(E.ErrorOccurred)[1]?.description).toMatch(/without a retry|after 0 retries/);
      const result = await c.finish({
        detectMs: c.since('fault', failedAt),
        sent: 0,
        delivered: 0,
        rejected: {},
        lost: 0,
        notes: 'Failed after the first try, no retry',
      });
      expect(result.leaked).toBe(0);
    });
  });
});

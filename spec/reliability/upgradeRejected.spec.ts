import { performance } from 'node:perf_hooks';
import { ConnectionEventType as E, ConnectionStatus as S, TransportError } from '../../src/index';
import { waitFor } from '../support/testServer';
import { ReliabilityCase, outboundOf } from './support/reliabilityCase';
import { startUpgradeServer } from './support/upgradeServer';

// Case 8: the server answers the upgrade with an HTTP error instead of 101. The default policy
// (defaultShouldRetry) does not retry 400, 401, 403 or 404 — credentials do not fix themselves, and
// hammering an exchange with bad keys is how they get banned — but retries everything else, 503
// (maintenance) included. After a 401 the link is Failed at once; the recovery probe, if enabled,
// then tries once per recoveryInterval (default 5 min), never at backoff speed.

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const SUBSCRIBE = '{"op":"subscribe","channel":"trades"}';

describe('reliability 8: the upgrade is rejected', () => {
  let c: ReliabilityCase | undefined;
  afterEach(async () => c?.dispose());

  it('a: 401: should report it and end Failed after a single request, without retrying', async () => {
    c = new ReliabilityCase('08a-upgrade-401', '8a upgrade rejected 401');
    const server = c.own(await startUpgradeServer({ kind: 'reject', status: 401 }));
    const errors: unknown[] = [];
    c.mark('fault');
    const link = c.connect({ url: server.url, maxAttempts: 5 });
    link.events$.subscribe(() => errors.push(link.snapshot().state.lastError));
    const queued = c.send({ order: 1 });
    const detectedAt = await c.event(E.ErrorOccurred, 'fault');
    await c.status(S.Failed, 'fault');
    await sleep(500);

    expect(server.requests).toBe(1);
    expect(c.statusSequence()).toEqual([S.Connecting, S.Failed]);
    expect(c.eventSequence()).toEqual([E.ErrorOccurred, E.ErrorOccurred]);
    expect(c.eventsOf(E.ErrorOccurred).map((e) => e.errorMessage)).toEqual([
      'upgrade rejected: HTTP 401',
      'upgrade rejected: HTTP 401',
    ]);
    expect(link.snapshot().queued).toBe(1);

    const result = await c.finish({
      detectMs: c.since('fault', detectedAt),
      sent: 1,
      delivered: 0,
      rejected: {},
      lost: 0,
      outbound: '1 queued while Failed: rejected (closed) at close(), never written',
      notes: '1 upgrade request in 500 ms after Failed (recoveryInterval Infinity)',
    });
    expect(queued).toMatchObject({ outcome: 'rejected', reason: 'closed' });
    expect(result.leaked).toBe(0);
  });

  it('a: 401 with a recovery probe: should try once per recoveryInterval, not at backoff speed', async () => {
    c = new ReliabilityCase('08b-upgrade-401-probe', '8b upgrade rejected 401, recovery probe 200 ms');
    const requestTimes: number[] = [];
    const server = c.own(
      await startUpgradeServer(() => {
        requestTimes.push(performance.now());
        return { kind: 'reject', status: 401 };
      }),
    );
    const link = c.connect({ url: server.url, maxAttempts: 5, recoveryInterval: 200 });
    await sleep(1000);

    // 1 at start, then one per 200 ms: about 5 in a second, never the 6 of a full retry cycle at once.
    expect(server.requests).toBeGreaterThanOrEqual(2);
    expect(server.requests).toBeLessThanOrEqual(7);
    const gaps = requestTimes.slice(1).map((t, i) => t - (requestTimes[i] as number));
    expect(gaps.every((gap) => gap >= 150)).toBe(true);
    expect(link.snapshot().status).not.toBe(S.Connected);

    const result = await c.finish({
      sent: 0,
      delivered: 0,
      rejected: {},
      lost: 0,
      notes: `${server.requests} upgrade requests in 1 s, gaps ${gaps.map(Math.round).join('/')} ms`,
    });
    expect(result.leaked).toBe(0);
  });

  it('b: 503: should retry, and connect once the server accepts again, with the subscription and the queue', async () => {
    c = new ReliabilityCase('08c-upgrade-503', '8c upgrade rejected 503 (×2), then accepted');
    const server = c.own(await startUpgradeServer({ kind: 'reject', status: 503 }));
    const retried: unknown[] = [];
    c.mark('fault');
    c.connect({
      url: server.url,
      maxAttempts: 5,
      subscriptions: [{ op: 'subscribe', channel: 'trades' }],
      shouldRetry: (error) => {
        retried.push(error);
        return true;
      },
    });
    const queued = [c.send({ order: 1 }), c.send({ order: 2 })];
    const detectedAt = await c.event(E.ErrorOccurred, 'fault');
    await waitFor(() => server.requests >= 2, 3000, 'a retried request');
    c.mark('restored');
    server.policy = { kind: 'accept' };
    const recoveredAt = await c.status(S.Connected, 'restored');
    await c.settled();
    await waitFor(() => server.log.messages.length === 3, 3000, 'the subscription and the queue');

    expect(server.log.messages).toEqual([SUBSCRIBE, ...queued.map((s) => s.wire)]);
    expect(retried.length).toBeGreaterThanOrEqual(2);
    expect((retried[0] as TransportError).details.httpStatus).toBe(503);
    expect(c.eventsOf(E.ErrorOccurred)[0]?.errorMessage).toBe('upgrade rejected: HTTP 503');
    expect(c.eventsOf(E.ReconnectFailed).every((e) => e.errorMessage === 'upgrade rejected: HTTP 503')).toBe(true);
    expect(c.eventSequence()).toContain(E.ReconnectSuccess);
    expect(c.statusSequence()).not.toContain(S.Failed);
    const account = c.account(server.log.messages);

    const result = await c.finish({
      detectMs: c.since('fault', detectedAt),
      recoverMs: c.since('restored', recoveredAt),
      ...outboundOf(account),
      outbound: '2 sent before the first open: delivered once, in order, after the subscription',
      subscriptions: 'sent first on the first connection',
      notes: `${server.requests} upgrade requests; recover = server accepts again → Connected`,
    });
    expect(result.leaked).toBe(0);
  });
});

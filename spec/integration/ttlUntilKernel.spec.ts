import { Socket } from 'node:net';
import { Connection, ConnectionStatus as S, SendError, connect } from '../../src/index';
import { TestServer, startTestServer, waitFor } from '../support/testServer';

// Issue 10, contract 2, on a real socket (127.0.0.1): while the server does not read, the kernel's
// buffers fill, then ws's buffer passes the high-water mark and lifeline keeps later sends in its own
// queue, under their ttl. One that expires there is rejected with SendError('expired') and never
// reaches the server, even once it reads again; one that does not goes out after the frames before it.
// spec/streams/outbound/ttlUntilKernel.spec.ts pins the rules in virtual time.

const bulk = (n: number): { n: number; pad: string } => ({ n, pad: 'x'.repeat(64 * 1024) });

describe('the ttl runs until the kernel takes the bytes (real ws server on 127.0.0.1)', () => {
  let server: TestServer | undefined;
  let link: Connection | undefined;

  afterEach(async () => {
    await link?.close();
    await server?.close();
    server = undefined;
    link = undefined;
  });

  it('should hold sends in its own queue over the high-water mark and expire them there, unwritten', async () => {
    const raw: Socket[] = [];
    const received: string[] = [];
    server = await startTestServer({
      onConnection: (socket, request) => {
        raw.push(request.socket as Socket);
        socket.on('message', (data) => received.push(data.toString()));
      },
    });
    link = connect({ url: server.url, heartbeatInterval: 1000, heartbeatTimeout: 10_000 });
    await waitFor(() => link?.snapshot().state.ready === true && raw.length === 1, 3000, 'ready');
    (raw[0] as Socket).pause();

    // Bulk frames until lifeline itself holds some for good: the kernel's buffers and ws's are full.
    // (It holds some earlier too, while the kernel's backlog is over the mark, but the server's kernel
    // still takes bytes then: those go out within milliseconds.)
    const bulkSends: Array<Promise<void>> = [];
    const holdsFor = async (ms: number): Promise<boolean> => {
      if (link?.snapshot().queued === 0) return false;
      await new Promise((resolve) => setTimeout(resolve, ms));
      return (link?.snapshot().queued ?? 0) > 0;
    };
    for (let n = 1; n <= 500 && !(await holdsFor(200)); n++) {
      bulkSends.push(link.send(bulk(n), { ttl: '30s' }));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(link.snapshot().queued).toBeGreaterThan(0);
    expect(link.snapshot().status).toBe(S.Connected);

    const started = Date.now();
    const expiring = link.send({ order: 'expiring' }, { ttl: '300ms' });
    const kept = link.send({ order: 'kept' }, { ttl: '30s' });
    await expect(expiring).rejects.toMatchObject({ reason: 'expired' } satisfies Partial<SendError>);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);

    (raw[0] as Socket).resume();
    await kept;
    await Promise.all(bulkSends);
    await waitFor(() => received.includes('{"order":"kept"}'), 5000, 'the kept order on the server');
    expect(received).not.toContain('{"order":"expiring"}');
    // In order: every bulk frame, then the order that waited behind them.
    expect(received.slice(0, -1).map((m) => (JSON.parse(m) as { n: number }).n)).toEqual(
      bulkSends.map((_, i) => i + 1),
    );
    expect(received[received.length - 1]).toBe('{"order":"kept"}');
  });
});

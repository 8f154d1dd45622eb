import http from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { ignoreElements, lastValueFrom } from 'rxjs';
import { ConnectionStatus, TransportError, connect, defaultShouldRetry, webSocketTransport } from '../../src/index';
import { TestServer, startTestServer, waitFor } from '../support/testServer';

// What the transport reports comes from ws's public surface: the HTTP status and Retry-After of a
// rejected upgrade from 'unexpected-response', the close code from 'close' or, when ws fails the
// connection itself, from the documented code of its 'error'.

/** An HTTP server on 127.0.0.1 that answers every upgrade with `head` (status line and headers). */
async function startRejectingServer(head: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer();
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (_request, socket: Socket) => {
    socket.end(`${head}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function failureOf(url: string, options: { maxPayload?: number } = {}): Promise<TransportError> {
  const transport = webSocketTransport({ url, ...options });
  try {
    await lastValueFrom(transport.connect().pipe(ignoreElements()), { defaultValue: undefined });
  } catch (error) {
    await transport.drain?.();
    if (error instanceof TransportError) return error;
    throw error;
  }
  throw new Error('expected the connection to fail');
}

describe('webSocketTransport', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  describe('when the server rejects the upgrade', () => {
    it('should carry the status and a delta-seconds Retry-After (429)', async () => {
      const server = await startRejectingServer('HTTP/1.1 429 Too Many Requests\r\nRetry-After: 30');
      close = server.close;
      const error = await failureOf(server.url);

      expect(error.message).toBe('upgrade rejected: HTTP 429, retry after 30000 ms');
      expect(error.details).toEqual({ httpStatus: 429, retryAfterMs: 30_000 });
    });

    it("should resolve an HTTP-date Retry-After against the response's own Date header (503)", async () => {
      // The server's clock is a day behind ours: its Date header, not our clock, says 45 s.
      const server = await startRejectingServer(
        'HTTP/1.1 503 Service Unavailable\r\nDate: Tue, 20 Oct 2026 07:28:00 GMT\r\nRetry-After: Tue, 20 Oct 2026 07:28:45 GMT',
      );
      close = server.close;
      const error = await failureOf(server.url);

      expect(error.details).toEqual({ httpStatus: 503, retryAfterMs: 45_000 });
    });

    it('should carry the status alone when there is no Retry-After', async () => {
      const server = await startRejectingServer('HTTP/1.1 429 Too Many Requests');
      close = server.close;
      const error = await failureOf(server.url);

      expect(error.message).toBe('upgrade rejected: HTTP 429');
      expect(error.details).toEqual({ httpStatus: 429 });
    });

    it('should ignore a Retry-After that is not valid', async () => {
      const server = await startRejectingServer('HTTP/1.1 503 Service Unavailable\r\nRetry-After: soon');
      close = server.close;
      const error = await failureOf(server.url);

      expect(error.details).toEqual({ httpStatus: 503 });
    });

    it("should hand connect()'s shouldRetry the status and the server's wait; a 429 is retried by default", async () => {
      const server = await startRejectingServer('HTTP/1.1 429 Too Many Requests\r\nRetry-After: 2');
      close = server.close;
      const seen: unknown[] = [];
      const link = connect({
        url: server.url,
        initialDelay: 10,
        maxAttempts: 2,
        jitter: 'none',
        recoveryInterval: 'Infinity',
        shouldRetry: (error, attempt) => {
          seen.push(error);
          return attempt <= 2;
        },
      });
      try {
        await waitFor(() => link.snapshot().status === ConnectionStatus.Failed, 5000, 'Failed');
      } finally {
        await link.close();
      }
      expect(seen.length).toBeGreaterThanOrEqual(2);
      expect((seen[0] as TransportError).details).toEqual({ httpStatus: 429, retryAfterMs: 2000 });
      expect(defaultShouldRetry(seen[0])).toBe(true);
      expect(link.snapshot().state.lastError).toBe('upgrade rejected: HTTP 429, retry after 2000 ms');
    });

    it('should keep the exact message for a plain 401', async () => {
      const server = await startRejectingServer('HTTP/1.1 401 Unauthorized');
      close = server.close;

      expect((await failureOf(server.url)).message).toBe('upgrade rejected: HTTP 401');
    });
  });

  describe('when the socket closes', () => {
    let server: TestServer;
    beforeEach(async () => {
      server = await startTestServer();
      close = () => server.close();
    });

    it('should give a message over maxPayload the close code ws sent for it (1009)', async () => {
      server.wss.on('connection', (socket) => socket.send('x'.repeat(2048)));
      const error = await failureOf(server.url, { maxPayload: 1024 });

      expect(error.message).toMatch(/max payload size exceeded/i);
      expect(error.details).toEqual({ errno: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH', closeCode: 1009 });
    });

    it('should report the close code and reason the server sent', async () => {
      server.wss.on('connection', (socket) => setImmediate(() => socket.close(4001, 'session expired')));
      const error = await failureOf(server.url);

      expect(error.message).toBe('connection closed: 4001 closed (session expired)');
      expect(error.details).toEqual({ closeCode: 4001, closeReason: 'session expired' });
    });
  });

  it('should give a refused connection its errno and no close code', async () => {
    const server = await startRejectingServer('HTTP/1.1 500 Internal Server Error');
    await server.close();
    const error = await failureOf(server.url);

    expect(error.details).toEqual({ errno: 'ECONNREFUSED' });
  });
});

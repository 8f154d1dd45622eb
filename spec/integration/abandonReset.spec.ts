import { Socket } from 'node:net';
import { Subscription } from 'rxjs';
import WebSocket from 'ws';
import {
  Connection,
  ConnectOptions,
  ConnectionStatus as S,
  TransportConnection,
  connect,
  webSocketTransport,
} from '../../src/index';
import { TestServer, startTestServer, waitFor } from '../support/testServer';

// Issue 10, contract 1, on real sockets (127.0.0.1): a socket lifeline abandons is reset
// (`net.Socket#resetAndDestroy()`), so the server sees ECONNRESET rather than a close, and bytes the
// client side still held — in ws's buffer or in the kernel's send queue, waiting for the peer — are
// dropped instead of arriving later. A clean close() of a healthy link still closes with 1000 and
// delivers everything written before it. The marble specs (spec/streams/outbound/abandon.spec.ts)
// pin *when* lifeline abandons a socket; this spec pins what abandoning does.

/** What the server saw of one connection: its raw TCP socket's error, the close code, the messages. */
interface ServerSide {
  readonly raw: Socket;
  readonly messages: string[];
  error?: string;
  closeCode?: number;
  closed: boolean;
}

/** A test server that records, per connection, the TCP error, the WebSocket close code and the messages. */
async function startWatchedServer(options: { autoPong?: boolean } = {}): Promise<{
  server: TestServer;
  sides: ServerSide[];
}> {
  const sides: ServerSide[] = [];
  const server = await startTestServer({
    ...options,
    onConnection: (socket: WebSocket, request) => {
      const side: ServerSide = { raw: request.socket as Socket, messages: [], closed: false };
      sides.push(side);
      side.raw.on('error', (error: Error & { code?: string }) => (side.error = error.code));
      socket.on('message', (data) => side.messages.push(data.toString()));
      socket.on('close', (code) => {
        side.closeCode = code;
        side.closed = true;
      });
    },
  });
  return { server, sides };
}

/** Fast settings: every step plays out in well under a second of real time. */
const fast: Partial<ConnectOptions> = {
  heartbeatInterval: 1000,
  heartbeatTimeout: 5000,
  initialDelay: 50,
  maxDelay: 400,
  jitter: 'none',
  recoveryInterval: 'Infinity',
};

describe('abandoning a socket resets it (real ws server on 127.0.0.1)', () => {
  let server: TestServer | undefined;
  let link: Connection | undefined;
  let opened: Subscription | undefined;
  let transport: ReturnType<typeof webSocketTransport> | undefined;

  afterEach(async () => {
    opened?.unsubscribe();
    await transport?.drain?.();
    await link?.close();
    await server?.close();
    server = undefined;
    link = undefined;
    opened = undefined;
    transport = undefined;
  });

  describe('through connect()', () => {
    it('should reset the socket on reconnect(): the server sees ECONNRESET and no close frame', async () => {
      const watched = await startWatchedServer();
      server = watched.server;
      link = connect({ url: server.url, ...fast });
      await waitFor(() => link?.snapshot().status === S.Connected, 3000, 'Connected');
      link.reconnect();
      await waitFor(() => watched.sides[0]?.closed === true, 3000, 'the old socket to end on the server');
      expect(watched.sides[0]).toMatchObject({ error: 'ECONNRESET', closeCode: 1006 });
      await waitFor(() => link?.snapshot().status === S.Connected && watched.sides.length === 2, 3000, 'a new socket');
    });

    it('should close a healthy link cleanly on close(): code 1000, no reset, every message delivered', async () => {
      const watched = await startWatchedServer();
      server = watched.server;
      link = connect({ url: server.url, ...fast });
      await waitFor(() => link?.snapshot().status === S.Connected, 3000, 'Connected');
      await link.send({ order: 1 });
      await link.close();
      await waitFor(() => watched.sides[0]?.closed === true, 3000, 'the socket to end on the server');
      expect(watched.sides[0]).toMatchObject({ closeCode: 1000, messages: ['{"order":1}'] });
      expect(watched.sides[0]?.error).toBeUndefined();
    });

    it('should reset the socket on close() when its pings go unanswered (outbound unconfirmed)', async () => {
      const watched = await startWatchedServer({ autoPong: false });
      server = watched.server;
      link = connect({ url: server.url, ...fast, pongTimeout: 100 });
      await waitFor(() => link?.snapshot().state.outbound === 'unconfirmed', 3000, 'the outbound path unconfirmed');
      await link.close();
      await waitFor(() => watched.sides[0]?.closed === true, 3000, 'the socket to end on the server');
      expect(watched.sides[0]).toMatchObject({ error: 'ECONNRESET', closeCode: 1006 });
    });
  });

  describe('the transport', () => {
    /** 64 KiB frames, numbered: `{"n":7,"pad":"xxxx…"}`. */
    const frameOf = (n: number): string => JSON.stringify({ n, pad: 'x'.repeat(64 * 1024 - 24) });
    const FRAMES = 100;

    /**
     * Opens a socket to a server that has stopped reading it, writes FRAMES frames and a last order
     * (far more than the loopback's kernel buffers take), and says which writes the kernel took.
     */
    async function writeIntoStalledServer(): Promise<{
      side: ServerSide;
      connection: TransportConnection;
      taken: () => number;
      failed: () => number;
    }> {
      const watched = await startWatchedServer();
      server = watched.server;
      transport = webSocketTransport({ url: server.url });
      let connection: TransportConnection | undefined;
      opened = transport.connect().subscribe({ next: (c) => (connection = c), error: () => undefined });
      await waitFor(() => connection !== undefined && watched.sides.length === 1, 3000, 'the socket');
      const side = watched.sides[0] as ServerSide;
      side.raw.pause();
      let taken = 0;
      let failed = 0;
      const done = (error?: Error): void => void (error ? failed++ : taken++);
      for (let n = 1; n <= FRAMES; n++) (connection as TransportConnection).send(frameOf(n), done);
      (connection as TransportConnection).send('{"order":"last"}', done);
      // Let the kernel take what it can: the server's receive buffer and our send queue fill up.
      await waitFor(() => taken > 0, 3000, 'the kernel to take some frames');
      await new Promise((resolve) => setTimeout(resolve, 100));
      return { side, connection: connection as TransportConnection, taken: () => taken, failed: () => failed };
    }

    it('should drop on abort() what the client still held, even bytes the kernel had taken, so nothing arrives later', async () => {
      const { side, connection, taken, failed } = await writeIntoStalledServer();
      const takenBeforeAbort = taken();
      expect(takenBeforeAbort).toBeLessThan(FRAMES);
      expect(connection.bufferedAmount).toBeGreaterThan(0);
      connection.abort();
      side.raw.resume();
      await waitFor(() => side.closed, 3000, 'the socket to end on the server');
      await new Promise((resolve) => setTimeout(resolve, 200));
      // Not even every frame whose write had completed (the kernel held it, unacknowledged) arrived.
      expect(side.messages.length).toBeLessThan(takenBeforeAbort);
      expect(side.messages).not.toContain('{"order":"last"}');
      expect(side.closeCode).toBe(1006);
      // Every write still in ws's buffer failed: none of them is reported as written.
      expect(taken() + failed()).toBe(FRAMES + 1);
      expect(failed()).toBeGreaterThan(0);
    });

    it('should deliver everything written before a clean close, in order, when the server reads again', async () => {
      const { side, taken } = await writeIntoStalledServer();
      opened?.unsubscribe();
      side.raw.resume();
      await waitFor(() => side.closed, 5000, 'the socket to end on the server');
      expect(side.closeCode).toBe(1000);
      expect(side.error).toBeUndefined();
      expect(side.messages).toHaveLength(FRAMES + 1);
      expect(side.messages.slice(0, FRAMES).map((m) => (JSON.parse(m) as { n: number }).n)).toEqual(
        Array.from({ length: FRAMES }, (_, i) => i + 1),
      );
      expect(side.messages[FRAMES]).toBe('{"order":"last"}');
      expect(taken()).toBe(FRAMES + 1);
    });
  });
});

import { Socket } from 'node:net';
import { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { tickFrames } from './tickFrames';

/** What the parent tells the server process. */
export type TickServerCommand = { readonly type: 'stop' };

/** What the server process tells its parent. */
export type TickServerReport =
  | { readonly type: 'listening'; readonly port: number; readonly at: number }
  | { readonly type: 'blasted'; readonly messages: number; readonly ms: number };

/** A client asks for a burst by sending this as text: `{"cmd":"blast","n":500000}`. */
export interface BlastRequest {
  readonly cmd: 'blast';
  readonly n: number;
}

const FRAMES_PER_WRITE = 1000;

/**
 * The benchmark server, run in its own process (`child_process.fork`) so its CPU does not compete
 * with the client's event loop. A `ws` server does the upgrade and answers pings; a burst is written
 * straight to the TCP socket as pre-built frames, 1,000 per write, waiting for 'drain' when the socket
 * pushes back — `ws.send` per message tops out near 100k msg/s and would hide the client's cost.
 *
 * Paths: `/drop` terminates every connection right after the upgrade (reconnect cycles); any other
 * path keeps the connection and answers `BlastRequest`s.
 */
async function tickServer(port: number): Promise<void> {
  await warmUp();
  const frames = tickFrames(FRAMES_PER_WRITE);
  const wss = new WebSocketServer({ host: '127.0.0.1', port, perMessageDeflate: false, backlog: 1024 });
  const send = (report: TickServerReport): void => void process.send?.(report);

  const blast = (ws: WebSocket, total: number): void => {
    // ws keeps the socket private; writing whole frames to it interleaves safely with its own pongs.
    const socket = (ws as unknown as { _socket: Socket })._socket;
    const started = performance.now();
    let sent = 0;
    const pump = (): void => {
      while (sent < total) {
        if (socket.destroyed) return;
        const batch = Math.min(FRAMES_PER_WRITE, total - sent);
        sent += batch;
        const chunk = batch === FRAMES_PER_WRITE ? frames.buffer : frames.buffer.subarray(0, frames.ends[batch - 1]);
        if (!socket.write(chunk)) {
          socket.once('drain', pump);
          return;
        }
      }
      send({ type: 'blasted', messages: total, ms: performance.now() - started });
    };
    pump();
  };

  wss.on('connection', (ws, request) => {
    ws.on('error', () => undefined);
    if (request.url === '/drop') {
      ws.terminate();
      return;
    }
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const text = data.toString();
      if (!text.includes('"blast"')) return;
      const request = JSON.parse(text) as BlastRequest;
      blast(ws, request.n);
    });
  });
  wss.on('listening', () => send({ type: 'listening', port: (wss.address() as AddressInfo).port, at: Date.now() }));
  wss.on('error', (error) => {
    console.error(`tickServer: ${error.message}`);
    process.exit(1);
  });

  const stop = (): void => {
    for (const client of wss.clients) client.terminate();
    wss.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 1000).unref();
  };
  process.on('message', (command: TickServerCommand) => {
    if (command.type === 'stop') stop();
  });
  // The parent is gone (crashed or killed): never outlive it.
  process.on('disconnect', () => process.exit(0));
}

/**
 * One upgrade on a throwaway port before listening for real, so the first client after a restart
 * meets a server whose upgrade path is already compiled, as a production server's would be.
 */
async function warmUp(): Promise<void> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}/warm`, {
    perMessageDeflate: false,
  });
  await new Promise<void>((resolve, reject) => {
    client.once('open', resolve);
    client.once('error', reject);
  });
  client.terminate();
  await new Promise<void>((resolve) => wss.close(() => resolve()));
  for (const socket of wss.clients) socket.terminate();
}

if (require.main === module) {
  tickServer(Number(process.argv[2] ?? 0)).catch((error: unknown) => {
    console.error(`tickServer: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}

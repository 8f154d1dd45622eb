import { createServer, Server } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { ArrivalRecorder, ArrivalSummary } from './ArrivalRecorder';
import { tickFrames } from './tickFrames';

/** What the parent tells the server process. */
export type TickServerCommand = { readonly type: 'stop' };

/** What the server process tells its parent. */
export type TickServerReport =
  | {
      readonly type: 'listening';
      /** The first port (the one asked for, if any), then the others. */
      readonly ports: readonly number[];
      readonly at: number;
    }
  | { readonly type: 'blasted'; readonly messages: number; readonly ms: number };

/** A client asks for a burst by sending this as text: `{"cmd":"blast","n":500000}`. */
export interface BlastRequest {
  readonly cmd: 'blast';
  readonly n: number;
}

/** A client on `/orders` asks for the send-to-server latencies of the orders it sent since its last ask. */
export interface ReportRequest {
  readonly cmd: 'report';
}

/** The server's answer to a `ReportRequest`. */
export interface ReportReply {
  readonly report: ArrivalSummary;
}

/** The server's answer to a message with an `id` on `/requests`. */
export interface RequestReply {
  readonly id: number;
  readonly result: 'ok';
}

const FRAMES_PER_WRITE = 1000;
/** Pending connections per listening socket (the kernel caps it at net.core.somaxconn). */
const BACKLOG = 1024;

/**
 * The benchmark server, run in its own process (`child_process.fork`) so its CPU does not compete
 * with the client's event loop. A `ws` server does the upgrade and answers pings; a burst is written
 * straight to the TCP socket as pre-built frames, 1,000 per write, waiting for 'drain' when the socket
 * pushes back — `ws.send` per message tops out near 100k msg/s and would hide the client's cost.
 *
 * Paths: `/drop` terminates every connection right after the upgrade (reconnect cycles); `/orders`
 * stamps the arrival of every order (`ArrivalRecorder`) and answers `ReportRequest`s; `/requests`
 * answers every message that has an `id` with a `RequestReply`; any other path keeps the connection
 * and answers `BlastRequest`s.
 *
 * It listens on `listeners` ports of 127.0.0.1 (the first is `port`, 0 for a random one): every
 * client connection to one server address and port takes a local port of its own from the ephemeral
 * range (about 28,000 on Linux), and the ports of the last run linger in TIME_WAIT, so the scale
 * suite spreads 10,000 connections over several server ports.
 */
async function tickServer(port: number, listeners: number): Promise<void> {
  await warmUp();
  const frames = tickFrames(FRAMES_PER_WRITE);
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
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
    if (request.url === '/orders') {
      const recorder = new ArrivalRecorder();
      ws.on('message', (data) => {
        const text = data.toString();
        if (!recorder.record(text) && text.includes('"report"')) {
          ws.send(JSON.stringify({ report: recorder.summary() } satisfies ReportReply));
        }
      });
      return;
    }
    if (request.url === '/requests') {
      ws.on('message', (data) => {
        const { id } = JSON.parse(data.toString()) as { id?: number };
        if (id !== undefined) ws.send(JSON.stringify({ id, result: 'ok' } satisfies RequestReply));
      });
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
  const servers: Server[] = [];
  const ports: number[] = [];
  for (let i = 0; i < listeners; i++) {
    const server = createServer((_, response) => response.writeHead(426).end());
    server.on('upgrade', (request, socket, head) =>
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request)),
    );
    server.on('error', (error) => {
      console.error(`tickServer: ${error.message}`);
      process.exit(1);
    });
    await new Promise<void>((resolve) =>
      server.listen({ host: '127.0.0.1', port: i === 0 ? port : 0, backlog: BACKLOG }, resolve),
    );
    servers.push(server);
    ports.push((server.address() as AddressInfo).port);
  }
  send({ type: 'listening', ports, at: Date.now() });

  const stop = (): void => {
    for (const client of wss.clients) client.terminate();
    let open = servers.length;
    for (const server of servers) server.close(() => --open === 0 && process.exit(0));
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
  tickServer(Number(process.argv[2] ?? 0), Number(process.argv[3] ?? 1)).catch((error: unknown) => {
    console.error(`tickServer: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}

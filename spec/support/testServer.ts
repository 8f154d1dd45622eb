import { IncomingMessage } from 'node:http';
import { AddressInfo } from 'node:net';
import WebSocket, { ServerOptions, WebSocketServer } from 'ws';

/** A real `ws` server on 127.0.0.1 and a random port, recording what it receives, for integration specs. */
export interface TestServer {
  readonly port: number;
  readonly url: string;
  readonly wss: WebSocketServer;
  /** Open server-side sockets, newest last. */
  readonly sockets: WebSocket[];
  /** Text messages received, in order, across all connections. */
  readonly received: string[];
  /** Connections accepted so far. */
  connections: number;
  /** Resolves with the next accepted socket. */
  nextConnection(): Promise<WebSocket>;
  /** Sends a text frame to every open socket. */
  broadcast(text: string): void;
  /** Stops the server and destroys every socket. */
  close(): Promise<void>;
}

export interface TestServerOptions extends Omit<ServerOptions, 'port' | 'host' | 'server' | 'noServer'> {
  /** Bind to this port (e.g. to restart a server on the same port). Defaults to a random one. */
  readonly port?: number;
  /** Called for each connection, e.g. to answer application pings. */
  readonly onConnection?: (socket: WebSocket, request: IncomingMessage) => void;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const { port: wanted = 0, onConnection, ...serverOptions } = options;
  const wss = new WebSocketServer({ ...serverOptions, host: '127.0.0.1', port: wanted });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  const port = (wss.address() as AddressInfo).port;
  const sockets: WebSocket[] = [];
  const received: string[] = [];
  const waiting: Array<(socket: WebSocket) => void> = [];
  const server: TestServer = {
    port,
    url: `ws://127.0.0.1:${port}`,
    wss,
    sockets,
    received,
    connections: 0,
    nextConnection: () => new Promise((resolve) => waiting.push(resolve)),
    broadcast: (text) => sockets.forEach((socket) => socket.readyState === WebSocket.OPEN && socket.send(text)),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of wss.clients) socket.terminate();
        wss.close(() => resolve());
      }),
  };
  wss.on('connection', (socket, request) => {
    server.connections++;
    sockets.push(socket);
    socket.on('message', (data, isBinary) => {
      if (!isBinary) received.push(data.toString());
    });
    socket.on('close', () => sockets.splice(sockets.indexOf(socket), 1));
    onConnection?.(socket, request);
    waiting.splice(0).forEach((resolve) => resolve(socket));
  });
  return server;
}

/** Resolves when `predicate` holds, polling every 5 ms; rejects after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

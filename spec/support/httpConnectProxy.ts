import http, { IncomingMessage } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { createProxy } from 'proxy';

/** A real HTTP CONNECT proxy (the `proxy` package) on 127.0.0.1 and a random port, for integration specs. */
export interface HttpConnectProxy {
  readonly port: number;
  /** `http://127.0.0.1:<port>`, with `user:pass@` when the proxy requires credentials. */
  readonly url: string;
  /** Every CONNECT request's target (`host:port`), in order, accepted or not. */
  readonly connects: string[];
  /** CONNECT requests the proxy refused (bad or missing credentials, or a target off loopback). */
  refused: number;
  close(): Promise<void>;
}

export interface HttpConnectProxyOptions {
  /** Require `Proxy-Authorization: Basic` with these credentials. */
  readonly auth?: { readonly username: string; readonly password: string };
}

/**
 * Starts an HTTP CONNECT proxy that tunnels only to loopback addresses: a CONNECT to anything else is
 * refused with 407, so a spec can never send traffic off the machine through it.
 */
export async function startHttpConnectProxy(options: HttpConnectProxyOptions = {}): Promise<HttpConnectProxy> {
  const { auth } = options;
  const server = createProxy(http.createServer());
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const state = { connects: [] as string[], refused: 0 };
  const expected = auth ? `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` : undefined;
  server.authenticate = (request: IncomingMessage): boolean => {
    if (request.method === 'CONNECT') state.connects.push(request.url ?? '');
    const loopback = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\]):\d+$/.test(request.url ?? '');
    const ok = loopback && (expected === undefined || request.headers['proxy-authorization'] === expected);
    if (!ok) state.refused++;
    return ok;
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const credentials = auth ? `${encodeURIComponent(auth.username)}:${encodeURIComponent(auth.password)}@` : '';
  return {
    port,
    url: `http://${credentials}127.0.0.1:${port}`,
    get connects() {
      return state.connects;
    },
    get refused() {
      return state.refused;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

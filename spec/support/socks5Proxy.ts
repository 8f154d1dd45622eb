import net, { AddressInfo, Socket } from 'node:net';
import { Socks5Server } from '@pondwader/socks5-server';

/** A real SOCKS5 server (`@pondwader/socks5-server`) on 127.0.0.1 and a random port, for integration specs. */
export interface Socks5Proxy {
  readonly port: number;
  /** `socks5://127.0.0.1:<port>`, with `user:pass@` when the server requires credentials. */
  readonly url: string;
  /** Every CONNECT request's destination (`host:port`) that got past authentication, in order. */
  readonly connects: string[];
  /** Requests refused: bad credentials, a destination off loopback, or `refuseAll`. */
  refused: number;
  close(): Promise<void>;
}

export interface Socks5ProxyOptions {
  /** Require username/password authentication (RFC 1929) with these credentials. */
  readonly auth?: { readonly username: string; readonly password: string };
  /** Refuse every CONNECT (reply 0x02, connection not allowed by ruleset). */
  readonly refuseAll?: boolean;
}

/**
 * Starts a SOCKS5 server that connects only to loopback destinations: anything else is refused, so a
 * spec can never send traffic off the machine through it. The listening socket is our own
 * `net.Server` (the package's documented `_handleConnection` takes each connection), so the spec
 * knows the port and can destroy every socket on close.
 */
export async function startSocks5Proxy(options: Socks5ProxyOptions = {}): Promise<Socks5Proxy> {
  const { auth, refuseAll = false } = options;
  const socks = new Socks5Server();
  const state = { connects: [] as string[], refused: 0 };
  if (auth) {
    socks.setAuthHandler((connection) => {
      const ok = connection.username === auth.username && connection.password === auth.password;
      if (!ok) state.refused++;
      return ok;
    });
  }
  socks.setRulesetValidator((connection) => {
    state.connects.push(`${connection.destAddress}:${connection.destPort}`);
    const ok =
      !refuseAll && /^(127\.\d+\.\d+\.\d+|localhost|::1|0{0,4}(:0{0,4}){6}:0{0,3}1)$/.test(connection.destAddress);
    if (!ok) state.refused++;
    return ok;
  });
  const sockets = new Set<Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setNoDelay();
    socks._handleConnection(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const credentials = auth ? `${encodeURIComponent(auth.username)}:${encodeURIComponent(auth.password)}@` : '';
  return {
    port,
    url: `socks5://${credentials}127.0.0.1:${port}`,
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

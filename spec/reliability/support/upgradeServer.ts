import http from 'node:http';
import https from 'node:https';
import { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { ConnectionLog } from './connectionLog';

/** What to do with one upgrade request. */
export type UpgradePolicy =
  /** Complete the WebSocket handshake. */
  | { readonly kind: 'accept' }
  /** Answer with this HTTP status instead of 101, and close. */
  | { readonly kind: 'reject'; readonly status: number }
  /** Say nothing: the TCP connection is up, the upgrade never completes. */
  | { readonly kind: 'hold' };

/**
 * An HTTP (or, given a certificate, HTTPS) server on 127.0.0.1 that decides each WebSocket upgrade
 * itself: accept it, reject it with a status (401, 503…), or hold it unanswered. Accepted sockets
 * are logged like any test server's; requests and held sockets are counted.
 */
export interface UpgradeServer {
  readonly port: number;
  readonly url: string;
  readonly log: ConnectionLog;
  /** Upgrade requests received. */
  readonly requests: number;
  /** Held (unanswered) sockets, and how many of them the client has since ended. */
  readonly held: Socket[];
  readonly heldEnded: number;
  /** Decides the next requests. */
  policy: UpgradePolicy | ((request: number) => UpgradePolicy);
  close(): Promise<void>;
}

const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

export async function startUpgradeServer(
  policy: UpgradeServer['policy'],
  tls?: { readonly cert: Buffer; readonly key: Buffer },
): Promise<UpgradeServer> {
  const server = tls ? https.createServer({ cert: tls.cert, key: tls.key }) : http.createServer();
  const wss = new WebSocketServer({ noServer: true });
  const log = new ConnectionLog().attach(wss);
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const state = {
    requests: 0,
    heldEnded: 0,
    held: [] as Socket[],
    policy,
  };
  server.on('upgrade', (request: http.IncomingMessage, socket: Socket, head: Buffer) => {
    state.requests++;
    const decided = typeof state.policy === 'function' ? state.policy(state.requests) : state.policy;
    if (decided.kind === 'accept') {
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
    } else if (decided.kind === 'reject') {
      const reason = REASONS[decided.status] ?? 'Error';
      socket.end(`HTTP/1.1 ${decided.status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    } else {
      state.held.push(socket);
      // The client gave up (closed its end): finish closing ours, as a real server would.
      socket.on('end', () => {
        state.heldEnded++;
        socket.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `${tls ? 'wss' : 'ws'}://127.0.0.1:${port}`,
    log,
    get requests() {
      return state.requests;
    },
    get held() {
      return state.held;
    },
    get heldEnded() {
      return state.heldEnded;
    },
    get policy() {
      return state.policy;
    },
    set policy(next) {
      state.policy = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        for (const socket of sockets) socket.destroy();
        wss.close();
        server.close(() => resolve());
      }),
  };
}

import { Observable, Subject } from 'rxjs';
import makeWebSocketObservable, { GetWebSocketResponses, WebSocketLike } from 'rxjs-websockets';
import type { ConnectionOptions } from 'node:tls';
import WebSocket, { ClientOptions } from 'ws';
import { WireData } from '../model/Codec';
import { TransportError } from '../model/TransportError';
import { Transport, TransportConnection } from './Transport';

/** TLS settings passed to the `ws` client (Node's `tls.connect` options). */
export type TlsOptions = Pick<
  ConnectionOptions,
  'ca' | 'cert' | 'key' | 'pfx' | 'passphrase' | 'rejectUnauthorized' | 'servername' | 'checkServerIdentity'
>;

/** The socket settings of `webSocketTransport`: endpoint, subprotocols, headers, TLS and the `ws` client limits. */
export interface WebSocketTransportOptions {
  /** `ws://` or `wss://` endpoint. */
  readonly url: string;
  /** Subprotocols to offer. Defaults to none. */
  readonly protocols?: readonly string[];
  /** Extra upgrade-request headers. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Milliseconds for TCP + TLS + upgrade. Defaults to `10000`. */
  readonly handshakeTimeout?: number;
  /** Largest inbound message in bytes. Defaults to 16 MiB. */
  readonly maxPayload?: number;
  /** Milliseconds a close handshake may take before the socket is destroyed. Defaults to `1000`. */
  readonly closeTimeout?: number;
  /** TLS options, e.g. `{ ca }` for a private certificate authority. */
  readonly tls?: TlsOptions;
}

/**
 * The production transport: rxjs-websockets' `makeWebSocketObservable` over a `ws` client built by
 * our `makeWebSocket` factory. Keeping a handle to that client gives the heartbeat protocol
 * ping/pong, the close code and reason, and a write callback for every frame: rxjs-websockets' own
 * input stream calls `send` without one, and a frame sent to a closing `ws` socket is then dropped
 * without a word, so outbound frames go straight to the client instead.
 */
export function webSocketTransport(options: WebSocketTransportOptions): Transport {
  const {
    url,
    protocols = [],
    headers = {},
    handshakeTimeout = 10_000,
    maxPayload = 16 * 1024 * 1024,
    closeTimeout = 1000,
    tls = {},
  } = options;
  const open = new Set<WebSocket>();
  const idle: Array<() => void> = [];
  const forget = (ws: WebSocket): void => {
    open.delete(ws);
    if (open.size === 0) idle.splice(0).forEach((resolve) => resolve());
  };

  const connect = (): Observable<TransportConnection> =>
    new Observable<TransportConnection>((subscriber) => {
      let ws: WebSocket | undefined;
      let lastError: (Error & { code?: string }) | undefined;
      let closeCode: number | undefined;
      let closeReason = '';
      const pongs = new Subject<number | undefined>();

      const makeWebSocket = (target: string, offered: string | string[]): WebSocketLike => {
        const socket = new WebSocket(target, offered, {
          ...tls,
          headers: { ...headers },
          handshakeTimeout,
          maxPayload,
          closeTimeout,
          perMessageDeflate: false,
        } as ClientOptions);
        open.add(socket);
        // Registered before rxjs-websockets sets its handlers, so these run first.
        socket.on('error', (error) => (lastError = error));
        socket.on('close', (code, reason) => {
          closeCode = code;
          closeReason = reason.toString();
          forget(socket);
        });
        socket.on('pong', (payload: Buffer) => pongs.next(pingId(payload)));
        ws = socket;
        return lifecycleOnly(socket);
      };

      const failure = (fallback: unknown): TransportError => {
        if (lastError) return describeError(lastError, closeCode);
        if (closeCode !== undefined) return describeClose(closeCode, closeReason);
        return new TransportError(fallback instanceof Error ? fallback.message : String(fallback));
      };

      const socket$ = makeWebSocketObservable(url, {
        protocols: [...protocols],
        makeWebSocket: makeWebSocket as never,
      });
      const subscription = socket$.subscribe({
        next: (getResponses: GetWebSocketResponses) => {
          const socket = ws as WebSocket;
          subscriber.next(connection(socket, getResponses, pongs));
        },
        error: (error: unknown) => subscriber.error(failure(error)),
        complete: () => subscriber.error(failure('socket closed')),
      });

      return () => {
        // rxjs-websockets closes without a status code (the peer sees 1005); say it is a normal closure.
        if (ws?.readyState === WebSocket.OPEN) ws.close(1000, 'client closing');
        subscription.unsubscribe();
        pongs.complete();
      };
    });

  return {
    connect,
    drain: () => (open.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => idle.push(resolve))),
  };
}

/**
 * The ws client as rxjs-websockets sees it: open, close and error go through; its message handler is
 * ignored, because inbound frames are read from the client directly (see `connection`). Through
 * `onmessage`, ws builds a MessageEvent for every frame and rxjs-websockets pushes it through a
 * Subject: 5–10 % of the inbound budget in `npm run bench`, before lifeline does anything.
 */
function lifecycleOnly(socket: WebSocket): WebSocketLike {
  return {
    set onopen(handler: ((event: WebSocket.Event) => void) | null) {
      socket.onopen = handler;
    },
    set onclose(handler: ((event: WebSocket.CloseEvent) => void) | null) {
      socket.onclose = handler;
    },
    set onerror(handler: ((event: WebSocket.ErrorEvent) => void) | null) {
      socket.onerror = handler;
    },
    set onmessage(_handler: unknown) {
      // Frames are read from the client directly.
    },
    send: (data: string) => socket.send(data),
    close: () => socket.close(),
  } as unknown as WebSocketLike;
}

function connection(
  ws: WebSocket,
  getResponses: GetWebSocketResponses,
  pongs: Subject<number | undefined>,
): TransportConnection {
  // rxjs-websockets wants its response function called once; its own message stream stays unused.
  getResponses(new Observable<never>());
  // Text frames as strings, binary frames as Buffers, straight from the ws client's 'message' event.
  const messages$ = new Observable<WireData>((subscriber) => {
    const onMessage = (data: Buffer, isBinary: boolean): void => subscriber.next(isBinary ? data : data.toString());
    ws.on('message', onMessage);
    return () => void ws.off('message', onMessage);
  });
  return {
    messages$,
    pongs$: pongs.asObservable(),
    send(data, done) {
      if (ws.readyState !== WebSocket.OPEN) return false;
      ws.send(data, (error) => done(error ?? undefined));
      return true;
    },
    ping(id) {
      if (ws.readyState === WebSocket.OPEN) ws.ping(Buffer.from(String(id)));
    },
    terminate() {
      ws.terminate();
    },
  };
}

/** The ping id a pong echoes, if its payload is one of ours. */
function pingId(payload: Buffer): number | undefined {
  if (payload.length === 0 || payload.length > 16) return undefined;
  const id = Number(payload.toString('latin1'));
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

const CLOSE_NAMES: Readonly<Record<number, string>> = {
  1000: 'normal closure',
  1001: 'going away',
  1002: 'protocol error',
  1003: 'unsupported data',
  1005: 'no status',
  1006: 'abnormal closure',
  1007: 'invalid payload',
  1008: 'policy violation',
  1009: 'message too big',
  1011: 'server error',
  1012: 'service restart',
  1013: 'try again later',
};

function describeClose(code: number, reason: string): TransportError {
  const name = CLOSE_NAMES[code] ?? 'closed';
  return new TransportError(`connection closed: ${code} ${name}${reason ? ` (${reason})` : ''}`, {
    closeCode: code,
    closeReason: reason,
  });
}

function describeError(error: Error & { code?: string }, closeCode: number | undefined): TransportError {
  const status = /Unexpected server response: (\d+)/.exec(error.message);
  if (status) {
    const httpStatus = Number(status[1]);
    return new TransportError(`upgrade rejected: HTTP ${httpStatus}`, { httpStatus });
  }
  // ws marks protocol errors with the close code it sends (1009 for an oversize message).
  const statusSymbol = Object.getOwnPropertySymbols(error).find((symbol) => symbol.description === 'status-code');
  const errorCloseCode = statusSymbol ? (error as unknown as Record<symbol, unknown>)[statusSymbol] : undefined;
  const code = typeof errorCloseCode === 'number' ? errorCloseCode : closeCode;
  return new TransportError(error.message || error.name, {
    ...(error.code !== undefined ? { errno: error.code } : {}),
    ...(code !== undefined ? { closeCode: code } : {}),
  });
}

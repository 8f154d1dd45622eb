import WebSocket from 'ws';

/** A plain `ws` client for the mock exchanges' own specs: what it receives, parsed when it is JSON. */
export interface MockClient {
  readonly socket: WebSocket;
  /** Every message received, JSON-decoded where it parses, else the text. */
  readonly received: unknown[];
  /** Resolves with the close code once the socket has closed. */
  readonly closed: Promise<number>;
  send(message: unknown): void;
  /** Resolves with the first message, present or future, that `match` accepts. */
  next(match: (message: unknown) => boolean, timeoutMs?: number): Promise<unknown>;
}

const clients = new Set<WebSocket>();

/** Connects to `url` (with `ws` client options, e.g. `{ autoPong: false }`) and resolves once open. Every client is closed by `closeClients()`. */
export async function openClient(url: string, options: WebSocket.ClientOptions = {}): Promise<MockClient> {
  const socket = new WebSocket(url, options);
  clients.add(socket);
  const received: unknown[] = [];
  const waiters: Array<{ match: (message: unknown) => boolean; resolve: (message: unknown) => void }> = [];
  socket.on('message', (data: WebSocket.RawData) => {
    const text = data.toString();
    let message: unknown = text;
    try {
      message = JSON.parse(text);
    } catch {
      // not JSON: kept as text
    }
    received.push(message);
    for (const waiter of [...waiters]) {
      if (waiter.match(message)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
  });
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.on('error', () => undefined);
  return {
    socket,
    received,
    closed,
    send: (message) => socket.send(typeof message === 'string' ? message : JSON.stringify(message)),
    next: (match, timeoutMs = 3000) => {
      const present = received.find(match);
      if (present !== undefined) return Promise.resolve(present);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`no matching message within ${timeoutMs} ms; received: ${JSON.stringify(received)}`));
        }, timeoutMs);
        const waiter = {
          match,
          resolve: (message: unknown) => {
            clearTimeout(timer);
            resolve(message);
          },
        };
        waiters.push(waiter);
      });
    },
  };
}

/** Terminates every client opened so far: for afterEach. */
export async function closeClients(): Promise<void> {
  const open = [...clients];
  clients.clear();
  await Promise.all(
    open.map(
      (socket) =>
        new Promise<void>((resolve) => {
          if (socket.readyState === WebSocket.CLOSED) return resolve();
          socket.once('close', () => resolve());
          socket.terminate();
        }),
    ),
  );
}

/** A predicate over decoded messages: every given field equals. */
export function has(fields: Record<string, unknown>): (message: unknown) => boolean {
  return (message) =>
    typeof message === 'object' &&
    message !== null &&
    Object.entries(fields).every(([key, value]) => (message as Record<string, unknown>)[key] === value);
}

// The exchange side of the network test bed, run in the server namespace by `serverProcess`:
// a `ws` server that reports every inbound message carrying an `id` (with its arrival time) to the
// suite over IPC as it arrives, so the records survive a SIGKILL. It answers protocol pings (ws
// does) and application pings (`{"method":"ping"}` → `{"method":"pong"}`), and sends market data
// as told: nothing, a tick every few ms, or a flood paced by the socket's buffer.
import WebSocket, { WebSocketServer } from 'ws';
import { ServerCommand, ServerFeed, ServerInput, ServerReport } from './protocol';
import { wallNow } from './wallNow';

const input = JSON.parse(process.argv[2] ?? '{}') as ServerInput;
const report = (message: ServerReport): void => {
  process.send?.(message);
};

const wss = new WebSocketServer({ host: input.host, port: input.port, perMessageDeflate: false });
const ids = new Map<WebSocket, string>();
let connections = 0;
let feed: ServerFeed = input.feed;
let ticker: NodeJS.Timeout | undefined;
let seq = 0;
let floodLeft = 0;
let floodSent = 0;

wss.on('listening', () => report({ type: 'listening', at: wallNow() }));
wss.on('error', (error) => {
  console.error(`network server: ${error.message}`);
  process.exit(1);
});
wss.on('connection', (socket) => {
  const conn = `${input.incarnation}.${++connections}`;
  ids.set(socket, conn);
  report({ type: 'connection', conn, at: wallNow() });
  socket.on('message', (data, isBinary) => {
    const at = wallNow();
    if (isBinary) return;
    let message: { method?: unknown; id?: unknown };
    try {
      message = JSON.parse(data.toString()) as typeof message;
    } catch {
      return;
    }
    if (message.method === 'ping') {
      socket.send('{"method":"pong"}');
      return;
    }
    if (typeof message.id === 'string') {
      report({ type: 'arrival', conn, at, id: message.id, method: String(message.method) });
    }
  });
  socket.on('close', (code) => {
    ids.delete(socket);
    report({ type: 'closed', conn, at: wallNow(), code });
  });
  socket.on('error', () => undefined);
  if (feed.kind === 'flood') flood(socket, feed.maxBufferedBytes);
});

function applyFeed(next: ServerFeed): void {
  feed = next;
  if (ticker) clearInterval(ticker);
  ticker = undefined;
  if (next.kind === 'ticks') {
    ticker = setInterval(() => {
      const text = JSON.stringify({ channel: 'ticks', seq: ++seq, px: '67000.5', sz: '0.01' });
      for (const socket of ids.keys()) if (socket.readyState === WebSocket.OPEN) socket.send(text);
    }, next.everyMs);
  }
  if (next.kind === 'flood') {
    floodLeft = next.count;
    floodSent = 0;
    for (const socket of ids.keys()) flood(socket, next.maxBufferedBytes);
  }
}

/**
 * Sends what is left of the flood as fast as the socket drains, yielding to the event loop between
 * batches. The count is shared: a connection that replaces a torn-down one gets the rest, not a new flood.
 */
function flood(socket: WebSocket, maxBufferedBytes: number): void {
  const batch = (): void => {
    if (socket.readyState !== WebSocket.OPEN || floodLeft <= 0) return;
    if (socket.bufferedAmount > maxBufferedBytes) {
      setTimeout(batch, 5);
      return;
    }
    for (let n = Math.min(floodLeft, 500); n > 0; n--) {
      socket.send(`{"channel":"ticks","seq":${floodSent++},"px":"67000.5","sz":"0.01"}`);
      floodLeft--;
    }
    if (floodLeft > 0) setImmediate(batch);
    else report({ type: 'fed', at: wallNow(), messages: floodSent });
  };
  batch();
}

process.on('message', (command: ServerCommand) => {
  if (command.type === 'feed') applyFeed(command.feed);
  if (command.type === 'stop') {
    if (ticker) clearInterval(ticker);
    for (const socket of wss.clients) socket.terminate();
    wss.close(() => process.exit(0));
  }
});
process.on('disconnect', () => process.exit(0));
applyFeed(feed);

import { filter, firstValueFrom } from 'rxjs';
import WebSocket from 'ws';
import { Connection, ConnectionStatus, connect } from '../src/index';
import { fullyMonitored } from './fullyMonitored';
import { heapAfterGc } from './heapAfterGc';
import { probeMain } from './probeMain';
import { BlastRequest } from './tickServer';

export interface MemoryInput {
  /** `lifeline`: connect() with every monitor on. `ws`: a raw ws client doing the same by hand. */
  readonly variant: 'lifeline' | 'ws';
  /** `messages`: ticks through one connection. `reconnects`: connections the server drops right after open. */
  readonly kind: 'messages' | 'reconnects';
  /** Server base URL, `ws://127.0.0.1:port`. */
  readonly url: string;
  /** Messages, or reconnect cycles, between the two heap readings. */
  readonly count: number;
  /** The same, before the first reading, so lazy allocations and JIT code are already in the baseline. */
  readonly warmup: number;
}

export interface MemoryResult {
  readonly variant: MemoryInput['variant'];
  readonly kind: MemoryInput['kind'];
  readonly count: number;
  /** heapUsed after GC, bytes. */
  readonly heapBefore: number;
  readonly heapAfter: number;
  readonly growth: number;
  /** lifeline: events kept in the recent-event log at the end (bounded by maxEvents). */
  readonly recentEvents?: number;
  /** Seconds the `count` messages or cycles took. */
  readonly seconds: number;
}

/** A client that can ask for ticks and count them, or count how many times it has connected. */
interface Client {
  /** Resolves once `n` more messages have arrived (`messages`) or `n` more connections opened (`reconnects`). */
  next(n: number): Promise<void>;
  close(): Promise<void>;
  recentEvents?(): number;
}

/**
 * Heap after GC before and after `count` messages through one connection, or `count` reconnect
 * cycles, with `node --expose-gc`. Nothing may be kept per message or per connection: the event log
 * is a ring of `maxEvents`, the meter is a few numbers.
 */
async function measure(input: MemoryInput): Promise<MemoryResult> {
  const { variant, kind, count, warmup } = input;
  const url = kind === 'reconnects' ? `${input.url}/drop` : `${input.url}/ticks`;
  const client = variant === 'lifeline' ? await lifelineClient(url, kind) : await wsClient(url, kind);
  await client.next(warmup);
  const heapBefore = await heapAfterGc();
  const started = performance.now();
  await client.next(count);
  const seconds = (performance.now() - started) / 1000;
  const heapAfter = await heapAfterGc();
  const recentEvents = client.recentEvents?.();
  await client.close();
  return {
    variant,
    kind,
    count,
    heapBefore,
    heapAfter,
    growth: heapAfter - heapBefore,
    seconds,
    ...(recentEvents !== undefined ? { recentEvents } : {}),
  };
}

const blast = (n: number): string => JSON.stringify({ cmd: 'blast', n } satisfies BlastRequest);

/** Waits until `read()` has grown by `n`; `poke` is called once to start the work. */
function counter(read: () => number): (n: number, poke?: () => void) => Promise<void> {
  return (n, poke) =>
    new Promise<void>((resolve) => {
      const target = read() + n;
      poke?.();
      const check = (): void => {
        if (read() >= target) resolve();
        else setTimeout(check, 5);
      };
      check();
    });
}

async function lifelineClient(url: string, kind: MemoryInput['kind']): Promise<Client> {
  const link: Connection = connect({
    url,
    heartbeatInterval: '1s',
    heartbeatTimeout: '5s',
    checkInterval: '1s',
    probe: () => Promise.resolve(),
    ...(kind === 'reconnects'
      ? {
          initialDelay: '1ms',
          maxDelay: '4ms',
          jitter: 'none' as const,
          maxAttempts: Infinity,
          resetOnSuccess: 0,
          // The connection budget (30 a minute by default) exists to slow exactly this storm down.
          connectLimit: Infinity,
        }
      : {}),
  });
  const { subscription } = fullyMonitored(link, { reportInterval: 1000 });
  let received = 0;
  let opened = 0;
  subscription.add(link.messages$.subscribe(() => received++));
  subscription.add(link.stats$.subscribe((stats) => (opened = stats.totalConnections)));
  const close = async (): Promise<void> => {
    subscription.unsubscribe();
    await link.close();
  };
  if (kind === 'reconnects') {
    const wait = counter(() => opened);
    return { next: (n) => wait(n), close, recentEvents: () => link.snapshot().recentEvents.length };
  }
  await firstValueFrom(link.status$.pipe(filter((status) => status === ConnectionStatus.Connected)));
  const wait = counter(() => received);
  return {
    next: (n) => wait(n, () => void link.send(blast(n))),
    close,
    recentEvents: () => link.snapshot().recentEvents.length,
  };
}

async function wsClient(url: string, kind: MemoryInput['kind']): Promise<Client> {
  let received = 0;
  let opened = 0;
  let socket: WebSocket | undefined;
  let closing = false;
  const open = (): Promise<WebSocket> =>
    new Promise((resolve) => {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      socket = ws;
      ws.on('open', () => {
        opened++;
        resolve(ws);
      });
      ws.on('message', (data) => {
        // Counting parsed ticks only keeps JSON.parse from being optimised away.
        if ((JSON.parse(data.toString()) as { channel: string }).channel) received++;
      });
      ws.on('error', () => undefined);
      // The same policy lifeline applies: reconnect 1 ms after a drop.
      ws.on('close', () => {
        if (!closing && kind === 'reconnects') setTimeout(open, 1);
      });
    });
  const first = await open();
  const close = async (): Promise<void> => {
    closing = true;
    socket?.terminate();
  };
  if (kind === 'reconnects') {
    const wait = counter(() => opened);
    return { next: (n) => wait(n), close };
  }
  const wait = counter(() => received);
  return { next: (n) => wait(n, () => first.send(blast(n))), close };
}

if (require.main === module) probeMain(measure);

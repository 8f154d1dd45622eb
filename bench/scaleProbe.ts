import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { Subscription } from 'rxjs';
import { Connection, ConnectionStatus, connect } from '../src/index';
import { fullyMonitored } from './fullyMonitored';
import { heapAfterGc } from './heapAfterGc';
import { probeMain } from './probeMain';

export interface ScaleInput {
  /** `lifeline`: managed connections, every monitor on. `ws`: raw ws clients pinging by hand. */
  readonly variant: 'lifeline' | 'ws';
  readonly connections: number;
  /** Server base URLs, `ws://127.0.0.1:port`, one per listening port: connection i goes to `urls[i % length]`. */
  readonly urls: readonly string[];
  /** Measured span, ms. */
  readonly durationMs: number;
  /** Heartbeat interval, ms. */
  readonly heartbeatInterval: number;
}

export interface ScaleResult {
  readonly variant: ScaleInput['variant'];
  readonly connections: number;
  readonly seconds: number;
  /** Client CPU seconds (user + system) per wall second over the measured span. */
  readonly cpuPerWallSecond: number;
  /** (heap after GC with every connection open − before any) / connections, bytes. */
  readonly heapPerConnection: number;
  /** Resident set size with every connection open (after GC), bytes: the process as the OS sees it. */
  readonly rss: number;
  /** (RSS with every connection open − before any) / connections, bytes. */
  readonly rssPerConnection: number;
  /** How long opening them all took, s (`OPEN_BATCH` at a time). */
  readonly openSeconds: number;
  /** Heap after GC at the end of the span less at its start, bytes: growth while idling. */
  readonly heapDrift: number;
  /** Round trips measured during the span: should be about connections × seconds / interval. */
  readonly pongs: number;
  /** Connections still open at the end. */
  readonly open: number;
}

interface Fleet {
  pongs(): number;
  open(): number;
  close(): Promise<void>;
}

/** Connections opened at once: far under the server's accept backlog (1,024), so none is refused. */
const OPEN_BATCH = 100;
/** A batch not all up by then fails the run, rather than waiting for the probe's time limit. */
const BATCH_TIMEOUT_MS = 30_000;
const SETTLE_MS = 5000;

/**
 * N concurrent connections to one server, each with its own heartbeat, idling for `durationMs`:
 * CPU seconds per wall second and heap per connection. The `ws` baseline is what a bot without
 * lifeline would run: one ws client per connection with its own ping timer.
 */
async function measure(input: ScaleInput): Promise<ScaleResult> {
  const { variant, connections, urls, durationMs, heartbeatInterval } = input;
  const idle = urls.map((url) => `${url}/idle`);
  const urlOf = (i: number): string => idle[i % idle.length];
  const open = (n: number): Promise<Fleet> =>
    variant === 'lifeline' ? lifelineFleet(urlOf, n, heartbeatInterval) : wsFleet(urlOf, n, heartbeatInterval);
  // One connection opened and closed first: one-time costs (lazy module state, compiled code) are
  // then in the baseline, not spread over the connections measured.
  await (await open(1)).close();
  const heapEmpty = await heapAfterGc();
  const rssEmpty = process.memoryUsage().rss;
  const openStart = performance.now();
  const fleet = await open(connections);
  const openSeconds = (performance.now() - openStart) / 1000;
  if (fleet.open() !== connections) throw new Error(`only ${fleet.open()} of ${connections} connections opened`);
  // Let every heartbeat and sampling tick run a few times first, so the optimising compiler (whose
  // background threads count in process.cpuUsage) has done its work before the measured span.
  await sleep(SETTLE_MS);
  const heapStart = await heapAfterGc();
  const rss = process.memoryUsage().rss;
  const pongsStart = fleet.pongs();
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  await sleep(durationMs);
  const cpu = process.cpuUsage(cpuStart);
  const seconds = (performance.now() - wallStart) / 1000;
  const pongs = fleet.pongs() - pongsStart;
  const stillOpen = fleet.open();
  const heapEnd = await heapAfterGc();
  await fleet.close();
  return {
    variant,
    connections,
    seconds,
    cpuPerWallSecond: (cpu.user + cpu.system) / 1e6 / seconds,
    heapPerConnection: (heapStart - heapEmpty) / connections,
    rss,
    rssPerConnection: (rss - rssEmpty) / connections,
    openSeconds,
    heapDrift: heapEnd - heapStart,
    pongs,
    open: stillOpen,
  };
}

/**
 * Opens `count` connections `OPEN_BATCH` at a time, each batch once the last is up (the server's
 * accept backlog is finite); a batch that is not up within `BATCH_TIMEOUT_MS` fails the run.
 */
async function openInBatches(count: number, openOne: (i: number) => Promise<void>): Promise<void> {
  for (let done = 0; done < count; done += OPEN_BATCH) {
    const batch = Math.min(OPEN_BATCH, count - done);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`connections ${done + 1}…${done + batch} not all up within ${BATCH_TIMEOUT_MS} ms`)),
        BATCH_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([Promise.all(Array.from({ length: batch }, (_, i) => openOne(done + i))), late]);
    } finally {
      clearTimeout(timer);
    }
  }
}

async function lifelineFleet(urlOf: (i: number) => string, count: number, heartbeatInterval: number): Promise<Fleet> {
  const links: Array<{ link: Connection; subscription: Subscription }> = [];
  let pongs = 0;
  let up = 0;
  await openInBatches(
    count,
    (i) =>
      new Promise<void>((resolve) => {
        const link = connect({ url: urlOf(i), heartbeatInterval, heartbeatTimeout: 3 * heartbeatInterval });
        const { subscription } = fullyMonitored(link, { reportInterval: 10 * 60_000 });
        links.push({ link, subscription });
        let wasUp = false;
        subscription.add(
          link.status$.subscribe((status) => {
            const isUp = status === ConnectionStatus.Connected || status === ConnectionStatus.Unstable;
            if (isUp !== wasUp) up += isUp ? 1 : -1;
            wasUp = isUp;
            if (isUp) resolve();
          }),
        );
        subscription.add(link.latency$.subscribe(() => pongs++));
        // A bot reads its messages too (none come on an idle link).
        subscription.add(link.messages$.subscribe(() => undefined));
      }),
  );
  return {
    pongs: () => pongs,
    open: () => up,
    close: async () => {
      links.forEach(({ subscription }) => subscription.unsubscribe());
      await Promise.all(links.map(({ link }) => link.close()));
    },
  };
}

async function wsFleet(urlOf: (i: number) => string, count: number, heartbeatInterval: number): Promise<Fleet> {
  const sockets: WebSocket[] = [];
  const timers: NodeJS.Timeout[] = [];
  let pongs = 0;
  let up = 0;
  await openInBatches(
    count,
    (i) =>
      new Promise<void>((resolve, reject) => {
        const ws = new WebSocket(urlOf(i), { perMessageDeflate: false });
        sockets.push(ws);
        let pingSentAt = 0;
        let rttMs = 0;
        ws.on('open', () => {
          up++;
          timers.push(
            setInterval(() => {
              pingSentAt = performance.now();
              ws.ping();
            }, heartbeatInterval),
          );
          resolve();
        });
        ws.on('pong', () => {
          rttMs = performance.now() - pingSentAt;
          if (rttMs >= 0) pongs++;
        });
        ws.on('message', (data) => JSON.parse(data.toString()));
        ws.on('error', reject);
        ws.on('close', () => up--);
      }),
  );
  return {
    pongs: () => pongs,
    open: () => up,
    close: async () => {
      timers.forEach(clearInterval);
      sockets.forEach((ws) => ws.terminate());
    },
  };
}

if (require.main === module) probeMain(measure);

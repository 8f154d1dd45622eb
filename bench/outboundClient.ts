import { once } from 'node:events';
import { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { filter, firstValueFrom, timeout } from 'rxjs';
import WebSocket from 'ws';
import { Connection, connect } from '../src/index';
import { ArrivalSummary } from './ArrivalRecorder';
import { benchOrder } from './benchOrder';
import { MonitorCounts, fullyMonitored } from './fullyMonitored';
import { OrderWriter } from './OrderWriter';
import { percentile } from './percentile';
import { probeMain } from './probeMain';
import { sharedClockMicros } from './sharedClockMicros';
import { ReportReply, ReportRequest } from './tickServer';
import { wireOrderWriter } from './wireOrderWriter';

/**
 * The writers compared: (a) raw `ws.send(JSON.stringify(…))`, (c) lifeline `send()` and `request()`,
 * and `wire`, pre-built frames on a TCP socket: what the server can take at most.
 */
export type OutboundVariant = 'wire' | 'ws' | 'lifeline';

export interface OutboundInput {
  readonly variant: OutboundVariant;
  /** Server base URL, `ws://127.0.0.1:port`. */
  readonly url: string;
  /** Orders written as fast as possible, timed. */
  readonly orders: number;
  /** Orders written first the same way, untimed, so the write path is compiled. */
  readonly warmup: number;
  /** Orders written one per millisecond after the burst: latency without a backlog. */
  readonly paced: number;
  /** Requests (each answered by the server) after that, on a second socket, timed; 0 for none. */
  readonly requests: number;
}

/** Send-to-server latency quantiles, µs. */
export interface LatencyFigures {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export interface OutboundResult {
  readonly variant: OutboundVariant;
  readonly burst: {
    readonly orders: number;
    /** From the first send to the server's receipt of the last order, ms. */
    readonly ms: number;
    /** Orders over that span. */
    readonly messagesPerSecond: number;
    /** Client CPU (user + system) from the first send until the last order's bytes reached the kernel, per order, µs. */
    readonly cpuMicrosPerMessage: number;
    /** Stamped at the send call, read at the server's `message` event. */
    readonly latency: LatencyFigures;
    /** The server process's CPU per order over the burst, µs. */
    readonly serverCpuMicrosPerMessage: number;
    /** Sends that failed (lifeline: a rejected promise). Must be 0. */
    readonly failed: number;
  };
  readonly paced: { readonly orders: number; readonly latency: LatencyFigures };
  readonly request?: {
    readonly requests: number;
    readonly ms: number;
    readonly requestsPerSecond: number;
    /** Client CPU per request, reply handled, µs. */
    readonly cpuMicrosPerRequest: number;
    /** From the call to the reply in hand, µs. */
    readonly roundTrip: LatencyFigures;
  };
  /** lifeline: how often each monitor fired during the run. */
  readonly monitors?: MonitorCounts;
}

/** A client that sends requests and waits for their replies. */
interface Requester {
  request(i: number): Promise<unknown>;
  close(): void;
}

/** Requests in flight at most; the next ones wait until half of them are answered. */
const REQUEST_WINDOW = 100;
const PACE_MS = 1;
const READY_TIMEOUT_MS = 10_000;

/** The lifeline options of every bench client: every monitor on and firing during a run of seconds. */
const monitoredOptions = {
  heartbeatInterval: '1s',
  heartbeatTimeout: '5s',
  checkInterval: '1s',
  probe: () => Promise.resolve(),
  sampleInterval: '1s',
} as const;

/**
 * Writes `warmup` untimed orders, then `orders` timed ones as fast as the writer's backpressure
 * allows, then `paced` ones a millisecond apart, then `requests` request/reply round trips, with one
 * variant. Every order carries its send time on the shared clock; the server stamps its arrival.
 */
async function measure(input: OutboundInput): Promise<OutboundResult> {
  const { variant, url, orders, warmup, paced, requests } = input;
  const monitors: { counts?: MonitorCounts } = {};
  const writer =
    variant === 'wire'
      ? await wireOrderWriter(`${url}/orders`)
      : variant === 'ws'
        ? await wsWriter(`${url}/orders`)
        : await lifelineWriter(`${url}/orders`, monitors);
  try {
    if (warmup > 0) {
      await writer.burst(0, warmup);
      await writer.report();
    }
    const startedAt = sharedClockMicros();
    const cpuStart = process.cpuUsage();
    const failed = await writer.burst(warmup, orders);
    const cpu = process.cpuUsage(cpuStart);
    const burst = await writer.report();
    if (burst.count !== orders - failed) throw new Error(`the server saw ${burst.count} of ${orders} orders`);
    if (variant !== 'wire' && burst.min < 0)
      throw new Error('negative latency: the processes do not share sharedClockMicros()');
    for (let i = 0; variant !== 'wire' && i < paced; i++) {
      writer.one(benchOrder(warmup + orders + i, sharedClockMicros()));
      await sleep(PACE_MS);
    }
    const pacedSummary = await writer.report();
    const ms = (burst.lastAt - startedAt) / 1000;
    return {
      variant,
      burst: {
        orders,
        ms,
        messagesPerSecond: (orders * 1000) / ms,
        cpuMicrosPerMessage: (cpu.user + cpu.system) / orders,
        latency: figures(burst),
        serverCpuMicrosPerMessage: burst.serverCpuMicrosPerMessage,
        failed,
      },
      paced: { orders: pacedSummary.count, latency: figures(pacedSummary) },
      ...(requests > 0 && variant !== 'wire'
        ? { request: await requestRun(variant, `${url}/requests`, requests) }
        : {}),
      ...(monitors.counts ? { monitors: { ...monitors.counts } } : {}),
    };
  } finally {
    writer.close();
  }
}

function figures(summary: Pick<ArrivalSummary, 'p50' | 'p99' | 'max'>): LatencyFigures {
  return { p50: summary.p50, p99: summary.p99, max: summary.max };
}

/**
 * (a) raw `ws`, as a careful bot writes it: `ws.send(JSON.stringify(order))`, and when the socket's
 * backlog passes 16 KB (lifeline's default high-water mark) it waits for the socket's 'drain'.
 */
async function wsWriter(url: string): Promise<OrderWriter> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  await once(ws, 'open');
  // ws keeps its socket private; 'drain' on it is the one signal that its backlog has gone.
  const socket = (ws as unknown as { _socket: Socket })._socket;
  const highWaterMark = 16 * 1024;
  let reply: ((summary: ArrivalSummary) => void) | undefined;
  ws.on('message', (data) => reply?.((JSON.parse(data.toString()) as ReportReply).report));
  return {
    async burst(from, count) {
      const last = from + count - 1;
      for (let i = from; i < last; i++) {
        ws.send(JSON.stringify(benchOrder(i, sharedClockMicros())));
        if (ws.bufferedAmount > highWaterMark) await once(socket, 'drain');
      }
      await new Promise<void>((resolve, reject) =>
        ws.send(JSON.stringify(benchOrder(last, sharedClockMicros())), (error) => (error ? reject(error) : resolve())),
      );
      return 0;
    },
    one: (order) => ws.send(JSON.stringify(order)),
    report: () =>
      new Promise<ArrivalSummary>((resolve) => {
        reply = resolve;
        ws.send(JSON.stringify({ cmd: 'report' } satisfies ReportRequest));
      }),
    close: () => ws.terminate(),
  };
}

/**
 * (c) lifeline, fully monitored: `link.send(order)` for each order, its promise handled (a bot must
 * hear a rejection). lifeline queues what the socket cannot take under each message's time-to-live,
 * up to `queueSize`; the writer keeps at most as many orders unsettled as make lifeline's high-water
 * mark (≈ 160 of 100 bytes in 16 KB: the same backlog raw `ws` waits at), and goes on once half of
 * them have reached the kernel.
 */
async function lifelineWriter(url: string, monitors: { counts?: MonitorCounts }): Promise<OrderWriter> {
  const { link, close } = await readyLink(url, monitors);
  const orderBytes = JSON.stringify(benchOrder(0, sharedClockMicros())).length;
  const window = Math.max(2, Math.ceil(link.config.highWaterMark / orderBytes));
  let reply: ((summary: ArrivalSummary) => void) | undefined;
  const replies = link.messages$.subscribe((message) => reply?.((message as ReportReply).report));
  return {
    async burst(from, count) {
      let pending = 0;
      let failed = 0;
      let wake: (() => void) | undefined;
      const settled = (): void => {
        pending--;
        if (wake !== undefined && pending <= window >> 1) {
          const go = wake;
          wake = undefined;
          go();
        }
      };
      const rejected = (): void => {
        failed++;
        settled();
      };
      for (let i = from; i < from + count; i++) {
        pending++;
        link.send(benchOrder(i, sharedClockMicros())).then(settled, rejected);
        if (pending >= window) await new Promise<void>((resolve) => (wake = resolve));
      }
      while (pending > 0) await new Promise<void>((resolve) => (wake = resolve));
      return failed;
    },
    one: (order) => void link.send(order).catch(() => undefined),
    report: () =>
      new Promise<ArrivalSummary>((resolve, reject) => {
        reply = resolve;
        link.send({ cmd: 'report' } satisfies ReportRequest).catch(reject);
      }),
    close: () => {
      replies.unsubscribe();
      close();
    },
  };
}

/** A fully monitored lifeline link, once it is ready to trade on; `close` ends the monitors and the link. */
async function readyLink(
  url: string,
  monitors: { counts?: MonitorCounts },
): Promise<{ link: Connection; close: () => void }> {
  const link = connect({ url, ...monitoredOptions });
  const monitored = fullyMonitored(link, { reportInterval: 1000 });
  monitors.counts = monitored.counts;
  const close = (): void => {
    monitored.subscription.unsubscribe();
    void link.close();
  };
  try {
    await firstValueFrom(link.ready$.pipe(filter(Boolean), timeout(READY_TIMEOUT_MS)));
  } catch (error) {
    close();
    throw error;
  }
  return { link, close };
}

/** `count` requests after as many untimed ones (a tenth), at most `REQUEST_WINDOW` in flight. */
async function requestRun(
  variant: OutboundVariant,
  url: string,
  count: number,
): Promise<NonNullable<OutboundResult['request']>> {
  const requester = variant !== 'lifeline' ? await wsRequester(url) : await lifelineRequester(url);
  try {
    const run = async (from: number, n: number, roundTrips: Float64Array | undefined): Promise<void> => {
      let inFlight = 0;
      let answered = 0;
      let wake: (() => void) | undefined;
      for (let i = from; i < from + n; i++) {
        inFlight++;
        const sentAt = sharedClockMicros();
        void requester.request(i).then(() => {
          if (roundTrips) roundTrips[answered] = sharedClockMicros() - sentAt;
          answered++;
          inFlight--;
          if (wake !== undefined && (inFlight <= REQUEST_WINDOW >> 1 || answered === n)) {
            const go = wake;
            wake = undefined;
            go();
          }
        });
        if (inFlight >= REQUEST_WINDOW) await new Promise<void>((resolve) => (wake = resolve));
      }
      while (answered < n) await new Promise<void>((resolve) => (wake = resolve));
    };
    await run(0, Math.ceil(count / 10), undefined);
    const roundTrips = new Float64Array(count);
    const wallStart = performance.now();
    const cpuStart = process.cpuUsage();
    await run(count, count, roundTrips);
    const cpu = process.cpuUsage(cpuStart);
    const ms = performance.now() - wallStart;
    roundTrips.sort();
    return {
      requests: count,
      ms,
      requestsPerSecond: (count * 1000) / ms,
      cpuMicrosPerRequest: (cpu.user + cpu.system) / count,
      roundTrip: {
        p50: percentile(roundTrips, 0.5),
        p99: percentile(roundTrips, 0.99),
        max: roundTrips[roundTrips.length - 1],
      },
    };
  } finally {
    requester.close();
  }
}

/** (a) raw `ws`: an id per request, a map of waiting resolvers, every reply parsed. No timeouts. */
async function wsRequester(url: string): Promise<Requester> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  await once(ws, 'open');
  const waiting = new Map<number, (reply: unknown) => void>();
  let nextId = 1;
  ws.on('message', (data) => {
    const reply = JSON.parse(data.toString()) as { id: number };
    const resolve = waiting.get(reply.id);
    if (resolve === undefined) return;
    waiting.delete(reply.id);
    resolve(reply);
  });
  return {
    request: (i) =>
      new Promise((resolve) => {
        const id = nextId++;
        waiting.set(id, resolve);
        ws.send(JSON.stringify({ ...benchOrder(i, sharedClockMicros()), id }));
      }),
    close: () => ws.terminate(),
  };
}

/** (c) lifeline `request()`: ids, reply matching, a timeout and a time-to-live per request. */
async function lifelineRequester(url: string): Promise<Requester> {
  const { link, close } = await readyLink(url, {});
  return { request: (i) => link.request(benchOrder(i, sharedClockMicros())), close };
}

if (require.main === module) probeMain(measure);

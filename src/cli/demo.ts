import {
  Observable,
  Subscription,
  catchError,
  firstValueFrom,
  from,
  interval,
  map,
  mergeMap,
  of,
  takeUntil,
  timer,
} from 'rxjs';
import { ConfigError } from '../model/ConfigError';
import { GateState } from '../model/gateState';
import { errorMessage } from '../model/RetryExhaustedError';
import { Connection } from '../streams/Connection';
import { connect } from '../streams/connect';
import { httpProbe } from '../streams/httpProbe';
import { NetworkRiskEvent } from '../sinks/NetworkRiskEvent';
import { ReportLocale, reportLocale } from '../sinks/ReportLocale';
import { compactDuration } from '../sinks/compactDuration';
import { reportSink } from '../sinks/reportSink';
import { tradeGate } from '../sinks/tradeGate';
import { whileGateOpen } from '../sinks/whileGateOpen';
import { ExitCode } from './ExitCode';
import { Terminal } from './Terminal';
import { failedWording } from './failedWording';
import { linkConsole } from './linkConsole';
import { MockExchange, startMockExchange } from './mockExchange';
import { CliIo } from './monitor';
import { usageMessage } from './usageMessage';

/** The story, in seconds at speed 1: what the exchange does, and what the narrator says. */
const STORY: ReadonlyArray<{
  readonly at: number;
  /** The narration; `d(ms)` prints a story duration as it plays at this speed. */
  readonly say: (d: (ms: number) => string) => string;
  readonly act: (x: MockExchange, scale: (ms: number) => number) => void;
}> = [
  {
    at: 8,
    say: () => '⚡ fault 1/4 — dropped connection: the exchange kills every socket without a close frame',
    act: (x) => x.drop(),
  },
  {
    at: 16,
    say: () =>
      '⚡ fault 2/4 — stall (half-open): the socket stays open but ticks, pongs and acks stop; only the heartbeat can tell',
    act: (x) => x.stall(),
  },
  {
    at: 26,
    say: (d) =>
      `⚡ fault 3/4 — latency spike: every reply from the exchange is delayed ${d(SPIKE_MS)} (warning at ${d(LATENCY_WARNING_MS)})`,
    act: (x, scale) => x.latency(scale(SPIKE_MS)),
  },
  { at: 33, say: () => '✓ the latency spike is over', act: (x) => x.latency(0) },
  {
    at: 40,
    say: (d) =>
      `⚡ fault 4/4 — outage longer than the retry budget: sockets dropped, upgrades answered HTTP 503 for ${d(14_000)}`,
    act: (x) => x.outage(true),
  },
  {
    at: 54,
    say: (d) => `✓ the exchange is back; the recovery probe (every ${d(6000)}) will find it`,
    act: (x) => x.outage(false),
  },
];
// Under a quarter of the heartbeat interval: the adaptive heartbeat shortens the interval to a quarter
// under stress, and a pong slower than the interval would be taken for the next ping's.
const SPIKE_MS = 220;
const LATENCY_WARNING_MS = 150;
const STORY_END = 64;
const ORDERS_STOP = 63;
const REPORT_EVERY = 20;

interface Order {
  readonly method: 'order';
  readonly id: string;
  readonly side: 'buy' | 'sell';
  readonly px: number;
  readonly sz: number;
}

/** Reads `--speed` (or `LIFELINE_DEMO_SPEED`): a factor from 0.1 to 100. */
export function demoSpeed(value: unknown): number {
  const speed = typeof value === 'number' ? value : Number(value);
  if (typeof value === 'string' && value.trim() === '')
    throw new ConfigError('speed', value, 'a number from 0.1 to 100, e.g. 2');
  if (!Number.isFinite(speed) || speed < 0.1 || speed > 100) {
    throw new ConfigError('speed', value, 'a number from 0.1 to 100, e.g. 2');
  }
  return speed;
}

/** What the demo counts as it plays, for the summary. */
interface Tally {
  sent: number;
  acked: number;
  rejected: number;
  failed: number;
  reports: number;
  paused: number;
  resumed: number;
  longestPause: number;
  subscribed: number;
}

/** The demo's clock and printer: story time scaled by the speed, lines tagged with the elapsed time. */
interface DemoOutput {
  readonly terminal: Terminal;
  readonly scale: (ms: number) => number;
  readonly started: number;
  readonly line: (tag: string, text: string, at?: number) => void;
}

/**
 * `lifeline demo` (`npm start`): an embedded mock exchange on 127.0.0.1 plays four faults — a dropped
 * connection, a stall, a latency spike, an outage longer than the retry budget then recovery — in
 * about a minute, while a small strategy sends an order every 1.5 s through the trade gate. Shows
 * the live status, events, gate changes, risk events, orders accepted and rejected, and three
 * reports, then closes everything and exits 0.
 */
export async function demo(options: Readonly<Record<string, unknown>>, io: CliIo): Promise<ExitCode> {
  let speed: number;
  let locale: ReportLocale;
  try {
    speed = demoSpeed(options.speed ?? process.env.LIFELINE_DEMO_SPEED ?? 1);
    locale = reportLocale(options.locale ?? 'zh-CN');
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr.write(`lifeline demo: ${usageMessage(error, options)}\nSee: lifeline demo --help\n`);
    return ExitCode.Usage;
  }
  const out = demoOutput(speed, io);
  const exchange = await startMockExchange({ tickInterval: out.scale(400) });
  const link = demoLink(exchange, out.scale);
  const settle = out.scale(2000);
  const gate = tradeGate(link, { settle });
  printIntro(exchange, out, speed, settle);

  const tally: Tally = {
    sent: 0,
    acked: 0,
    rejected: 0,
    failed: 0,
    reports: 0,
    paused: 0,
    resumed: 0,
    longestPause: 0,
    subscribed: 0,
  };
  let lastPrice: number | undefined;
  const view = linkConsole(link, gate, {
    terminal: out.terminal,
    locale,
    json: false,
    line: out.line,
    recover: true,
    liveSuffix: () => `BTC-USD ${lastPrice ?? '—'} │ orders ${tally.sent} sent, ${tally.rejected} rejected`,
    liveEvery: 250,
  });
  view.add(countRisks(gate.riskEvents$, tally));
  view.add(
    link.messages$.subscribe((message) => {
      const m = message as { channel?: string; price?: number };
      if (m.channel === 'ticks' && typeof m.price === 'number') lastPrice = m.price;
      if (m.channel === 'orderAck') tally.acked++;
    }),
  );
  view.add(narrateExchange(exchange, tally, out));
  view.add(
    reportSink(link, {
      every: out.scale(REPORT_EVERY * 1000),
      locale,
      writer: (text) => {
        tally.reports++;
        out.terminal.print(`\n${failedWording(text, true)}\n`);
      },
    }),
  );
  view.add(strategy(link, gate.gate$, () => lastPrice, tally, out, view.drawLive));
  view.add(playStory(exchange, out));

  await firstValueFrom(timer(out.scale(STORY_END * 1000)));
  view.unsubscribe();
  out.terminal.end();
  const connections = exchange.connections;
  await link.close();
  await exchange.close();
  printSummary(tally, connections, out);
  return ExitCode.Ok;
}

function demoOutput(speed: number, io: CliIo): DemoOutput {
  const terminal = new Terminal(io.stdout, io.stdout);
  const started = Date.now();
  const elapsed = (at = Date.now()): string => {
    const seconds = Math.max(0, at - started) / 1000;
    return `[${String(Math.floor(seconds / 60)).padStart(2, '0')}:${(seconds % 60).toFixed(1).padStart(4, '0')}]`;
  };
  return {
    terminal,
    scale: (ms) => Math.max(1, Math.round(ms / speed)),
    started,
    // The link's Failed wording for this command: it keeps watching for the recovery probe.
    line: (tag, text, at) => terminal.print(failedWording(`${elapsed(at)} ${tag.padEnd(8)} ${text}`, true)),
  };
}

/** The strategy's link: app pings, a probe, a small retry budget and a recovery probe, all at story speed. */
function demoLink(exchange: MockExchange, scale: (ms: number) => number): Connection {
  return connect<unknown, unknown>({
    url: exchange.url,
    subscriptions: [{ method: 'subscribe', channel: 'ticks' }],
    probe: httpProbe(exchange.infoUrl),
    ping: 'app',
    pingMessage: { method: 'ping' },
    pongMatch: '"pong"',
    heartbeatInterval: scale(1000),
    heartbeatTimeout: scale(3000),
    checkInterval: scale(5000),
    probeTimeout: scale(2000),
    initialDelay: scale(500),
    maxDelay: scale(2000),
    factor: 2,
    maxAttempts: 3,
    jitter: 0.1,
    resetOnSuccess: scale(2000),
    recoveryInterval: scale(6000),
    latencyWarning: scale(LATENCY_WARNING_MS),
    unstableTimeout: scale(20_000),
    sampleInterval: scale(500),
    dataSilence: scale(3000),
    predictionHorizon: scale(5000),
    queueSize: 0,
  });
}

function printIntro(exchange: MockExchange, out: DemoOutput, speed: number, settle: number): void {
  const d = (ms: number): string => compactDuration(out.scale(ms), 'en');
  out.terminal.print(
    `lifeline demo — a mock exchange on ${exchange.url} plays four faults while a strategy trades through the trade gate`,
  );
  out.terminal.print(
    `  about ${d(STORY_END * 1000)} (speed ${speed}×) · link: app ping every ${d(1000)} ` +
      `(timeout ${d(3000)}), 3 retries (${d(500)} × 2, max ${d(2000)}), recovery probe every ${d(6000)}`,
  );
  out.terminal.print(
    `  trade gate: closes whenever the link is not Connected with good quality; reopens after ${compactDuration(settle, 'en')} of it · report every ${d(REPORT_EVERY * 1000)}`,
  );
  out.terminal.print('');
}

function countRisks(riskEvents$: Observable<NetworkRiskEvent>, tally: Tally): Subscription {
  return riskEvents$.subscribe((risk) => {
    if (risk.type === 'tradingPaused') tally.paused++;
    else if (risk.type === 'tradingResumed') {
      tally.resumed++;
      tally.longestPause = Math.max(tally.longestPause, risk.downtimeMs ?? 0);
    }
  });
}

function narrateExchange(exchange: MockExchange, tally: Tally, out: DemoOutput): Subscription {
  return exchange.events$.subscribe((event) => {
    if (event.type === 'subscribe') {
      tally.subscribed++;
      out.line('exchange', `connection #${event.id} subscribed to ${event.channel}`);
    }
    if (event.type === 'refused') out.line('exchange', `upgrade refused: HTTP ${event.status} (outage)`);
  });
}

/** The strategy: an order every 1.5 s, through the gate; the gate's rejections come back here. */
function strategy(
  link: Connection,
  gate$: Observable<GateState>,
  price: () => number | undefined,
  tally: Tally,
  out: DemoOutput,
  drawLive: () => void,
): Subscription {
  let orderNumber = 0;
  const describeOrder = (order: Order): string => `#${order.id.slice(2)} ${order.side} ${order.sz} @ ${order.px}`;
  return interval(out.scale(1500))
    .pipe(
      takeUntil(timer(out.scale(ORDERS_STOP * 1000))),
      map((): Order => {
        orderNumber++;
        const px = price() ?? 67_000;
        const buy = orderNumber % 2 === 1;
        const at = Math.round((buy ? px - 5 : px + 5) * 10) / 10;
        return { method: 'order', id: `o-${orderNumber}`, side: buy ? 'buy' : 'sell', px: at, sz: 0.01 };
      }),
      whileGateOpen(gate$, (order, error) => {
        tally.rejected++;
        out.line('order', `${describeOrder(order)} → rejected by the gate (${error.gate.reason}), not sent`);
      }),
      mergeMap((order) =>
        from(link.send(order, { queue: false })).pipe(
          map(() => ({ order, error: undefined as unknown })),
          catchError((error: unknown) => of({ order, error })),
        ),
      ),
    )
    .subscribe(({ order, error }) => {
      if (error === undefined) {
        tally.sent++;
        out.line('order', `${describeOrder(order)} → sent`);
      } else {
        tally.failed++;
        out.line('order', `${describeOrder(order)} → not sent: ${errorMessage(error)}`);
      }
      drawLive();
    });
}

function playStory(exchange: MockExchange, out: DemoOutput): Subscription {
  const subscription = new Subscription();
  for (const step of STORY) {
    subscription.add(
      timer(out.scale(step.at * 1000)).subscribe(() => {
        out.line(
          'fault',
          step.say((ms) => compactDuration(out.scale(ms), 'en')),
        );
        step.act(exchange, out.scale);
      }),
    );
  }
  return subscription;
}

function printSummary(tally: Tally, connections: number, out: DemoOutput): void {
  const print = (text: string): void => out.terminal.print(text);
  const unacknowledged = tally.sent - tally.acked;
  print('');
  print('── summary ──');
  print(
    `  connections: ${connections} opened by the exchange; ${tally.subscribed} subscriptions received (resent on every reconnect)`,
  );
  print(
    `  orders: ${tally.sent} sent, ${tally.acked} acknowledged by the exchange; ${tally.rejected} rejected by the trade gate; ` +
      `${tally.failed} failed to send — each one reported to the strategy, none sent late`,
  );
  if (unacknowledged > 0) {
    print(
      `  ${unacknowledged} sent order(s) never acknowledged: written to the stalled (half-open) socket before the heartbeat ` +
        'timed it out — reconcile open orders with the exchange after every reconnect',
    );
  }
  print(
    `  network risk events: ${tally.paused} trading paused, ${tally.resumed} resumed; longest pause ${compactDuration(tally.longestPause, 'en')}`,
  );
  print(`  reports: ${tally.reports}`);
  print(`done in ${compactDuration(Date.now() - out.started, 'en')}; exit 0`);
}

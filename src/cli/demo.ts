import { Subject, Subscription, catchError, from, interval, map, mergeMap, of, takeUntil, timer } from 'rxjs';
import { ConfigError } from '../model/ConfigError';
import { ConnectionQuality, initialQuality } from '../model/ConnectionQuality';
import { ConnectionStatus, statusLabelZh } from '../model/ConnectionStatus';
import { ConnectionState } from '../model/ConnectionState';
import { errorMessage } from '../model/RetryExhaustedError';
import { connect } from '../streams/connect';
import { GateState } from '../model/gateState';
import { ReportLocale, reportLocale } from '../sinks/ReportLocale';
import { compactDuration } from '../sinks/compactDuration';
import { describeEvent } from '../sinks/describeEvent';
import { failedWording } from './failedWording';
import { describeGate } from '../sinks/describeGate';
import { reportSink } from '../sinks/reportSink';
import { severityLabel } from '../sinks/severityLabel';
import { tradeGate } from '../sinks/tradeGate';
import { whileGateOpen } from '../sinks/whileGateOpen';
import { ExitCode } from './ExitCode';
import { Terminal } from './Terminal';
import { httpProbe } from '../streams/httpProbe';
import { MockExchange, startMockExchange } from './mockExchange';
import { CliIo } from './monitor';
import { statusLine } from './statusLine';
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
  const scale = (ms: number): number => Math.max(1, Math.round(ms / speed));
  const exchange = await startMockExchange({ tickInterval: scale(400) });
  const terminal = new Terminal(io.stdout, io.stdout);
  const started = Date.now();
  const elapsed = (at = Date.now()): string => {
    const seconds = Math.max(0, at - started) / 1000;
    return `[${String(Math.floor(seconds / 60)).padStart(2, '0')}:${(seconds % 60).toFixed(1).padStart(4, '0')}]`;
  };
  const line = (tag: string, text: string, at?: number): void =>
    terminal.print(`${elapsed(at)} ${tag.padEnd(8)} ${text}`);

  const heartbeat = scale(1000);
  const settle = scale(2000);
  const link = connect<unknown, unknown>({
    url: exchange.url,
    subscriptions: [{ method: 'subscribe', channel: 'ticks' }],
    probe: httpProbe(exchange.infoUrl),
    ping: 'app',
    pingMessage: { method: 'ping' },
    pongMatch: '"pong"',
    heartbeatInterval: heartbeat,
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
  const closeOn = [
    ConnectionStatus.Failed,
    ConnectionStatus.Disconnected,
    ConnectionStatus.Reconnecting,
    ConnectionStatus.Unstable,
  ];
  const { gate$, riskEvents$ } = tradeGate(link, { closeOn, settle });

  terminal.print(
    `lifeline demo — a mock exchange on ${exchange.url} plays four faults while a strategy trades through the trade gate`,
  );
  terminal.print(
    `  about ${compactDuration(scale(STORY_END * 1000), 'en')} (speed ${speed}×) · link: app ping every ${compactDuration(heartbeat, 'en')} ` +
      `(timeout ${compactDuration(scale(3000), 'en')}), 3 retries (${compactDuration(scale(500), 'en')} × 2, max ${compactDuration(scale(2000), 'en')}), ` +
      `recovery probe every ${compactDuration(scale(6000), 'en')}`,
  );
  terminal.print(
    `  trade gate: closes on ${closeOn.join(', ')}; reopens after ${compactDuration(settle, 'en')} Connected and good · report every ${compactDuration(scale(REPORT_EVERY * 1000), 'en')}`,
  );
  terminal.print('');

  let state: ConnectionState | undefined;
  let quality: ConnectionQuality = initialQuality;
  let gate: GateState | undefined;
  let lastPrice: number | undefined;
  const tally = {
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
  const drawLive = (): void => {
    if (!state) return;
    terminal.status(
      `${statusLine({ state, quality, ...(gate ? { gate } : {}), now: Date.now(), locale })} │ ` +
        `BTC-USD ${lastPrice ?? '—'} │ orders ${tally.sent} sent, ${tally.rejected} rejected`,
    );
  };

  const subscription = new Subscription();
  subscription.add(link.quality$.subscribe((value) => (quality = value)));
  subscription.add(
    link.state$.subscribe((value) => {
      if (value.status !== state?.status) {
        const label = locale === 'en' ? value.status : `${statusLabelZh(value.status)} (${value.status})`;
        line('status', label);
      }
      state = value;
      drawLive();
    }),
  );
  subscription.add(
    link.events$.subscribe((event) =>
      line('event', failedWording(describeEvent(event, locale, { time: false }), true), event.timestamp),
    ),
  );
  subscription.add(
    gate$.subscribe((value) => {
      gate = value;
      line('gate', describeGate(value, locale));
      drawLive();
    }),
  );
  subscription.add(
    riskEvents$.subscribe((risk) => {
      if (risk.type === 'tradingPaused') tally.paused++;
      else {
        tally.resumed++;
        tally.longestPause = Math.max(tally.longestPause, risk.downtimeMs ?? 0);
      }
      line('risk', `[${severityLabel(risk.severity, locale)}] ${risk.description}`, risk.at);
    }),
  );
  subscription.add(
    link.messages$.subscribe((message) => {
      const m = message as { channel?: string; price?: number };
      if (m.channel === 'ticks' && typeof m.price === 'number') lastPrice = m.price;
      if (m.channel === 'orderAck') tally.acked++;
    }),
  );
  subscription.add(
    exchange.events$.subscribe((event) => {
      if (event.type === 'subscribe') {
        tally.subscribed++;
        line('exchange', `connection #${event.id} subscribed to ${event.channel}`);
      }
      if (event.type === 'refused') line('exchange', `upgrade refused: HTTP ${event.status} (outage)`);
    }),
  );
  subscription.add(
    reportSink(link, {
      every: scale(REPORT_EVERY * 1000),
      locale,
      writer: (text) => {
        tally.reports++;
        terminal.print(`\n${failedWording(text, true)}\n`);
      },
    }),
  );

  // The strategy: an order every 1.5 s, through the gate; the gate's rejections come back here.
  const stopOrders = timer(scale(ORDERS_STOP * 1000));
  let orderNumber = 0;
  const describeOrder = (order: Order): string => `#${order.id.slice(2)} ${order.side} ${order.sz} @ ${order.px}`;
  subscription.add(
    interval(scale(1500))
      .pipe(
        takeUntil(stopOrders),
        map((): Order => {
          orderNumber++;
          const px = lastPrice ?? 67_000;
          return orderNumber % 2 === 1
            ? { method: 'order', id: `o-${orderNumber}`, side: 'buy', px: Math.round((px - 5) * 10) / 10, sz: 0.01 }
            : { method: 'order', id: `o-${orderNumber}`, side: 'sell', px: Math.round((px + 5) * 10) / 10, sz: 0.01 };
        }),
        whileGateOpen(gate$, (order, error) => {
          tally.rejected++;
          line('order', `${describeOrder(order)} → rejected by the gate (${error.gate.reason}), not sent`);
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
          line('order', `${describeOrder(order)} → sent`);
        } else {
          tally.failed++;
          line('order', `${describeOrder(order)} → not sent: ${errorMessage(error)}`);
        }
        drawLive();
      }),
  );
  if (terminal.hasLiveLine) subscription.add(interval(250).subscribe(drawLive));

  for (const step of STORY) {
    subscription.add(
      timer(scale(step.at * 1000)).subscribe(() => {
        line(
          'fault',
          step.say((ms) => compactDuration(scale(ms), 'en')),
        );
        step.act(exchange, scale);
      }),
    );
  }

  const ended = new Subject<void>();
  subscription.add(timer(scale(STORY_END * 1000)).subscribe(() => ended.next()));
  await new Promise<void>((resolve) => {
    const stop = ended.subscribe(() => resolve());
    subscription.add(stop);
  });

  subscription.unsubscribe();
  terminal.end();
  const connections = exchange.connections;
  await link.close();
  await exchange.close();
  const unacknowledged = tally.sent - tally.acked;
  terminal.print('');
  terminal.print('── summary ──');
  terminal.print(
    `  connections: ${connections} opened by the exchange; ${tally.subscribed} subscriptions received (resent on every reconnect)`,
  );
  terminal.print(
    `  orders: ${tally.sent} sent, ${tally.acked} acknowledged by the exchange; ${tally.rejected} rejected by the trade gate; ` +
      `${tally.failed} failed to send — each one reported to the strategy, none sent late`,
  );
  if (unacknowledged > 0) {
    terminal.print(
      `  ${unacknowledged} sent order(s) never acknowledged: written to the stalled (half-open) socket before the heartbeat ` +
        'timed it out — reconcile open orders with the exchange after every reconnect',
    );
  }
  terminal.print(
    `  network risk events: ${tally.paused} trading paused, ${tally.resumed} resumed; longest pause ${compactDuration(tally.longestPause, 'en')}`,
  );
  terminal.print(`  reports: ${tally.reports}`);
  terminal.print(`done in ${compactDuration(Date.now() - started, 'en')}; exit 0`);
  return ExitCode.Ok;
}

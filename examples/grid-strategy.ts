/**
 * A grid-trading bot's main loop with lifeline: the seed's "主函数集成", as streams.
 *
 * - an initial connection check at start (the account query; a failure only warns),
 * - a connection check every minute,
 * - a reconnect when the quality stays degraded,
 * - trading paused while the link is down or has failed (the trade gate), resting orders cancelled at once,
 * - network risk events recorded,
 * - a status report every 10 minutes.
 *
 * Run it against the demo's mock exchange (started here, on 127.0.0.1, with a few faults and time
 * compressed):      npm run example
 * or against a real endpoint, with production timing, until Ctrl-C:
 *                   npm run example -- wss://api.example.com/ws https://api.example.com/info
 */
import { EMPTY, Subject, Subscription, filter, firstValueFrom, map, mergeMap, switchMap, timer } from 'rxjs';
import { Connection, Duration, connect } from '../src/index';
import { parseDuration } from '../src/model/parseDuration';
import { httpProbe } from '../src/streams/httpProbe';
import { startMockExchange } from '../src/testing';
import { ConnectionReport } from '../src/sinks/ConnectionReport';
import { NetworkRiskEvent } from '../src/sinks/NetworkRiskEvent';
import { PinoLikeLogger, logSink } from '../src/sinks/logSink';
import { reportSink } from '../src/sinks/reportSink';
import { tradeGate } from '../src/sinks/tradeGate';
import { whileGateOpen } from '../src/sinks/whileGateOpen';

/** The timings of the main loop: production values by default, compressed in the spec and the local run. */
export interface GridTiming {
  /** Connection check (account query) interval. Defaults to `'1m'` (the seed's). */
  readonly checkInterval?: Duration;
  /** Report interval. Defaults to `'10m'` (the seed's). */
  readonly reportEvery?: Duration;
  /** How long the link must be Connected and good before trading resumes. Defaults to `'5s'`. */
  readonly settle?: Duration;
  /** How long quality may stay degraded (Unstable) before the strategy reconnects. Defaults to `'30s'`. */
  readonly degradedFor?: Duration;
  readonly heartbeatInterval?: Duration;
  readonly heartbeatTimeout?: Duration;
  readonly latencyWarning?: Duration;
  readonly adaptiveHeartbeat?: boolean;
  readonly initialDelay?: Duration;
  readonly maxDelay?: Duration;
  readonly maxAttempts?: number;
  readonly recoveryInterval?: Duration;
}

export interface GridStrategyOptions {
  /** The exchange's WebSocket endpoint. */
  readonly url: string;
  /** The account query used as the connection check (the seed's `InfoClient`), http(s). */
  readonly infoUrl: string;
  /** Grid levels on each side of the first price. Defaults to `3`. */
  readonly levels?: number;
  /** Price distance between levels. Defaults to `10`. */
  readonly spacing?: number;
  /** Order size. Defaults to `0.01`. */
  readonly size?: number;
  readonly timing?: GridTiming;
  /** Where the strategy's lines and reports go. Defaults to `console.log`. */
  readonly log?: (line: string) => void;
}

export interface GridOrder {
  readonly method: 'order';
  readonly id: string;
  readonly side: 'buy' | 'sell';
  readonly px: number;
  readonly sz: number;
}

/** A running strategy: its link and what it has recorded. */
export interface GridStrategy {
  readonly link: Connection;
  /** Network risk events, oldest first (seed: 记录网络风险事件). */
  readonly risks: readonly NetworkRiskEvent[];
  readonly reports: readonly ConnectionReport[];
  /** Orders written to the socket, rejected by the gate, or failed to send. */
  readonly orders: { sent: number; rejected: number; failed: number };
  /** Times the strategy asked for a reconnect because quality stayed degraded. */
  readonly degradedReconnects: number;
  /** Stops trading and closes the link. */
  stop(): Promise<void>;
}

/** A pino-compatible logger writing one line per record, for the example (use pino in production). */
function lineLogger(log: (line: string) => void): PinoLikeLogger {
  const at =
    (level: string) =>
    (object: object, message?: string): void =>
      log(`${level.padEnd(5)} ${message ?? ''} ${JSON.stringify(object)}`);
  return { info: at('INFO'), warn: at('WARN'), error: at('ERROR') };
}

/**
 * Starts the grid strategy's main loop.
 *
 * @example
 * const bot = startGridStrategy({ url: 'wss://api.example.com/ws', infoUrl: 'https://api.example.com/info' });
 * // INFO  connected {"event":"Connected","severity":1,…}
 * // every 10 minutes: 📡 连接状态报告: …
 * await bot.stop();
 */
export function startGridStrategy(options: GridStrategyOptions): GridStrategy {
  const {
    url,
    infoUrl,
    levels = 3,
    spacing = 10,
    size = 0.01,
    timing = {},
    log = (line: string) => console.log(line),
  } = options;
  const {
    checkInterval = '1m',
    reportEvery = '10m',
    settle = '5s',
    degradedFor = '30s',
    heartbeatInterval,
    heartbeatTimeout,
    latencyWarning,
    adaptiveHeartbeat,
    initialDelay,
    maxDelay,
    maxAttempts,
    recoveryInterval,
  } = timing;
  const logger = lineLogger(log);
  const degradedMs = parseDuration(degradedFor, 'degradedFor');

  // The initial connection check runs at start and its failure only warns: connect() reports it as
  // an ErrorOccurred event ("initial connection check failed (continuing)") and goes on.
  const link = connect<unknown, unknown>({
    url,
    probe: httpProbe(infoUrl),
    checkInterval,
    subscriptions: [{ method: 'subscribe', channel: 'ticks' }],
    ping: 'app',
    pingMessage: { method: 'ping' },
    pongMatch: '"pong"',
    ...(heartbeatInterval !== undefined ? { heartbeatInterval } : {}),
    ...(heartbeatTimeout !== undefined ? { heartbeatTimeout } : {}),
    ...(latencyWarning !== undefined ? { latencyWarning } : {}),
    ...(adaptiveHeartbeat !== undefined ? { adaptiveHeartbeat } : {}),
    ...(initialDelay !== undefined ? { initialDelay } : {}),
    ...(maxDelay !== undefined ? { maxDelay } : {}),
    ...(maxAttempts !== undefined ? { maxAttempts } : {}),
    ...(recoveryInterval !== undefined ? { recoveryInterval } : {}),
  });

  const risks: NetworkRiskEvent[] = [];
  const reports: ConnectionReport[] = [];
  const orders = { sent: 0, rejected: 0, failed: 0 };
  let degradedReconnects = 0;
  const resting = new Set<string>();
  const subscription = new Subscription();

  // Trading pauses whenever the link is not fit to trade on: down, failed (seed: 连接失败时暂停交易) or
  // poor; `closeOn: ['Failed']` would pause only on Failed, as the seed did. On the close, resting
  // orders are cancelled at once: they were placed for a market the bot can no longer see.
  const gate = tradeGate(link, {
    settle,
    onClose: (_state, risk) => {
      log(`PAUSE trading: ${risk.description}; cancelling ${resting.size} resting order(s)`);
      resting.clear();
    },
    onOpen: (_state, risk) => log(risk ? `RESUME trading: ${risk.description}` : 'START trading: the link is healthy'),
  });
  subscription.add(gate.riskEvents$.subscribe((risk) => risks.push(risk)));
  subscription.add(logSink(link.events$, logger, { context: { url: link.config.url } }));
  subscription.add(logSink(gate.riskEvents$, logger, { context: { url: link.config.url } }));

  // A report every 10 minutes.
  subscription.add(
    reportSink(link, {
      every: reportEvery,
      writer: (text, report) => {
        reports.push(report);
        log(text);
      },
    }),
  );

  // Reconnect when the quality stays degraded: Unstable for `degradedFor` (a momentary dip is ignored).
  subscription.add(
    link.status$.pipe(switchMap((status) => (status === 'Unstable' ? timer(degradedMs) : EMPTY))).subscribe(() => {
      degradedReconnects++;
      log(`RECONNECT quality degraded for ${String(degradedFor)}; reconnecting`);
      link.reconnect();
    }),
  );

  // The grid: an order each time the price crosses a level, through the gate, never queued.
  const intents = new Subject<GridOrder>();
  let anchor: number | undefined;
  let band: number | undefined;
  let next = 0;
  subscription.add(
    link.messages$
      .pipe(
        map((message) => message as { channel?: string; price?: number }),
        filter((tick) => tick.channel === 'ticks' && typeof tick.price === 'number'),
      )
      .subscribe(({ price }) => {
        const px = price as number;
        anchor ??= px;
        let now = Math.floor((px - anchor) / spacing);
        if (Math.abs(now) > levels) {
          // The price left the grid: centre a new grid on it rather than chase it with orders.
          anchor = px;
          now = 0;
          band = undefined;
        }
        if (band !== undefined && now !== band) {
          next++;
          intents.next({ method: 'order', id: `g-${next}`, side: now < band ? 'buy' : 'sell', px, sz: size });
        }
        band = now;
      }),
  );
  subscription.add(
    intents
      .pipe(
        whileGateOpen(gate.gate$, (order, error) => {
          orders.rejected++;
          log(`REJECT ${order.id} ${order.side} @ ${order.px}: ${error.message}`);
        }),
        mergeMap(async (order) => {
          try {
            await link.send(order, { queue: false });
            orders.sent++;
            resting.add(order.id);
          } catch (error) {
            orders.failed++;
            log(`FAILED ${order.id}: ${error instanceof Error ? error.message : String(error)}`);
          }
        }),
      )
      .subscribe(),
  );

  return {
    link,
    risks,
    reports,
    orders,
    get degradedReconnects() {
      return degradedReconnects;
    },
    stop: async () => {
      subscription.unsubscribe();
      intents.complete();
      await link.close();
    },
  };
}

/** Against the demo's mock exchange with a few faults, time compressed; or against a real endpoint. */
async function main(argv: readonly string[]): Promise<void> {
  const [url, infoUrl] = argv;
  if (url !== undefined && infoUrl !== undefined) {
    const bot = startGridStrategy({ url, infoUrl });
    process.once('SIGINT', () => void bot.stop());
    return;
  }
  const exchange = await startMockExchange({ tickInterval: 100 });
  const bot = startGridStrategy({
    url: exchange.url,
    infoUrl: exchange.infoUrl,
    timing: {
      checkInterval: '1s',
      reportEvery: '8s',
      settle: '1s',
      degradedFor: '2s',
      heartbeatInterval: '500ms',
      heartbeatTimeout: '1500ms',
      initialDelay: '200ms',
      maxDelay: '1s',
      maxAttempts: 2,
      recoveryInterval: '2s',
    },
  });
  // The faults: a dropped connection at 4 s, an outage longer than the retry budget from 9 s to 14 s.
  timer(4000).subscribe(() => exchange.drop());
  timer(9000).subscribe(() => exchange.outage(true));
  timer(14_000).subscribe(() => exchange.outage(false));
  await firstValueFrom(timer(20_000));
  await bot.stop();
  await exchange.close();
  console.log(
    `orders: ${bot.orders.sent} sent, ${bot.orders.rejected} rejected by the gate, ${bot.orders.failed} failed; ` +
      `risk events: ${bot.risks.map((risk) => risk.type).join(', ')}; reports: ${bot.reports.length}`,
  );
}

if (require.main === module) void main(process.argv.slice(2));

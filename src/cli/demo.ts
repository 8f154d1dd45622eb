import {
  EMPTY,
  Observable,
  Subscription,
  catchError,
  filter,
  firstValueFrom,
  from,
  interval,
  map,
  mergeMap,
  of,
  takeUntil,
  timer,
  withLatestFrom,
} from 'rxjs';
import { ConfigError } from '../model/ConfigError';
import { GateState } from '../model/gateState';
import { RequestError } from '../model/RequestError';
import { errorMessage } from '../model/RetryExhaustedError';
import { Connection } from '../streams/Connection';
import { NetworkRiskEvent } from '../sinks/NetworkRiskEvent';
import { ReportLocale, reportLocale } from '../sinks/ReportLocale';
import { compactDuration } from '../sinks/compactDuration';
import { reportSink } from '../sinks/reportSink';
import { TradeGate, tradeGate } from '../sinks/tradeGate';
import { whileGateOpen } from '../sinks/whileGateOpen';
import { DemoJournal } from './demoJournal';
import { DEMO_SETTINGS, DemoInbound, DemoOutbound, demoLink } from './demoLink';
import { DemoOrders } from './demoOrders';
import { ExitCode } from './ExitCode';
import { Terminal } from './Terminal';
import { failedWording } from './failedWording';
import { LinkConsole, linkConsole } from './linkConsole';
import { MockExchange, MockExchangeEvent, MockOrder, startMockExchange } from './mockExchange';
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
    say: () => '⚡ fault 1/5 — dropped connection: the exchange kills every socket without a close frame',
    act: (x) => x.drop(),
  },
  {
    at: 16,
    say: () =>
      '⚡ fault 2/5 — stall (half-open): the socket stays open but ticks, pongs and replies stop, and what is sent on it never arrives; only the heartbeat can tell',
    act: (x) => x.stall(),
  },
  {
    at: 26,
    say: (d) =>
      `⚡ fault 3/5 — latency spike: every reply from the exchange is delayed ${d(SPIKE_MS)} (warning at ${d(DEMO_SETTINGS.latencyWarningMs)})`,
    act: (x, scale) => x.latency(scale(SPIKE_MS)),
  },
  { at: 33, say: () => '✓ the latency spike is over', act: (x) => x.latency(0) },
  {
    at: 36,
    say: () =>
      '⚡ fault 4/5 — the exchange tells every socket to reconnect now (an upgrade), and closes it a moment later',
    act: (x, scale) => x.reconnectNotice('server upgrade', scale(1000)),
  },
  {
    at: 40,
    say: (d) =>
      `⚡ fault 5/5 — outage longer than the retry budget: sockets dropped, upgrades answered HTTP 503 for ${d(14_000)}`,
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
const STORY_END = 64;
const ORDERS_STOP = 63;
const ORDER_EVERY = 1500;
/** How far from the price the strategy bids and offers, in turn: the far ones rest a while (the walk is ±10 a tick). */
const GRID = [5, 10, 20, 40];
/** The strategy's fourth order is deliberately bad (size 0): the exchange answers it with an error. */
const BAD_ORDER = 4;
const REPORT_EVERY = 20;
/** The dead man's switch: the exchange cancels every resting order this long after the last renewal. */
const CANCEL_AFTER = 10_000;
const RENEW_EVERY = 3000;

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
  /** Order requests by outcome. */
  placed: number;
  refused: number;
  unknown: number;
  notSent: number;
  gated: number;
  renewals: number;
  reports: number;
  paused: number;
  resumed: number;
  longestPause: number;
  /** What the exchange saw. */
  logins: number;
  loginsRefused: number;
  subscriptions: number;
  lateRequests: number;
  rateLimited: number;
  cancelledBySwitch: number;
}

/** The demo's clock and printer: story time scaled by the speed, lines tagged with the elapsed time. */
interface DemoOutput {
  readonly terminal: Terminal;
  readonly scale: (ms: number) => number;
  readonly started: number;
  /** A time (ms since the epoch) as the elapsed story time, e.g. `00:08.6`. */
  readonly clock: (at: number) => string;
  readonly line: (tag: string, text: string, at?: number) => void;
}

/** Everything the demo's parts share while it plays. */
interface Play {
  readonly exchange: MockExchange;
  readonly link: Connection<DemoInbound, DemoOutbound>;
  readonly out: DemoOutput;
  readonly tally: Tally;
  readonly orders: DemoOrders;
  readonly journal: DemoJournal;
}

/**
 * `lifeline demo` (`npm start`): an embedded mock exchange on 127.0.0.1 that enforces an exchange's
 * rules (a login signed with the current time, acknowledged subscriptions, a message rate limit, a
 * non-JSON greeting) plays five faults — a dropped connection, a stall, a latency spike, a "reconnect
 * now" notice, an outage longer than the retry budget then recovery — in about a minute, while a
 * small strategy places an order every 1.5 s with `request()` through the trade gate. After every
 * reconnect it shows the session set up again: a freshly signed login, the acknowledged
 * resubscription, the resync hook (what changed while the link was down), ready, the gate reopening;
 * in the console, under each report and in the summary. Then it closes everything and exits 0.
 */
export async function demo(options: Readonly<Record<string, unknown>>, io: CliIo): Promise<ExitCode> {
  const args = demoArgs(options, io);
  if (args === undefined) return ExitCode.Usage;
  const { speed, locale } = args;
  const out = demoOutput(speed, io);
  const exchange = await startMockExchange({
    tickInterval: out.scale(400),
    greeting: DEMO_SETTINGS.greeting,
    messageLimit: DEMO_SETTINGS.exchangeLimit,
    messageLimitWindow: out.scale(1000),
  });
  const tally = emptyTally();
  const orders = new DemoOrders();
  const journal = new DemoJournal();
  const link = demoLink(exchange, out.scale, {
    resynced: (list, reconnect) => {
      const summary = orders.reconcile(list, reconnect);
      journal.resynced(summary);
      out.line('session', `resync hook: the account's orders read back — ${summary}`);
    },
  });
  const play: Play = { exchange, link, out, tally, orders, journal };
  const settle = out.scale(2000);
  const gate = tradeGate(link, { settle });
  printIntro(exchange, out, speed, settle);
  const view = startPlay(play, gate, locale);

  await firstValueFrom(timer(out.scale(STORY_END * 1000)));
  view.unsubscribe();
  out.terminal.end();
  const connections = exchange.connections;
  const busiest = exchange.busiestWindow;
  await link.close();
  await exchange.close();
  printSummary(play, connections, busiest);
  return ExitCode.Ok;
}

/** The speed and the reports' locale; undefined when one is invalid, after telling the usage on stderr. */
function demoArgs(
  options: Readonly<Record<string, unknown>>,
  io: CliIo,
): { readonly speed: number; readonly locale: ReportLocale } | undefined {
  try {
    return {
      speed: demoSpeed(options.speed ?? process.env.LIFELINE_DEMO_SPEED ?? 1),
      locale: reportLocale(options.locale ?? 'zh-CN'),
    };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr.write(`lifeline demo: ${usageMessage(error, options)}\nSee: lifeline demo --help\n`);
    return undefined;
  }
}

/** Nothing counted yet. */
function emptyTally(): Tally {
  return {
    placed: 0,
    refused: 0,
    unknown: 0,
    notSent: 0,
    gated: 0,
    renewals: 0,
    reports: 0,
    paused: 0,
    resumed: 0,
    longestPause: 0,
    logins: 0,
    loginsRefused: 0,
    subscriptions: 0,
    lateRequests: 0,
    rateLimited: 0,
    cancelledBySwitch: 0,
  };
}

/**
 * Everything that plays on the console until the story ends: the live line, the exchange's narration,
 * the reports, the strategy, the dead man's switch and the story's faults. Unsubscribe to stop it all.
 */
function startPlay(play: Play, gate: TradeGate, locale: ReportLocale): LinkConsole {
  const { link, out, tally, orders, journal } = play;
  let lastPrice: number | undefined;
  const view = linkConsole(link, gate, {
    terminal: out.terminal,
    locale,
    json: false,
    line: out.line,
    recover: true,
    liveSuffix: () =>
      `BTC-USD ${lastPrice ?? '—'} │ orders ${tally.placed} placed, ${orders.resting} resting, ${tally.gated} gated`,
    liveEvery: 250,
  });
  view.add(countRisks(gate.riskEvents$, tally));
  view.add(
    link.messages$.subscribe((message) => {
      if (message.channel === 'ticks' && typeof message.price === 'number') lastPrice = message.price;
      if (message.channel === 'orders' && message.status !== undefined)
        orders.changed({ ...message, status: message.status });
    }),
  );
  view.add(link.ready$.pipe(filter(Boolean)).subscribe(() => journal.ready(Date.now())));
  view.add(gate.gate$.pipe(filter((state) => state.open)).subscribe(() => journal.trading(Date.now())));
  view.add(narrateExchange(play));
  view.add(printReports(play, locale));
  view.add(strategy(play, gate.gate$, () => lastPrice, view.drawLive));
  view.add(deadMansSwitch(play));
  view.add(playStory(play.exchange, out));
  return view;
}

/** The link's report every REPORT_EVERY seconds, with the sessions set up in its period beneath it. */
function printReports({ link, out, tally, journal }: Play, locale: ReportLocale): Subscription {
  let periodStart = Date.now();
  return reportSink(link, {
    every: out.scale(REPORT_EVERY * 1000),
    locale,
    writer: (text) => {
      tally.reports++;
      const now = Date.now();
      const sessions = sessionSection(journal, periodStart, now, out, locale);
      periodStart = now;
      out.terminal.print(`\n${failedWording(text, true)}\n${sessions}\n`);
    },
  });
}

function demoOutput(speed: number, io: CliIo): DemoOutput {
  const terminal = new Terminal(io.stdout, io.stdout);
  const started = Date.now();
  const clock = (at: number): string => {
    const seconds = Math.max(0, at - started) / 1000;
    return `${String(Math.floor(seconds / 60)).padStart(2, '0')}:${(seconds % 60).toFixed(1).padStart(4, '0')}`;
  };
  return {
    terminal,
    scale: (ms) => Math.max(1, Math.round(ms / speed)),
    started,
    clock,
    // The link's Failed wording for this command: it keeps watching for the recovery probe.
    line: (tag, text, at = Date.now()) =>
      terminal.print(failedWording(`[${clock(at)}] ${tag.padEnd(8)} ${text}`, true)),
  };
}

function printIntro(exchange: MockExchange, out: DemoOutput, speed: number, settle: number): void {
  const d = (ms: number): string => compactDuration(out.scale(ms), 'en');
  const print = (text: string): void => out.terminal.print(text);
  print(
    `lifeline demo — a mock exchange on ${exchange.url} plays five faults while a strategy trades through the trade gate`,
  );
  print(
    `  about ${d(STORY_END * 1000)} (speed ${speed}×) · link: app ping every ${d(1000)} ` +
      `(timeout ${d(3000)}), 3 retries (${d(500)} × 2, max ${d(2000)}), recovery probe every ${d(6000)}`,
  );
  print(
    `  the exchange's rules: a login signed with the current time (stale or reused: refused), acknowledged subscriptions, ` +
      `at most ${DEMO_SETTINGS.exchangeLimit} messages per connection in any ${d(1000)} (over: disconnected), a greeting that is not JSON`,
  );
  print(
    `  the session, on every connect: signed login → ticks and orders subscriptions acknowledged → resync (the account's orders) → ready; ` +
      `message budget ${DEMO_SETTINGS.budget} per ${d(1000)} plus pings; orders are requests with a deadline (expiresAfter)`,
  );
  print(
    `  trade gate: opens after ${compactDuration(settle, 'en')} of ready with good quality, closes at once otherwise · ` +
      `dead man's switch: cancelAfter ${d(CANCEL_AFTER)}, renewed every ${d(RENEW_EVERY)} while ready · report every ${d(REPORT_EVERY * 1000)}`,
  );
  print('');
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

/** What the exchange sees, in its own words: the proof that the session is set up afresh each time. */
function narrateExchange({ exchange, out, tally, journal }: Play): Subscription {
  const say = (text: string): void => out.line('exchange', text);
  return exchange.events$.subscribe((event: MockExchangeEvent) => {
    journal.exchange(event, Date.now());
    switch (event.type) {
      case 'connection':
        return say(`connection #${event.id} open; greeted it with "${DEMO_SETTINGS.greeting}" (not JSON)`);
      case 'login':
        if (event.accepted) {
          tally.logins++;
          // Below 0 only by the rounding of the clock offset the link corrects its timestamps with.
          return say(
            `connection #${event.id}: login accepted, signed ${Math.max(0, event.ageMs)} ms before it arrived`,
          );
        }
        tally.loginsRefused++;
        return say(`connection #${event.id}: login refused (${event.code ?? 'unknown'})`);
      case 'subscribe':
        if (event.accepted) tally.subscriptions++;
        return say(
          event.accepted
            ? `connection #${event.id}: subscription to ${event.channel} acknowledged`
            : `connection #${event.id}: subscription to ${event.channel} refused (${event.code ?? 'unknown'})`,
        );
      case 'request':
        if (event.code === 'expired') tally.lateRequests++;
        if (event.code !== undefined && event.method !== 'placeOrder') {
          return say(`connection #${event.id}: ${event.method} refused (${event.code})`);
        }
        return;
      case 'cancelAll':
        tally.cancelledBySwitch += event.cancelled;
        return say(`dead man's switch lapsed: ${event.cancelled} resting order(s) cancelled`);
      case 'rateLimited':
        tally.rateLimited++;
        return say(`connection #${event.id}: ${event.count} messages in ${event.windowMs} ms, over the limit: closed`);
      case 'notice':
        return say(`told every socket: reconnect now (${event.reason})`);
      case 'refused':
        return say(`upgrade refused: HTTP ${event.status} (outage)`);
      default:
        return;
    }
  });
}

/** The reports' session section: each socket set up this period, step by step. */
function sessionSection(journal: DemoJournal, from: number, to: number, out: DemoOutput, locale: ReportLocale): string {
  const heading = locale === 'en' ? '   Sessions set up this period:' : '   本周期会话建立:';
  const records = journal.between(from, to);
  if (records.length === 0) return `${heading} ${locale === 'en' ? 'none' : '无'}`;
  return [heading, ...records.map((record) => `   - ${journal.describe(record, out.clock)}`)].join('\n');
}

interface PlaceOrder extends DemoOutbound {
  readonly method: 'placeOrder';
  readonly cid: string;
  readonly side: 'buy' | 'sell';
  readonly px: number;
  readonly sz: number;
}

type Outcome = {
  readonly order: PlaceOrder;
  readonly reply?: MockOrder;
  readonly error?: unknown;
  readonly ms: number;
};

/** The strategy: an order every 1.5 s (5 to 40 from the price), through the gate, as a request; every outcome comes back here. */
function strategy(
  play: Play,
  gate$: Observable<GateState>,
  price: () => number | undefined,
  drawLive: () => void,
): Subscription {
  const { link, out, tally, orders } = play;
  let orderNumber = 0;
  const describe = (order: PlaceOrder): string => `#${order.cid.slice(2)} ${order.side} ${order.sz} @ ${order.px}`;
  return interval(out.scale(ORDER_EVERY))
    .pipe(
      takeUntil(timer(out.scale(ORDERS_STOP * 1000))),
      map((): PlaceOrder => {
        orderNumber++;
        const px = price() ?? 67_000;
        const buy = orderNumber % 2 === 1;
        const away = GRID[orderNumber % GRID.length] as number;
        const at = Math.round((buy ? px - away : px + away) * 10) / 10;
        const sz = orderNumber === BAD_ORDER ? 0 : 0.01;
        return { method: 'placeOrder', cid: `c-${orderNumber}`, side: buy ? 'buy' : 'sell', px: at, sz };
      }),
      whileGateOpen(gate$, (order, error) => {
        tally.gated++;
        out.line('order', `${describe(order)} → rejected by the gate (${error.gate.reason}), not sent`);
      }),
      mergeMap((order) => {
        orders.sent(order.cid, Number(order.cid.slice(2)));
        const sent = Date.now();
        return from(link.request<{ result: MockOrder }>(order, { ttl: out.scale(1000) })).pipe(
          map((reply): Outcome => ({ order, reply: reply.result, ms: Date.now() - sent })),
          catchError((error: unknown) => of<Outcome>({ order, error, ms: Date.now() - sent })),
        );
      }),
    )
    .subscribe(({ order, reply, error, ms }) => {
      out.line('order', `${describe(order)} → ${outcomeText(play, order, reply, error, ms)}`);
      drawLive();
    });
}

/** An order request's outcome in words, counted, and told to the strategy's view of its orders. */
function outcomeText(play: Play, order: PlaceOrder, reply: MockOrder | undefined, error: unknown, ms: number): string {
  const { tally, orders } = play;
  if (reply !== undefined) {
    tally.placed++;
    orders.replied(reply);
    const status = reply.status === 'filled' ? 'filled at once' : 'resting';
    return `placed: order ${reply.orderId}, ${status} (reply in ${ms} ms)`;
  }
  if (error instanceof RequestError && error.outcome === 'rejected') {
    tally.refused++;
    orders.refused(order.cid);
    const answer = (error.reply as { error?: { code?: string; message?: string } } | undefined)?.error;
    return `refused by the exchange (${answer?.code ?? 'error'}): ${answer?.message ?? error.message}`;
  }
  if (error instanceof RequestError && error.outcome === 'unknown') {
    tally.unknown++;
    orders.unknown(order.cid);
    return `outcome unknown (${error.reason}): written, then no reply; the resync after the reconnect will tell`;
  }
  tally.notSent++;
  return `not sent: ${errorMessage(error)}`;
}

/**
 * Renews the exchange's cancel-all timer while the link is ready: a link down longer than the timer
 * (or a dead process) leaves it to lapse, and the exchange cancels the resting orders by itself.
 */
function deadMansSwitch({ link, out, tally }: Play): Subscription {
  return interval(out.scale(RENEW_EVERY))
    .pipe(
      takeUntil(timer(out.scale(ORDERS_STOP * 1000))),
      withLatestFrom(link.ready$),
      filter(([, ready]) => ready),
      mergeMap(() =>
        from(link.request({ method: 'cancelAfter', ms: out.scale(CANCEL_AFTER) }, { ttl: out.scale(1000) })).pipe(
          catchError(() => EMPTY),
        ),
      ),
    )
    .subscribe(() => tally.renewals++);
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

function printSummary({ out, tally, orders, journal }: Play, connections: number, busiest: number): void {
  const print = (text: string): void => out.terminal.print(text);
  const window = compactDuration(out.scale(1000), 'en');
  const requested = tally.placed + tally.refused + tally.unknown + tally.notSent;
  print('');
  print('── summary ──');
  print(
    `  the exchange saw ${connections} connections; each set up with a freshly signed login ` +
      `(${tally.logins} accepted, ${tally.loginsRefused} refused), then its subscriptions (${tally.subscriptions} acknowledged)`,
  );
  for (const record of journal.all) print(`    ${journal.describe(record, out.clock)}`);
  print(
    `  messages: at most ${busiest} from one connection in any ${window} (the exchange's limit ${DEMO_SETTINGS.exchangeLimit}); ` +
      `${tally.rateLimited === 0 ? 'never over it' : `over it ${tally.rateLimited} time(s)`}`,
  );
  print(
    `  orders: ${requested} requested through the open gate: ${tally.placed} placed, ${tally.refused} refused by the exchange, ` +
      `${tally.unknown} outcome unknown, ${tally.notSent} not sent; ${tally.gated} rejected by the trade gate, never sent`,
  );
  if (tally.unknown > 0) {
    print(
      `  outcome unknown, settled by the resync: ${orders.neverArrived} never reached the exchange, ${orders.reachedAfterAll} did — ` +
        'a request written to a half-open socket is lost in the network, and only the exchange can say',
    );
  }
  print(
    `  requests that reached the exchange past their deadline: ${tally.lateRequests}; learnt from the resync, not the private channel: ` +
      `${orders.missedFills} fill(s), ${orders.missedCancels} cancel(s) (the dead man's switch, renewed ${tally.renewals} times while ready, cancelled ${tally.cancelledBySwitch})`,
  );
  print(
    `  network risk events: ${tally.paused} trading paused, ${tally.resumed} resumed; longest pause ${compactDuration(tally.longestPause, 'en')}`,
  );
  print(`  reports: ${tally.reports}`);
  print(`done in ${compactDuration(Date.now() - out.started, 'en')}; exit 0`);
}

import { format } from 'date-fns';
import {
  NEVER,
  Observable,
  Subject,
  asyncScheduler,
  catchError,
  filter,
  firstValueFrom,
  from,
  fromEvent,
  map,
  merge,
  mergeMap,
  observeOn,
  of,
  race,
  timer,
} from 'rxjs';
import { WireData, rawCodec } from '../model/Codec';
import { ConfigError } from '../model/ConfigError';
import { ConnectionStatus } from '../model/ConnectionStatus';
import { LifelineConfig, LifelineConfigInput, defaultConfig, resolveConfig } from '../model/LifelineConfig';
import { MissingPeerError } from '../model/MissingPeerError';
import { errorMessage } from '../model/RetryExhaustedError';
import { parseDuration } from '../model/parseDuration';
import { Connection } from '../streams/Connection';
import { connect } from '../streams/connect';
import { ClosingStatus, GateState } from '../model/gateState';
import { loadPromClient } from '../sinks/loadPromClient';
import { MetricsSource } from '../sinks/metricsSink';
import { MetricsServer, serveMetrics } from '../sinks/serveMetrics';
import { ReportLocale, reportLocale } from '../sinks/ReportLocale';
import { compactDuration } from '../sinks/compactDuration';
import { formatReport } from '../sinks/formatReport';
import { redactHeaders } from '../sinks/redactHeaders';
import { redactUrl } from '../sinks/redactUrl';
import { reports } from '../sinks/reports';
import { tradeGate } from '../sinks/tradeGate';
import { TradeGateConfig, resolveTradeGateConfig } from '../sinks/resolveTradeGateConfig';
import { ExitCode } from './ExitCode';
import { OutputStream, Terminal } from './Terminal';
import { configInput, durationArgument, subscribeArguments } from './configOptions';
import { exchangeSettings } from './exchangeSettings';
import { SessionOptions } from '../streams/SessionOptions';
import { httpProbe } from '../streams/httpProbe';
import { ProxyChoice, proxyAgent } from './proxyAgent';
import { failedWording } from './failedWording';
import { linkConsole } from './linkConsole';
import { ndjson, reportRecord } from './ndjson';
import { tlsHint } from './tlsHint';
import { usageMessage } from './usageMessage';

/** Where the CLI writes. */
export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
}

/** What `lifeline monitor` runs with, validated. */
export interface MonitorSettings {
  readonly input: LifelineConfigInput;
  /** `--exchange`: the profile applied. */
  readonly exchange?: string;
  /** The profile's session options, over text frames (acks, reconnect and fatal notices, frames to ignore). */
  readonly session?: SessionOptions<WireData, WireData>;
  readonly config: LifelineConfig;
  /** Sent as given, on every (re)connect. */
  readonly subscriptions: readonly string[];
  readonly probe?: string;
  readonly reportEvery: number;
  readonly locale: ReportLocale;
  /** Milliseconds; Infinity runs until SIGINT. */
  readonly duration: number;
  readonly json: boolean;
  readonly closeOn: TradeGateConfig['closeOn'] & {};
  readonly settle: number;
  /** Keep watching after Failed (recovery probes) instead of exiting 3. */
  readonly recover: boolean;
  /** `--metrics-port`: serve /metrics and /healthz there (0: any free port). */
  readonly metricsPort?: number;
  readonly metricsHost: string;
  /** The proxy for each endpoint reached through one (`--proxy`, or the environment); absent: direct. */
  readonly proxies: ReadonlyMap<string, ProxyChoice>;
}

/**
 * Reads and checks every monitor option, starting nothing.
 *
 * @throws ConfigError naming the first bad option, its value and what is allowed.
 */
export function monitorSettings(urls: readonly string[], options: Readonly<Record<string, unknown>>): MonitorSettings {
  const exchange = options.exchange === undefined ? undefined : exchangeSettings(options.exchange);
  // The profile's settings first; every flag the user typed overrides them.
  const input: Record<string, unknown> = { ...exchange?.config, ...configInput(urls, options) };
  // The monitor reads frames as text (rawCodec), so the application ping is sent as text: as typed,
  // the profile's, or the default message, serialised unless it is text already.
  const pingMessage =
    typeof options.pingMessage === 'string'
      ? options.pingMessage
      : (exchange?.config.pingMessage ?? defaultConfig.pingMessage);
  input.pingMessage = typeof pingMessage === 'string' ? pingMessage : JSON.stringify(pingMessage);
  const config = resolveConfig(input as unknown as LifelineConfigInput);
  const subscriptions = subscribeArguments(options.subscribe);
  const probe = options.probe as string | undefined;
  if (probe !== undefined) httpProbe(probe);
  const reportEvery = parseDuration(durationArgument(options.reportEvery ?? '10m'), 'reportEvery', {
    allowZero: false,
  });
  const locale = reportLocale(options.locale ?? 'zh-CN');
  const duration = parseDuration(durationArgument(options.duration ?? 'Infinity'), 'duration', {
    allowZero: false,
    allowInfinity: true,
  });
  const closeOn = closeOnArgument(options.closeOn);
  const settle = parseDuration(durationArgument(options.settle ?? '5s'), 'settle');
  resolveTradeGateConfig({ closeOn, settle });
  const metricsPort = options.metricsPort === undefined ? undefined : portArgument(options.metricsPort);
  // Fails before anything starts (exit 2) with "npm install prom-client".
  if (metricsPort !== undefined) loadPromClient();
  const proxies = new Map<string, ProxyChoice>();
  for (const url of config.urls) {
    const choice = proxyAgent(url, options.proxy);
    if (choice !== undefined) proxies.set(url, choice);
  }
  return {
    input: input as unknown as LifelineConfigInput,
    ...(exchange !== undefined ? { exchange: exchange.exchange, session: exchange.session } : {}),
    config,
    subscriptions,
    ...(probe !== undefined ? { probe } : {}),
    reportEvery,
    locale,
    duration,
    json: options.json === true,
    closeOn,
    settle,
    recover: options.recover === true,
    ...(metricsPort !== undefined ? { metricsPort } : {}),
    metricsHost: String(options.metricsHost ?? '127.0.0.1'),
    proxies,
  };
}

/** `--close-on`: `notReady` (the default), or statuses separated by commas. */
function closeOnArgument(value: unknown): TradeGateConfig['closeOn'] & {} {
  const text = String(value ?? 'notReady').trim();
  return text === 'notReady' ? text : (text.split(',').map((status) => status.trim()) as ClosingStatus[]);
}

function portArgument(value: unknown): number {
  const port = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new ConfigError('metricsPort', value, 'a port number from 0 to 65535');
  return port;
}

/**
 * `lifeline monitor <url...>`: runs the full machinery against an endpoint and shows it: status
 * changes, events, gate changes and risk events, reports on the report interval (and a final one),
 * a live status line on a TTY; or all of it as NDJSON with `--json`.
 *
 * @returns The exit code: 0 at the normal end, 2 for bad arguments (nothing started), 3 when the
 * connection ended Failed (at once unless `--recover`).
 */
export async function monitor(
  urls: readonly string[],
  options: Readonly<Record<string, unknown>>,
  io: CliIo,
): Promise<ExitCode> {
  let settings: MonitorSettings;
  try {
    settings = monitorSettings(urls, options);
  } catch (error) {
    if (error instanceof MissingPeerError) {
      io.stderr.write(`lifeline monitor: ${error.message}\n`);
      return ExitCode.Usage;
    }
    if (!(error instanceof ConfigError)) throw error;
    io.stderr.write(`lifeline monitor: ${usageMessage(error, options)}\nSee: lifeline monitor --help\n`);
    return ExitCode.Usage;
  }
  return run(settings, io);
}

type EndReason = 'duration' | 'signal' | 'failed' | 'metrics';

async function run(settings: MonitorSettings, io: CliIo): Promise<ExitCode> {
  const { locale, json } = settings;
  const link = connect<WireData, WireData>({
    ...settings.input,
    ...settings.session,
    codec: rawCodec,
    subscriptions: settings.subscriptions,
    ...(settings.probe !== undefined ? { probe: httpProbe(settings.probe) } : {}),
    ...(settings.proxies.size > 0 ? { agent: (url: string) => settings.proxies.get(url)?.agent } : {}),
  });
  const out = monitorOutput(settings, io);
  printStart(settings, out);
  const gate = tradeGate(link, { closeOn: settings.closeOn, settle: settings.settle });
  const view = linkConsole(link, gate, { ...out, locale, json, recover: settings.recover, liveEvery: 1000 });
  let finalReport = false;
  const finalTrigger = new Subject<void>();
  view.add(
    reports(link, { every: settings.reportEvery, trigger$: finalTrigger }).subscribe((report) => {
      if (json) out.emit(reportRecord(report, finalReport));
      else out.terminal.print(out.forPeople(`\n${formatReport(report, { locale })}\n`));
    }),
  );
  const metrics = startMetrics(link, gate.gate$, settings, out);
  const reason = await firstValueFrom(ending(link, metrics, settings, io));

  const code =
    reason === 'metrics'
      ? ExitCode.Error
      : view.lastState()?.status === ConnectionStatus.Failed
        ? ExitCode.Failed
        : ExitCode.Ok;
  const status = view.lastState()?.status;
  finalReport = true;
  finalTrigger.next();
  view.unsubscribe();
  out.terminal.end();
  (await metrics.catch(() => undefined))?.unsubscribe();
  await link.close();
  settings.proxies.forEach(({ agent }) => agent.destroy());
  if (json) out.emit({ kind: 'end', time: new Date().toISOString(), reason, status, exitCode: code });
  else out.terminal.print(`${out.clock(Date.now())} end    ${endText[reason]}; exit ${code}`);
  return code;
}

/** Where and how the monitor prints: the terminal, a tagged line for people, an NDJSON record. */
interface MonitorOutput {
  readonly terminal: Terminal;
  readonly clock: (at: number) => string;
  /** What the library says for code (reconnect(), OpenSSL's codes), said for the person at the terminal. */
  readonly forPeople: (text: string) => string;
  readonly line: (tag: string, text: string, at?: number) => void;
  readonly emit: (record: Record<string, unknown>) => void;
}

function monitorOutput(settings: MonitorSettings, io: CliIo): MonitorOutput {
  const liveOn = settings.json ? (io.stdout.isTTY ? undefined : io.stderr) : io.stdout;
  const terminal = new Terminal(io.stdout, liveOn);
  const clock = (at: number): string => format(at, 'HH:mm:ss');
  const forPeople = (text: string): string => tlsHint(failedWording(text, settings.recover));
  return {
    terminal,
    clock,
    forPeople,
    line: (tag, text, at = Date.now()) => terminal.print(forPeople(`${clock(at)} ${tag.padEnd(6)} ${text}`)),
    emit: (record) => terminal.print(ndjson(record)),
  };
}

/** The first lines: what is watched and with which settings, as text or as the NDJSON `start` record. */
function printStart(settings: MonitorSettings, out: MonitorOutput): void {
  const { config } = settings;
  if (settings.json) {
    out.emit({
      kind: 'start',
      time: new Date().toISOString(),
      urls: config.urls.map(redactUrl),
      headers: redactHeaders(config.headers),
      ...(settings.exchange !== undefined ? { exchange: settings.exchange } : {}),
      subscriptions: settings.subscriptions.length,
      ping: config.ping,
      heartbeatInterval: config.heartbeatInterval,
      heartbeatTimeout: config.heartbeatTimeout,
      maxAttempts: config.maxAttempts,
      reportEvery: settings.reportEvery,
      duration: settings.duration,
      proxies: [...settings.proxies].map(([url, { display, source }]) => ({
        url: redactUrl(url),
        proxy: display,
        source,
      })),
    });
    return;
  }
  const d = (ms: number): string => compactDuration(ms, 'en');
  out.terminal.print(
    `lifeline monitor ${config.urls.map(redactUrl).join(', ')}${Number.isFinite(settings.duration) ? ` for ${d(settings.duration)}` : ''} — Ctrl-C to stop`,
  );
  if (settings.exchange !== undefined) out.terminal.print(`  exchange profile ${settings.exchange}`);
  out.terminal.print(
    `  heartbeat ${config.ping} every ${d(config.heartbeatInterval)} (timeout ${d(config.heartbeatTimeout)}), ` +
      `${config.maxAttempts} retries (${d(config.initialDelay)} × ${config.factor}, max ${d(config.maxDelay)}), ` +
      `report every ${d(settings.reportEvery)}`,
  );
  for (const [url, { display, source }] of settings.proxies) {
    out.terminal.print(`  ${config.urls.length > 1 ? `${redactUrl(url)} ` : ''}via proxy ${display} (from ${source})`);
  }
}

/** `--metrics-port`: the metrics endpoint, announced once listening; undefined without the option. */
function startMetrics(
  link: MetricsSource,
  gate$: Observable<GateState>,
  settings: MonitorSettings,
  out: MonitorOutput,
): Promise<MetricsServer | undefined> {
  if (settings.metricsPort === undefined) return Promise.resolve(undefined);
  return serveMetrics(link, { gate$, port: settings.metricsPort, host: settings.metricsHost }).then((server) => {
    if (settings.json) out.emit({ kind: 'metrics', time: new Date().toISOString(), url: server.url });
    else out.line('metrics', `${server.url}/metrics  ${server.url}/healthz`);
    return server;
  });
}

/**
 * Why the run ends, whichever comes first: `--duration`, SIGINT or SIGTERM, the link Failed (unless
 * `--recover`), or a metrics port that cannot be bound (said on stderr).
 */
function ending(
  link: Pick<Connection, 'status$'>,
  metrics: Promise<unknown>,
  settings: MonitorSettings,
  io: CliIo,
): Observable<EndReason> {
  const failed$ = link.status$.pipe(
    filter((status) => status === ConnectionStatus.Failed),
    // After the rest of this turn, so the event that says why it failed is printed first.
    observeOn(asyncScheduler),
    map((): EndReason => 'failed'),
  );
  const unbound$ = from(metrics).pipe(
    mergeMap(() => NEVER),
    catchError((error: unknown) => {
      io.stderr.write(
        `lifeline monitor: cannot serve metrics on ${settings.metricsHost}:${settings.metricsPort}: ${errorMessage(error)}\n`,
      );
      return of<EndReason>('metrics');
    }),
  );
  return race(
    Number.isFinite(settings.duration) ? timer(settings.duration).pipe(map((): EndReason => 'duration')) : NEVER,
    merge(fromEvent(process, 'SIGINT'), fromEvent(process, 'SIGTERM')).pipe(map((): EndReason => 'signal')),
    settings.recover ? NEVER : failed$,
    unbound$,
  );
}

const endText: Readonly<Record<EndReason, string>> = {
  duration: 'duration elapsed',
  signal: 'stopped',
  failed: 'the connection has Failed',
  metrics: 'the metrics port could not be bound',
};

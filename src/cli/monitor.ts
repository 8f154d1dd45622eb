import { format } from 'date-fns';
import {
  NEVER,
  Subject,
  Subscription,
  asyncScheduler,
  distinctUntilChanged,
  filter,
  fromEvent,
  interval,
  merge,
  observeOn,
  take,
  timer,
} from 'rxjs';
import { WireData, rawCodec } from '../model/Codec';
import { ConfigError } from '../model/ConfigError';
import { ConnectionQuality, initialQuality, overallScore } from '../model/ConnectionQuality';
import { ConnectionStatus, statusLabelZh } from '../model/ConnectionStatus';
import { LifelineConfig, LifelineConfigInput, defaultConfig, resolveConfig } from '../model/LifelineConfig';
import { ConnectionState } from '../model/ConnectionState';
import { MissingPeerError } from '../model/MissingPeerError';
import { errorMessage } from '../model/RetryExhaustedError';
import { parseDuration } from '../model/parseDuration';
import { connect } from '../streams/connect';
import { GateState } from '../sinks/GateState';
import { loadPromClient } from '../sinks/loadPromClient';
import { MetricsEndpoint, startMetricsEndpoint } from '../sinks/startMetricsEndpoint';
import { ReportLocale, reportLocale } from '../sinks/ReportLocale';
import { compactDuration } from '../sinks/compactDuration';
import { describeEvent } from '../sinks/describeEvent';
import { describeGate } from '../sinks/describeGate';
import { formatReport } from '../sinks/formatReport';
import { redactHeaders } from '../sinks/redactHeaders';
import { redactText } from '../sinks/redactText';
import { redactUrl } from '../sinks/redactUrl';
import { ReportSource, reports } from '../sinks/reports';
import { severityLabel } from '../sinks/severityLabel';
import { tradeGate } from '../sinks/tradeGate';
import { ExitCode } from './ExitCode';
import { OutputStream, Terminal } from './Terminal';
import { configInput, durationArgument, subscribeArguments } from './configOptions';
import { exchangeSettings } from './exchangeSettings';
import { SessionOptions } from '../streams/SessionOptions';
import { httpProbe } from '../streams/httpProbe';
import { ProxyChoice, proxyAgent } from './proxyAgent';
import { failedWording } from './failedWording';
import { eventRecord, gateRecord, ndjson, reportRecord, riskRecord, statusRecord } from './ndjson';
import { statusLine } from './statusLine';
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
  readonly closeOn: readonly ConnectionStatus[];
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
  // reports() checks its interval the same way, without subscribing to anything.
  reports({} as ReportSource, { every: reportEvery });
  const locale = reportLocale(options.locale ?? 'zh-CN');
  const duration = parseDuration(durationArgument(options.duration ?? 'Infinity'), 'duration', {
    allowZero: false,
    allowInfinity: true,
  });
  const closeOn = (String(options.closeOn ?? 'Failed').split(',') as ConnectionStatus[]).map(
    (s) => s.trim() as ConnectionStatus,
  );
  const settle = parseDuration(durationArgument(options.settle ?? '5s'), 'settle');
  tradeGate({ status$: NEVER, quality$: NEVER }, { closeOn, settle });
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

function run(settings: MonitorSettings, io: CliIo): Promise<ExitCode> {
  const { config, locale, json } = settings;
  const link = connect<WireData, WireData>({
    ...settings.input,
    ...settings.session,
    codec: rawCodec,
    subscriptions: settings.subscriptions,
    ...(settings.probe !== undefined ? { probe: httpProbe(settings.probe) } : {}),
    ...(settings.proxies.size > 0 ? { agent: (url: string) => settings.proxies.get(url)?.agent } : {}),
  });
  const liveOn = json ? (io.stdout.isTTY ? undefined : io.stderr) : io.stdout;
  const terminal = new Terminal(io.stdout, liveOn);
  const clock = (at: number): string => format(at, 'HH:mm:ss');
  // What the library says for code (reconnect(), OpenSSL's codes), said for the person at the terminal.
  const forPeople = (text: string): string => tlsHint(failedWording(text, settings.recover));
  const line = (tag: string, text: string, at = Date.now()): void =>
    terminal.print(forPeople(`${clock(at)} ${tag.padEnd(6)} ${text}`));
  const emit = (record: Record<string, unknown>): void => terminal.print(ndjson(record));

  let state: ConnectionState | undefined;
  let quality: ConnectionQuality = initialQuality;
  let gate: GateState | undefined;
  let finalReport = false;
  const finalTrigger = new Subject<void>();
  const subscription = new Subscription();
  const drawLive = (): void => {
    if (state) terminal.status(statusLine({ state, quality, ...(gate ? { gate } : {}), now: Date.now(), locale }));
  };

  if (json) {
    emit({
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
  } else {
    terminal.print(
      `lifeline monitor ${config.urls.map(redactUrl).join(', ')}${Number.isFinite(settings.duration) ? ` for ${compactDuration(settings.duration, 'en')}` : ''} — Ctrl-C to stop`,
    );
    if (settings.exchange !== undefined) terminal.print(`  exchange profile ${settings.exchange}`);
    terminal.print(
      `  heartbeat ${config.ping} every ${compactDuration(config.heartbeatInterval, 'en')} (timeout ${compactDuration(config.heartbeatTimeout, 'en')}), ` +
        `${config.maxAttempts} retries (${compactDuration(config.initialDelay, 'en')} × ${config.factor}, max ${compactDuration(config.maxDelay, 'en')}), ` +
        `report every ${compactDuration(settings.reportEvery, 'en')}`,
    );
    for (const [url, { display, source }] of settings.proxies) {
      terminal.print(`  ${config.urls.length > 1 ? `${redactUrl(url)} ` : ''}via proxy ${display} (from ${source})`);
    }
  }

  subscription.add(
    link.quality$.subscribe((value) => {
      quality = value;
    }),
  );
  subscription.add(
    link.state$
      .pipe(
        distinctUntilChanged(
          (a, b) => a.status === b.status && a.attempt === b.attempt && a.nextRetryAt === b.nextRetryAt,
        ),
      )
      .subscribe((value) => {
        const previous = state;
        state = value;
        if (json) {
          const shown = value.lastError === undefined ? value : { ...value, lastError: tlsHint(value.lastError) };
          emit(statusRecord(shown, Date.now(), overallScore(quality)));
        } else if (previous?.status !== value.status) line('status', describeStatus(value, locale));
        drawLive();
      }),
  );
  subscription.add(
    link.events$.subscribe((event) => {
      if (json) {
        emit(
          eventRecord({
            ...event,
            description: failedWording(event.description, settings.recover),
            ...(event.errorMessage !== undefined ? { errorMessage: tlsHint(event.errorMessage) } : {}),
          }),
        );
      } else line('event', describeEvent(event, locale, { time: false }), event.timestamp);
    }),
  );
  const { gate$, riskEvents$ } = tradeGate(link, { closeOn: settings.closeOn, settle: settings.settle });
  const metrics: Promise<MetricsEndpoint | undefined> =
    settings.metricsPort === undefined
      ? Promise.resolve(undefined)
      : startMetricsEndpoint(link, { gate$, port: settings.metricsPort, host: settings.metricsHost }).then(
          (endpoint) => {
            if (json) emit({ kind: 'metrics', time: new Date().toISOString(), url: endpoint.url });
            else line('metrics', `${endpoint.url}/metrics  ${endpoint.url}/healthz`);
            return endpoint;
          },
        );
  subscription.add(
    gate$.subscribe((value) => {
      gate = value;
      if (json) emit(gateRecord(value, Date.now()));
      else line('gate', describeGate(value, locale));
      drawLive();
    }),
  );
  subscription.add(
    riskEvents$.subscribe((risk) => {
      if (json) emit(riskRecord(risk));
      else line('risk', `[${severityLabel(risk.severity, locale)}] ${risk.description}`, risk.at);
    }),
  );
  subscription.add(
    reports(link, { every: settings.reportEvery, trigger$: finalTrigger }).subscribe((report) => {
      if (json) emit(reportRecord(report, finalReport));
      else terminal.print(forPeople(`\n${formatReport(report, { locale })}\n`));
    }),
  );
  if (terminal.hasLiveLine) subscription.add(interval(1000).subscribe(drawLive));

  return new Promise<ExitCode>((resolve) => {
    let ending = false;
    const finish = (reason: EndReason, forced?: ExitCode): void => {
      if (ending) return;
      ending = true;
      const failed = state?.status === ConnectionStatus.Failed;
      const code = forced ?? (failed ? ExitCode.Failed : ExitCode.Ok);
      finalReport = true;
      finalTrigger.next();
      subscription.unsubscribe();
      terminal.end();
      const closeMetrics = metrics.then(
        (endpoint) => endpoint?.close(),
        () => undefined,
      );
      const closeLink = link.close().then(() => settings.proxies.forEach(({ agent }) => agent.destroy()));
      void Promise.all([closeLink, closeMetrics]).then(() => {
        if (json) {
          emit({ kind: 'end', time: new Date().toISOString(), reason, status: state?.status, exitCode: code });
        } else {
          terminal.print(`${clock(Date.now())} end    ${endText[reason]}; exit ${code}`);
        }
        resolve(code);
      });
    };
    metrics.catch((error: unknown) => {
      io.stderr.write(
        `lifeline monitor: cannot serve metrics on ${settings.metricsHost}:${settings.metricsPort}: ${errorMessage(error)}\n`,
      );
      finish('metrics', ExitCode.Error);
    });
    const ends = new Subscription();
    subscription.add(ends);
    if (Number.isFinite(settings.duration)) ends.add(timer(settings.duration).subscribe(() => finish('duration')));
    ends.add(
      merge(fromEvent(process, 'SIGINT'), fromEvent(process, 'SIGTERM'))
        .pipe(take(1))
        .subscribe(() => finish('signal')),
    );
    if (!settings.recover) {
      ends.add(
        link.status$
          .pipe(
            filter((status) => status === ConnectionStatus.Failed),
            take(1),
            // After the rest of this turn, so the event that says why it failed is printed first.
            observeOn(asyncScheduler),
          )
          .subscribe(() => finish('failed')),
      );
    }
  });
}

const endText: Readonly<Record<EndReason, string>> = {
  duration: 'duration elapsed',
  signal: 'stopped',
  failed: 'the connection has Failed',
  metrics: 'the metrics port could not be bound',
};

function describeStatus(state: ConnectionState, locale: ReportLocale): string {
  const label = locale === 'en' ? state.status : `${statusLabelZh(state.status)} (${state.status})`;
  const error = state.lastError !== undefined ? `: ${redactText(state.lastError)}` : '';
  switch (state.status) {
    case ConnectionStatus.Disconnected:
    case ConnectionStatus.Failed:
      return label + error;
    case ConnectionStatus.Connected:
    case ConnectionStatus.Unstable:
      return state.endpoint !== undefined ? `${label} to ${redactUrl(state.endpoint)}` : label;
    default:
      return label;
  }
}

import dns from 'node:dns';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import tls from 'node:tls';
import { Observable, firstValueFrom, timeout as within } from 'rxjs';
import WebSocket, { ClientOptions } from 'ws';
import { ConfigError } from '../model/ConfigError';
import { integer, oneOf } from '../model/configRules';
import { resolveConfig } from '../model/LifelineConfig';
import { parseDuration } from '../model/parseDuration';
import { errorMessage } from '../model/RetryExhaustedError';
import { redactHeaders } from '../sinks/redactHeaders';
import { redactText } from '../sinks/redactText';
import { redactUrl } from '../sinks/redactUrl';
import { ExitCode } from './ExitCode';
import { configInput, durationArgument, numberArgument, subscribeArguments } from './configOptions';
import { CliIo } from './monitor';
import { ProxyChoice, proxyAgent } from './proxyAgent';
import { tlsHint } from './tlsHint';
import { usageMessage } from './usageMessage';

/** One step's outcome: a time, or why it was skipped, or the error that stopped it. */
export interface StepTiming {
  readonly ms?: number;
  readonly detail?: string;
  readonly skipped?: string;
  readonly error?: string;
}

export interface PingTimings {
  readonly mode: 'ws' | 'app';
  readonly sent: number;
  readonly received: number;
  readonly samplesMs: readonly number[];
  readonly minMs?: number;
  readonly medianMs?: number;
  readonly p95Ms?: number;
  readonly error?: string;
}

/** What `lifeline diagnose` measured. */
export interface Diagnosis {
  readonly url: string;
  readonly ok: boolean;
  readonly steps: {
    readonly dns: StepTiming;
    readonly tcp: StepTiming;
    readonly tls: StepTiming;
    readonly upgrade: StepTiming;
    readonly firstMessage: StepTiming;
    readonly pings: PingTimings;
  };
  readonly totalMs: number;
  /** The proxy the link went through (redacted), and where that came from; `tcp` is then the tunnel. */
  readonly proxy?: { readonly url: string; readonly source: string };
}

/** What `lifeline diagnose` runs with, validated. */
export interface DiagnoseSettings {
  readonly url: string;
  readonly count: number;
  readonly timeout: number;
  readonly ping: 'ws' | 'app';
  readonly pingMessage: string;
  readonly pongMatch: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly protocols: readonly string[];
  readonly subscriptions: readonly string[];
  readonly json: boolean;
  /** `--proxy`, or the environment's; absent: direct. */
  readonly proxy?: ProxyChoice;
}

function settingsOf(url: string, options: Readonly<Record<string, unknown>>): DiagnoseSettings {
  const input = configInput(url, { headers: options.headers, protocols: options.protocols });
  const config = resolveConfig(input);
  const count = integer('count', numberArgument(options.count ?? '5'), 1);
  const timeout = parseDuration(durationArgument(options.timeout ?? '5s'), 'timeout', { allowZero: false });
  const ping = oneOf('ping', options.ping ?? 'ws', ['ws', 'app'] as const);
  const subscriptions = subscribeArguments(options.subscribe);
  const proxy = proxyAgent(config.url, options.proxy);
  return {
    ...(proxy !== undefined ? { proxy } : {}),
    url: config.url,
    count,
    timeout,
    ping,
    pingMessage: String(options.pingMessage ?? '{"method":"ping"}'),
    pongMatch: String(options.pongMatch ?? 'pong'),
    headers: config.headers,
    protocols: config.protocols,
    subscriptions,
    json: options.json === true,
  };
}

/**
 * `lifeline diagnose <url>`: one connection, timed step by step (DNS, TCP connect, TLS handshake,
 * WebSocket upgrade, first message, N ping round trips with min / median / p95), printed as a table
 * or, with `--json`, as one JSON object. Contacts only the given URL, or the proxy (`--proxy`, or
 * `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY` unless `NO_PROXY` matches): then the TCP step is the proxy
 * tunnel (TCP to the proxy, its CONNECT or SOCKS handshake and its connection to the server).
 *
 * @returns 0 when the link was established and every ping came back, 3 when a step failed, 2 for bad arguments.
 */
export async function diagnose(url: string, options: Readonly<Record<string, unknown>>, io: CliIo): Promise<ExitCode> {
  let settings: DiagnoseSettings;
  try {
    settings = settingsOf(url, options);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr.write(`lifeline diagnose: ${usageMessage(error, options)}\nSee: lifeline diagnose --help\n`);
    return ExitCode.Usage;
  }
  const diagnosis = await measure(settings).finally(() => settings.proxy?.agent.destroy());
  io.stdout.write(settings.json ? `${JSON.stringify(diagnosis)}\n` : `${table(diagnosis, settings)}\n`);
  return diagnosis.ok ? ExitCode.Ok : ExitCode.Failed;
}

/** Runs the steps; never throws: a failing step is recorded and the rest are skipped. */
export async function measure(settings: DiagnoseSettings): Promise<Diagnosis> {
  const started = performance.now();
  const parsed = new URL(settings.url);
  const secure = parsed.protocol === 'wss:';
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const port = Number(parsed.port || (secure ? 443 : 80));
  const skipped: StepTiming = { skipped: 'not reached' };
  const steps: {
    dns: StepTiming;
    tcp: StepTiming;
    tls: StepTiming;
    upgrade: StepTiming;
    firstMessage: StepTiming;
    pings: PingTimings;
  } = {
    dns: skipped,
    tcp: skipped,
    tls: secure ? skipped : { skipped: 'ws:// (no TLS)' },
    upgrade: skipped,
    firstMessage: skipped,
    pings: { mode: settings.ping, sent: 0, received: 0, samplesMs: [] },
  };
  const limit = <T>(promise: Promise<T>, what: string): Promise<T> =>
    firstValueFrom(
      new Observable<T>((subscriber) => {
        promise.then(
          (value) => {
            subscriber.next(value);
            subscriber.complete();
          },
          (error: unknown) => subscriber.error(error),
        );
      }).pipe(
        within({
          first: settings.timeout,
          with: () => Promise.reject(new Error(`${what} timed out after ${settings.timeout} ms`)),
        }),
      ),
    );
  const timed = async <T>(run: () => Promise<T>, what: string): Promise<{ value: T; ms: number }> => {
    const at = performance.now();
    const value = await limit(run(), what);
    return { value, ms: performance.now() - at };
  };

  let socket: net.Socket | undefined;
  let ws: WebSocket | undefined;
  let ok = false;
  let step: keyof typeof steps = 'dns';
  // Through a proxy: when the agent handed over the tunnel, and when TLS inside it was up.
  const marks: { start: number; tunnel?: number; tls?: number; tlsDetail?: string } = { start: 0 };
  try {
    let connection: Pick<ClientOptions, 'agent' | 'createConnection'>;
    if (settings.proxy === undefined) {
      let address = host;
      if (net.isIP(host) === 0) {
        const { value, ms } = await timed(() => dns.promises.lookup(host), 'DNS lookup');
        address = value.address;
        steps.dns = { ms, detail: `${value.address} (IPv${value.family})` };
      } else steps.dns = { skipped: 'IP literal' };

      step = 'tcp';
      const tcp = net.connect({ host: address, port });
      socket = tcp;
      const { ms: tcpMs } = await timed(() => once(tcp, 'connect'), 'TCP connect');
      steps.tcp = { ms: tcpMs, detail: `${address.includes(':') ? `[${address}]` : address}:${port}` };

      let stream: net.Socket = tcp;
      if (secure) {
        step = 'tls';
        const secured = tls.connect({
          socket: tcp,
          // The name the certificate is checked against (else "localhost"); SNI only for names, not IPs.
          host,
          ...(net.isIP(host) === 0 ? { servername: host } : {}),
          ALPNProtocols: ['http/1.1'],
        });
        socket = secured;
        const { ms } = await timed(() => once(secured, 'secureConnect'), 'TLS handshake');
        steps.tls = { ms, detail: `${secured.getProtocol() ?? 'TLS'} ${secured.getCipher().name}` };
        stream = secured;
      }
      connection = { createConnection: () => stream };
    } else {
      steps.dns = { skipped: 'through the proxy' };
      step = 'tcp';
      connection = { agent: timedAgent(settings.proxy, marks) };
    }

    step = 'upgrade';
    let status = 0;
    marks.start = performance.now();
    const client = new WebSocket(settings.url, [...settings.protocols], {
      headers: { ...settings.headers },
      perMessageDeflate: false,
      handshakeTimeout: settings.timeout,
      ...connection,
    } as ClientOptions);
    ws = client;
    client.on('upgrade', (response) => (status = response.statusCode ?? 0));
    let firstMessageAt: number | undefined;
    let firstMessage = '';
    // Taken in the handlers: a message sent with the 101 can be handled before an awaiting continuation runs.
    let openedAt = 0;
    client.once('open', () => (openedAt = performance.now()));
    client.on('message', (data) => {
      if (firstMessageAt !== undefined) return;
      firstMessageAt = performance.now();
      firstMessage = data.toString();
    });
    const upgraded = timed(
      () =>
        new Promise<void>((resolve, reject) => {
          client.once('open', () => resolve());
          client.once('error', reject);
          client.once('unexpected-response', (_request, response) =>
            reject(
              new Error(
                response.statusCode === 407
                  ? 'proxy refused: HTTP 407 (proxy authentication required)'
                  : `upgrade rejected: HTTP ${response.statusCode ?? '?'}`,
              ),
            ),
          );
        }),
      settings.proxy === undefined ? 'WebSocket upgrade' : 'proxy tunnel, TLS and WebSocket upgrade',
    );
    if (settings.proxy === undefined) {
      const { ms: upgradeMs } = await upgraded;
      steps.upgrade = {
        ms: upgradeMs,
        detail: `HTTP ${status}${client.protocol ? `, subprotocol ${client.protocol}` : ''}`,
      };
    } else {
      const proxy = settings.proxy;
      try {
        await upgraded;
      } catch (error) {
        // Which part failed: the tunnel (a 407 is the proxy's), TLS inside it, or the upgrade.
        const refused = /HTTP 407/.test(errorMessage(error));
        step = marks.tunnel === undefined || refused ? 'tcp' : secure && marks.tls === undefined ? 'tls' : 'upgrade';
        throw error;
      }
      const tunnelAt = marks.tunnel ?? marks.start;
      steps.tcp = {
        ms: tunnelAt - marks.start,
        detail: `via ${proxy.display} (from ${proxy.source}) to ${host}:${port}`,
      };
      if (secure) steps.tls = { ms: (marks.tls ?? tunnelAt) - tunnelAt, detail: marks.tlsDetail ?? 'TLS' };
      steps.upgrade = {
        ms: openedAt - (marks.tls ?? tunnelAt),
        detail: `HTTP ${status}${client.protocol ? `, subprotocol ${client.protocol}` : ''}`,
      };
    }

    step = 'firstMessage';
    for (const message of settings.subscriptions) client.send(message);
    try {
      await limit(
        waitUntil(() => firstMessageAt !== undefined, client),
        'first message',
      );
      steps.firstMessage = { ms: (firstMessageAt as number) - openedAt, detail: preview(firstMessage) };
    } catch {
      steps.firstMessage = { skipped: `none within ${settings.timeout} ms` };
    }

    step = 'pings';
    const samples: number[] = [];
    let sent = 0;
    try {
      for (let i = 0; i < settings.count; i++) {
        sent++;
        const { ms } = await timed(() => roundTrip(client, settings), 'ping');
        samples.push(ms);
      }
    } catch (error) {
      steps.pings = { ...pingStats(settings.ping, sent, samples), error: errorMessage(error) };
      throw error;
    }
    steps.pings = pingStats(settings.ping, sent, samples);
    ok = true;
  } catch (error) {
    if (step !== 'pings') {
      const failed = { error: tlsHint(redactText(errorMessage(error))) };
      if (step === 'dns') steps.dns = failed;
      else if (step === 'tcp') steps.tcp = failed;
      else if (step === 'tls') steps.tls = failed;
      else if (step === 'upgrade') steps.upgrade = failed;
    }
  } finally {
    if (ws) {
      const client = ws;
      if (client.readyState === WebSocket.OPEN) {
        client.close(1000, 'diagnose done');
        await limit(once(client, 'close'), 'close').catch(() => client.terminate());
      } else client.terminate();
    }
    socket?.destroy();
  }
  return {
    url: redactUrl(settings.url),
    ok,
    steps,
    totalMs: performance.now() - started,
    ...(settings.proxy !== undefined ? { proxy: { url: settings.proxy.display, source: settings.proxy.source } } : {}),
  };
}

/**
 * The proxy's agent, timed: agent-base's documented `connect(req, options)` resolves with the
 * tunnel (for `wss://`, a TLS socket over it), so the moment it resolves ends the tunnel step and
 * its `secureConnect` ends the TLS step.
 */
function timedAgent(
  proxy: ProxyChoice,
  marks: { tunnel?: number; tls?: number; tlsDetail?: string },
): ClientOptions['agent'] {
  const agent = proxy.agent as typeof proxy.agent & { connect(request: unknown, options: unknown): Promise<unknown> };
  const tunnel = agent.connect.bind(agent);
  agent.connect = async (request, options) => {
    const socket = await tunnel(request, options);
    marks.tunnel = performance.now();
    if (socket instanceof tls.TLSSocket) {
      socket.once('secureConnect', () => {
        marks.tls = performance.now();
        marks.tlsDetail = `${socket.getProtocol() ?? 'TLS'} ${socket.getCipher().name}`;
      });
    }
    return socket;
  };
  return agent;
}

function once(emitter: NodeJS.EventEmitter, event: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => {
      emitter.off(event, onEvent);
      reject(error);
    };
    const onEvent = (): void => {
      emitter.off('error', onError);
      resolve();
    };
    emitter.once(event, onEvent);
    emitter.once('error', onError);
  });
}

/** Resolves once `done()` holds, checking on every message; rejects if the socket closes first. */
function waitUntil(done: () => boolean, client: WebSocket): Promise<void> {
  if (done()) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const check = (): void => {
      if (!done()) return;
      cleanup();
      resolve();
    };
    const closed = (): void => {
      cleanup();
      reject(new Error('socket closed'));
    };
    const cleanup = (): void => {
      client.off('message', check);
      client.off('close', closed);
    };
    // After ws's own listener, which records the message.
    client.on('message', check);
    client.on('close', closed);
  });
}

function roundTrip(client: WebSocket, settings: DiagnoseSettings): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const closed = (): void => {
      cleanup();
      reject(new Error('socket closed'));
    };
    const pong = (): void => {
      cleanup();
      resolve();
    };
    const message = (data: WebSocket.RawData): void => {
      if (data.toString().includes(settings.pongMatch)) pong();
    };
    const cleanup = (): void => {
      client.off('pong', pong);
      client.off('message', message);
      client.off('close', closed);
    };
    client.on('close', closed);
    if (settings.ping === 'ws') {
      client.on('pong', pong);
      client.ping();
    } else {
      client.on('message', message);
      client.send(settings.pingMessage);
    }
  });
}

function pingStats(mode: 'ws' | 'app', sent: number, samples: readonly number[]): PingTimings {
  if (samples.length === 0) return { mode, sent, received: 0, samplesMs: [] };
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return {
    mode,
    sent,
    received: samples.length,
    samplesMs: samples,
    minMs: sorted[0] as number,
    medianMs: median,
    // Nearest rank: the smallest sample with at least 95 % of samples at or below it.
    p95Ms: sorted[Math.ceil(0.95 * sorted.length) - 1] as number,
  };
}

function preview(text: string): string {
  const flat = redactText(text.replace(/\s+/g, ' '));
  return flat.length > 60 ? `${flat.slice(0, 59)}…` : flat;
}

const ms = (value: number | undefined): string =>
  value === undefined ? '—' : `${value.toFixed(value < 10 ? 2 : 1)} ms`;

function table(diagnosis: Diagnosis, settings: DiagnoseSettings): string {
  const { steps } = diagnosis;
  const cell = (timing: StepTiming): [string, string] =>
    timing.error !== undefined
      ? ['failed', timing.error]
      : timing.ms !== undefined
        ? [ms(timing.ms), timing.detail ?? '']
        : ['—', timing.skipped ?? ''];
  const pings = steps.pings;
  const pingCell: [string, string] =
    pings.sent === 0
      ? ['—', 'not reached']
      : [
          `${pings.received}/${pings.sent}`,
          (pings.received > 0
            ? `min ${ms(pings.minMs)} · median ${ms(pings.medianMs)} · p95 ${ms(pings.p95Ms)}`
            : 'no answer') +
            ` (${pings.mode === 'ws' ? 'protocol ping' : 'application ping'})${pings.error ? `; ${pings.error}` : ''}`,
        ];
  const rows: Array<[string, [string, string]]> = [
    ['DNS lookup', cell(steps.dns)],
    [diagnosis.proxy === undefined ? 'TCP connect' : 'proxy tunnel', cell(steps.tcp)],
    ['TLS handshake', cell(steps.tls)],
    ['WebSocket upgrade', cell(steps.upgrade)],
    ['first message', cell(steps.firstMessage)],
    ['ping round trips', pingCell],
    ['total', [ms(diagnosis.totalMs), diagnosis.ok ? 'ok' : 'FAILED']],
  ];
  const headers = Object.entries(redactHeaders(settings.headers)).map(([name, value]) => `${name}: ${value}`);
  return [
    `lifeline diagnose ${diagnosis.url}${diagnosis.proxy ? ` via proxy ${diagnosis.proxy.url} (from ${diagnosis.proxy.source})` : ''}${headers.length > 0 ? ` (headers: ${headers.join('; ')})` : ''}`,
    `  ${'step'.padEnd(19)} ${'time'.padEnd(10)} detail`,
    ...rows.map(([name, [time, detail]]) => `  ${name.padEnd(19)} ${time.padEnd(10)} ${detail}`.trimEnd()),
  ].join('\n');
}

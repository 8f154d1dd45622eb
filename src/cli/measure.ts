import dns from 'node:dns';
import { once } from 'node:events';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import tls from 'node:tls';
import { firstValueFrom, from, throwError, timeout } from 'rxjs';
import WebSocket, { ClientOptions } from 'ws';
import { errorMessage } from '../model/RetryExhaustedError';
import { redactText } from '../sinks/redactText';
import { redactUrl } from '../sinks/redactUrl';
import { DiagnoseSettings, Diagnosis, PingTimings, StepTiming } from './Diagnosis';
import { ProxyChoice } from './proxyAgent';
import { tlsHint } from './tlsHint';

type Steps = { -readonly [K in keyof Diagnosis['steps']]: Diagnosis['steps'][K] };
type Connection = Pick<ClientOptions, 'agent' | 'createConnection'>;

/** One measurement under way: what it measures, what it has found, the step it is on, what to close. */
interface Run {
  readonly settings: DiagnoseSettings;
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
  readonly steps: Steps;
  step: keyof Steps;
  socket?: net.Socket;
  ws?: WebSocket;
  /** When the socket opened, and the first message after it (recorded by the upgrade's own listener). */
  openedAt: number;
  first?: { readonly at: number; readonly text: string };
  /** Through a proxy: when the upgrade began, the agent handed over the tunnel, and TLS inside it was up. */
  readonly marks: { start: number; tunnel?: number; tls?: number; tlsDetail?: string };
}

/**
 * Runs `lifeline diagnose`'s steps on one connection: DNS, TCP connect (or the proxy tunnel), TLS,
 * WebSocket upgrade, first message, N ping round trips. Never throws: a failing step is recorded
 * and the rest are skipped.
 *
 * @example
 * const diagnosis = await measure(settings);
 * diagnosis.steps.upgrade; // { ms: 1.9, detail: 'HTTP 101' }
 *
 * @param settings The URL, count, per-step timeout, ping mode, headers, subscriptions and proxy.
 * @returns Every step's timing, whether it all worked, and the total.
 */
export async function measure(settings: DiagnoseSettings): Promise<Diagnosis> {
  const started = performance.now();
  const parsed = new URL(settings.url);
  const secure = parsed.protocol === 'wss:';
  const skipped: StepTiming = { skipped: 'not reached' };
  const run: Run = {
    settings,
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: Number(parsed.port || (secure ? 443 : 80)),
    secure,
    steps: {
      dns: skipped,
      tcp: skipped,
      tls: secure ? skipped : { skipped: 'ws:// (no TLS)' },
      upgrade: skipped,
      firstMessage: skipped,
      pings: { mode: settings.ping, sent: 0, received: 0, samplesMs: [] },
    },
    step: 'dns',
    openedAt: 0,
    marks: { start: 0 },
  };
  let ok = false;
  try {
    const client = await upgrade(run, settings.proxy === undefined ? await connectDirect(run) : viaProxy(run));
    await firstMessage(run, client);
    await pings(run, client);
    ok = true;
  } catch (error) {
    // The first message is optional and the pings record their own failure.
    if (run.step !== 'pings' && run.step !== 'firstMessage') {
      run.steps[run.step] = { error: tlsHint(redactText(errorMessage(error))) };
    }
  } finally {
    await closeAll(run);
  }
  return {
    url: redactUrl(settings.url),
    ok,
    steps: run.steps,
    totalMs: performance.now() - started,
    ...(settings.proxy !== undefined ? { proxy: { url: settings.proxy.display, source: settings.proxy.source } } : {}),
  };
}

/** The promise, or a timeout error naming the step once `settings.timeout` has passed. */
function limit<T>(run: Run, promise: Promise<T>, what: string): Promise<T> {
  const ms = run.settings.timeout;
  return firstValueFrom(
    from(promise).pipe(
      timeout({ first: ms, with: () => throwError(() => new Error(`${what} timed out after ${ms} ms`)) }),
    ),
  );
}

async function timed<T>(run: Run, start: () => Promise<T>, what: string): Promise<{ value: T; ms: number }> {
  const at = performance.now();
  const value = await limit(run, start(), what);
  return { value, ms: performance.now() - at };
}

/** DNS, TCP and TLS by hand, each timed; the upgrade then runs on the socket they made. */
async function connectDirect(run: Run): Promise<Connection> {
  const { host, port, steps } = run;
  let address = host;
  if (net.isIP(host) === 0) {
    const { value, ms } = await timed(run, () => dns.promises.lookup(host), 'DNS lookup');
    address = value.address;
    steps.dns = { ms, detail: `${value.address} (IPv${value.family})` };
  } else steps.dns = { skipped: 'IP literal' };

  run.step = 'tcp';
  const tcp = net.connect({ host: address, port });
  run.socket = tcp;
  const { ms: tcpMs } = await timed(run, () => once(tcp, 'connect'), 'TCP connect');
  steps.tcp = { ms: tcpMs, detail: `${address.includes(':') ? `[${address}]` : address}:${port}` };
  if (!run.secure) return { createConnection: () => tcp };

  run.step = 'tls';
  const secured = tls.connect({
    socket: tcp,
    // The name the certificate is checked against (else "localhost"); SNI only for names, not IPs.
    host,
    ...(net.isIP(host) === 0 ? { servername: host } : {}),
    ALPNProtocols: ['http/1.1'],
  });
  run.socket = secured;
  const { ms } = await timed(run, () => once(secured, 'secureConnect'), 'TLS handshake');
  steps.tls = { ms, detail: `${secured.getProtocol() ?? 'TLS'} ${secured.getCipher().name}` };
  return { createConnection: () => secured };
}

function viaProxy(run: Run): Connection {
  run.steps.dns = { skipped: 'through the proxy' };
  run.step = 'tcp';
  return { agent: timedAgent(run.settings.proxy as ProxyChoice, run.marks) };
}

/** The WebSocket upgrade, timed; through a proxy, the tunnel and TLS steps are told apart by the agent's marks. */
async function upgrade(run: Run, connection: Connection): Promise<WebSocket> {
  const { settings, steps, marks } = run;
  run.step = 'upgrade';
  let status = 0;
  marks.start = performance.now();
  const client = new WebSocket(settings.url, [...settings.protocols], {
    headers: { ...settings.headers },
    perMessageDeflate: false,
    handshakeTimeout: settings.timeout,
    ...connection,
  } as ClientOptions);
  run.ws = client;
  client.on('upgrade', (response) => (status = response.statusCode ?? 0));
  // Taken in the handlers: a message sent with the 101 can be handled before an awaiting continuation runs.
  client.once('open', () => (run.openedAt = performance.now()));
  client.on('message', (data) => {
    run.first ??= { at: performance.now(), text: data.toString() };
  });
  const upgraded = timed(
    run,
    () => opened(client),
    settings.proxy === undefined ? 'WebSocket upgrade' : 'proxy tunnel, TLS and WebSocket upgrade',
  );
  const detail = (): string => `HTTP ${status}${client.protocol ? `, subprotocol ${client.protocol}` : ''}`;
  if (settings.proxy === undefined) {
    steps.upgrade = { ms: (await upgraded).ms, detail: detail() };
    return client;
  }
  try {
    await upgraded;
  } catch (error) {
    // Which part failed: the tunnel (a 407 is the proxy's), TLS inside it, or the upgrade.
    const refused = /HTTP 407/.test(errorMessage(error));
    run.step =
      marks.tunnel === undefined || refused ? 'tcp' : run.secure && marks.tls === undefined ? 'tls' : 'upgrade';
    throw error;
  }
  const tunnelAt = marks.tunnel ?? marks.start;
  steps.tcp = {
    ms: tunnelAt - marks.start,
    detail: `via ${settings.proxy.display} (from ${settings.proxy.source}) to ${run.host}:${run.port}`,
  };
  if (run.secure) steps.tls = { ms: (marks.tls ?? tunnelAt) - tunnelAt, detail: marks.tlsDetail ?? 'TLS' };
  steps.upgrade = { ms: run.openedAt - (marks.tls ?? tunnelAt), detail: detail() };
  return client;
}

/** Resolves when the socket opens; rejects with why the upgrade failed. */
function opened(client: WebSocket): Promise<void> {
  return new Promise<void>((resolve, reject) => {
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
  });
}

/** Sends the subscriptions and times the first message after the open; none within the timeout is no failure. */
async function firstMessage(run: Run, client: WebSocket): Promise<void> {
  run.step = 'firstMessage';
  for (const message of run.settings.subscriptions) client.send(message);
  try {
    await limit(
      run,
      waitUntil(() => run.first !== undefined, client),
      'first message',
    );
    const first = run.first as { at: number; text: string };
    run.steps.firstMessage = { ms: first.at - run.openedAt, detail: preview(first.text) };
  } catch {
    run.steps.firstMessage = { skipped: `none within ${run.settings.timeout} ms` };
  }
}

/** `count` round trips, one after the other; the first one lost ends the run, with the ones that came back. */
async function pings(run: Run, client: WebSocket): Promise<void> {
  const { settings } = run;
  run.step = 'pings';
  const samples: number[] = [];
  let sent = 0;
  try {
    for (let i = 0; i < settings.count; i++) {
      sent++;
      samples.push((await timed(run, () => roundTrip(client, settings), 'ping')).ms);
    }
  } catch (error) {
    run.steps.pings = { ...pingStats(settings.ping, sent, samples), error: errorMessage(error) };
    throw error;
  }
  run.steps.pings = pingStats(settings.ping, sent, samples);
}

/** Closes the WebSocket cleanly when it is open (else at once) and the socket under it. */
async function closeAll(run: Run): Promise<void> {
  const client = run.ws;
  if (client) {
    if (client.readyState === WebSocket.OPEN) {
      client.close(1000, 'diagnose done');
      await limit(run, once(client, 'close'), 'close').catch(() => client.terminate());
    } else client.terminate();
  }
  run.socket?.destroy();
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

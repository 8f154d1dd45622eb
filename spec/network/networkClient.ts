// The trader's side of the network test bed, run in the client namespace by `clientProcess`: the
// built library (`dist/`, loaded from the package root as a user's `require('lifeline-ws')` would),
// a `connect()` with the case's settings, the default trade gate and its `/healthz`, and loads of
// sends with an id each. It reports its timeline (status, state, events, gate, health, score) to
// the suite over IPC as it happens, and every send's fate when told to finish.
import { get } from 'node:http';
import { join } from 'node:path';
import type * as Lifeline from '../../src/index';
import type * as LifelineMetrics from '../../src/metrics';
import type * as Config from '../../src/model/LifelineConfig';
import { ClientCommand, ClientInput, ClientReport, Load, OutboundMessage, SendRecord } from './protocol';
import { wallNow } from './wallNow';

const input = JSON.parse(process.argv[2] ?? '{}') as ClientInput;
const lifeline = require(input.root) as typeof Lifeline;
const metricsEntry = require(join(input.root, 'dist', 'metrics.js')) as typeof LifelineMetrics;
const { defaultConfig } = require(join(input.root, 'dist', 'model', 'LifelineConfig.js')) as typeof Config;
const report = (message: ClientReport): void => {
  process.send?.(message);
};

/** `link.config` fields of today's library: any other one is new, and the suite prints it. */
const knownConfig = new Set(['url', 'urls', ...Object.keys(defaultConfig)]);
/** Fields the suite always prints. */
const printedConfig = ['heartbeatInterval', 'heartbeatTimeout', 'unstableTimeout', 'queueTtl', 'queueSize'];

const subscribe = (channel: string): OutboundMessage => ({ method: 'subscribe', id: `sub:${channel}` });

/**
 * `connect()` with every optional setting it takes: one it names in a ConfigError as an unknown option
 * is dropped and the call retried.
 */
function connectDefensively(): {
  link: Lifeline.Connection<unknown, OutboundMessage>;
  accepted: Record<string, unknown>;
  refused: string[];
} {
  const accepted: Record<string, unknown> = { ...input.optional };
  const refused: string[] = [];
  for (;;) {
    try {
      const link = lifeline.connect<unknown, OutboundMessage>({
        url: input.url,
        ...input.settings,
        ...accepted,
        subscriptions: input.subscriptions.map(subscribe),
      } as Lifeline.ConnectOptions<unknown, OutboundMessage>);
      return { link, accepted, refused };
    } catch (error) {
      // Only an option this version does not know is dropped; a value it refuses is the case's failure.
      const unknown =
        error instanceof lifeline.ConfigError &&
        /unknown option|a known option/i.test(`${error.message} ${error.allowed}`);
      const field = unknown ? error.field : undefined;
      if (field === undefined || !(field in accepted)) throw error;
      refused.push(field);
      delete accepted[field];
    }
  }
}

const { link, accepted, refused } = connectDefensively();
const config = link.config as unknown as Record<string, unknown>;
report({
  type: 'started',
  at: wallNow(),
  accepted,
  refused,
  config: Object.fromEntries(
    Object.keys(config)
      .filter((key) => printedConfig.includes(key) || !knownConfig.has(key))
      .map((key) => [key, config[key]]),
  ),
});

link.status$.subscribe((status) => report({ type: 'status', at: wallNow(), status }));
let lastDetail = '';
link.state$.subscribe((state) => {
  const { status, since: _since, attempt, maxAttempts, nextRetryAt: _next, ...rest } = state;
  const detail = JSON.stringify({ attempt: `${attempt}/${maxAttempts}`, ...rest });
  if (detail === lastDetail) return;
  lastDetail = detail;
  report({ type: 'state', at: wallNow(), status, detail });
});
link.events$.subscribe((event) =>
  report({ type: 'event', at: wallNow(), event: event.type, description: event.description }),
);
let lastScore = -1;
link.quality$.subscribe((quality) => {
  const score = Math.round(lifeline.overallScore(quality) * 10) / 10;
  if (score === lastScore) return;
  lastScore = score;
  report({ type: 'score', at: wallNow(), score });
});

// The trade gate with its defaults, and the /healthz that follows it (on loopback, inside this namespace).
const { gate$ } = lifeline.tradeGate(link);
const gateSubscription = gate$.subscribe((state) =>
  report({ type: 'gate', at: wallNow(), open: state.open, reason: state.reason }),
);
const healthServer = metricsEntry.serveMetrics(link, { gate$, port: 0 });
let lastHealth = 0;
const healthPoll = setInterval(() => {
  void healthServer.then((server) => {
    const request = get(`${server.url}/healthz`, { timeout: 1000 }, (response) => {
      response.resume();
      const code = response.statusCode ?? 0;
      if (code === lastHealth) return;
      lastHealth = code;
      report({ type: 'health', at: wallNow(), code });
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => undefined);
  });
}, 100);

// Inbound: counted; with `stall`, the handler blocks the event loop now and then, as a busy strategy does.
let inbound = 0;
link.messages$.subscribe(() => {
  inbound++;
  if (input.stall && inbound % input.stall.messages === 0) {
    const from = wallNow();
    while (wallNow() - from < input.stall.ms) {
      // Busy: the event loop is blocked, as by a strategy's heavy computation.
    }
    report({ type: 'stall', at: from, ms: wallNow() - from });
  }
});

let added: { unsubscribe(): void } | undefined;
if (input.addSubscription !== undefined) {
  const channel = input.addSubscription;
  link.status$.subscribe((status) => {
    if (status === 'Connected' && added === undefined) added = link.addSubscription(subscribe(channel));
  });
}

// Outbound: one record per send, with its fate.
const sends: SendRecord[] = [];
let sequence = 0;
const pads = new Map<number, string>();
const padOf = (bytes: number): string => {
  let pad = pads.get(bytes);
  if (pad === undefined) {
    pad = 'x'.repeat(Math.max(0, bytes - 40));
    pads.set(bytes, pad);
  }
  return pad;
};

function sendOne(method: 'order' | 'bulk', ttlMs: number | undefined, bytes: number): void {
  const id = `${method === 'order' ? 'o' : 'b'}${++sequence}`;
  const message: OutboundMessage = bytes > 64 ? { method, id, pad: padOf(bytes) } : { method, id };
  const index = sends.length;
  const sentAt = wallNow();
  sends.push({ id, method, sentAt, ttlMs: ttlMs ?? null });
  link.send(message, ttlMs === undefined ? undefined : { ttl: ttlMs }).then(
    () => {
      sends[index] = { ...(sends[index] as SendRecord), resolvedAt: wallNow() };
    },
    (error: unknown) => {
      const reason = error instanceof lifeline.SendError ? error.reason : String((error as Error)?.name ?? error);
      sends[index] = { ...(sends[index] as SendRecord), rejectedAt: wallNow(), reason };
    },
  );
}

const loads = new Map<string, NodeJS.Timeout>();
function startLoad(load: Load): void {
  clearInterval(loads.get(load.name));
  loads.set(
    load.name,
    setInterval(() => sendOne(load.method, load.ttlMs, load.bytes), load.everyMs),
  );
}

function stopLoads(): void {
  for (const timer of loads.values()) clearInterval(timer);
  loads.clear();
}

async function finish(): Promise<void> {
  stopLoads();
  clearInterval(healthPoll);
  const started = wallNow();
  let closeTimer: NodeJS.Timeout | undefined;
  await Promise.race([link.close(), new Promise<void>((resolve) => (closeTimer = setTimeout(resolve, 5000)))]);
  clearTimeout(closeTimer);
  const closeMs = wallNow() - started;
  added?.unsubscribe();
  gateSubscription.unsubscribe();
  (await healthServer).unsubscribe();
  // Rejections from close() settle in microtasks; let them land in the records.
  await new Promise((resolve) => setImmediate(resolve));
  const finished: ClientReport = { type: 'finished', at: wallNow(), sends, inbound, closeMs };
  process.send?.(finished, () => process.exit(0));
}

process.on('message', (command: ClientCommand) => {
  switch (command.type) {
    case 'load':
      return startLoad(command.load);
    case 'stopLoads':
      return stopLoads();
    case 'send':
      return sendOne(command.method, command.ttlMs, command.bytes);
    case 'finish':
      finish().catch((error: unknown) => {
        report({ type: 'failed', at: wallNow(), message: String((error as Error)?.stack ?? error) });
        process.exit(1);
      });
  }
});
process.on('disconnect', () => setTimeout(() => process.exit(0), 200).unref());
process.on('uncaughtException', (error) => {
  report({ type: 'failed', at: wallNow(), message: String(error.stack ?? error) });
  process.exit(1);
});

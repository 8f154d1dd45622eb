import { ObservableInput, SchedulerLike, asyncScheduler } from 'rxjs';
import { Codec, WireData, jsonCodec } from '../model/Codec';
import { ConfigError } from '../model/ConfigError';
import { Budget } from '../model/Budget';
import { WindowBudget } from '../model/WindowBudget';
import { integer } from '../model/configRules';
import { LifelineConfig, resolveConfig } from '../model/LifelineConfig';
import { parseDuration } from '../model/parseDuration';
import { errorMessage } from '../model/RetryExhaustedError';
import { ConnectOptions, RestoredState, WatchdogOptions } from './Connection';
import { defaultShouldRetry } from './defaultShouldRetry';
import { FeedLagWatch, FeedWatchdog } from './feedWatch';
import { EndpointSpec } from './Endpoints';
import { AppPing } from './SocketSession';
import { ResolvedSession, resolveSessionOptions } from './resolveSessionOptions';
import { AckRule, MessageOrBuilder, SubscriptionOptions } from './SessionOptions';
import { SubscriptionEntry } from './SubscriptionBook';
import { Transport } from './Transport';
import { webSocketTransport } from './webSocketTransport';

/** `connect()`'s options, checked and ready to run: nothing here has started anything. */
export interface ResolvedConnectOptions<In, Out> extends ResolvedSession<In, Out> {
  readonly config: LifelineConfig;
  readonly codec: Codec<In, Out>;
  readonly probe: (() => ObservableInput<unknown>) | undefined;
  readonly shouldRetry: (error: unknown, attempt: number) => boolean;
  readonly scheduler: SchedulerLike;
  readonly random: () => number;
  /** One per endpoint, in the order of `config.urls`. */
  readonly endpoints: readonly EndpointSpec[];
  readonly budget: Budget;
  /** The subscriptions, each built and encoded per connect (a message is encoded once, here). */
  readonly subscriptions: readonly SubscriptionEntry<In>[];
  /** The watchdogs, with their durations in ms and their resubscribe messages encoded. */
  readonly watchdogs: readonly FeedWatchdog<In, WireData>[];
  /** The application ping, encoded, and how to recognise its answer; undefined for protocol pings. */
  readonly appPing: AppPing | undefined;
  readonly restore: RestoredState | undefined;
}

/**
 * Checks every option of `connect()` and prepares what it needs, throwing a `ConfigError` that
 * names the first bad field, its value and what is allowed, before anything starts. Messages known
 * up front (subscriptions, resubscriptions, the application ping) are encoded here, so one the
 * codec cannot encode is a configuration error, not a send failure later.
 */
export function resolveConnectOptions<In, Out>(options: ConnectOptions<In, Out>): ResolvedConnectOptions<In, Out> {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError('options', options, 'an object with a url');
  }
  const {
    probe,
    codec = jsonCodec as unknown as Codec<In, Out>,
    subscriptions = [],
    shouldRetry = defaultShouldRetry,
    tls,
    agent,
    transport,
    budget,
    watchdogs = [],
    restore,
    scheduler = asyncScheduler,
    random = Math.random,
    handshake,
    resync,
    correlation,
    acks,
    messageBudget,
    reconnectOn,
    fatalOn,
    ignoreFrames,
    url,
    ...settings
  } = options;
  const urls = urlList(url);
  const config = resolveConfig({
    ...settings,
    // A function URL is checked when it answers; anything else that is not a URL is a ConfigError here.
    url: urls.map((entry, i) => (typeof entry === 'function' ? `ws://dynamic-${i + 1}.invalid/` : entry)) as string[],
  });
  checkParts({ tls, agent, transport, probe, codec, subscriptions, shouldRetry, random, scheduler, budget, watchdogs });
  const session = resolveSessionOptions(
    { handshake, resync, correlation, acks, messageBudget, reconnectOn, fatalOn, ignoreFrames },
    codec,
    config,
  );
  const encode = encoderOf(codec);
  const endpoints = urls.map((entry, i) => endpointOf(entry, i, transport, config, tls, agent));
  // One literal with every field, the session's named: a spread followed by keys it lacks would give
  // every handle's options a hidden class of its own (see withFields), and `Object.assign` onto a
  // literal puts the added fields in a separate property array.
  return {
    config:
      typeof urls[0] === 'string'
        ? config
        : { ...config, url: endpoints[0]?.label as string, urls: endpoints.map((e) => e.label) },
    codec,
    probe,
    shouldRetry,
    scheduler,
    random,
    endpoints,
    budget: budget ?? new WindowBudget({ limit: config.connectLimit, window: config.connectLimitWindow }),
    subscriptions: mapOrNone(subscriptions, (message, i) =>
      subscriptionEntry(
        message as MessageOrBuilder<Out>,
        `subscriptions[${i}]`,
        {},
        session.acks,
        codec,
        config,
        encode,
      ),
    ),
    watchdogs: mapOrNone(watchdogs, (watchdog, i) => resolveWatchdog(watchdog, i, encode)),
    appPing: appPingOf(config, encode),
    restore,
    hooks: session.hooks,
    directives: session.directives,
    requests: session.requests,
    replies: session.replies,
    acks: session.acks,
    messageBudget: session.messageBudget,
  };
}

/**
 * Encodes a message known up front with the link's codec; one it cannot encode is a `ConfigError`
 * naming `field`, here, rather than a send failure later.
 */
function encoderOf<In, Out>(codec: Codec<In, Out>): (message: unknown, field: string) => WireData {
  return (message, field) => {
    try {
      return codec.encode(message as Out);
    } catch (error) {
      throw new ConfigError(field, message, `a message the codec can encode (${errorMessage(error)})`);
    }
  };
}

/** An empty list every handle without subscriptions or watchdogs shares (an array each is 32 B). */
const NONE: readonly never[] = Object.freeze([]);

/** `list.map(each)`, or the shared empty list. */
function mapOrNone<T, U>(list: readonly T[], each: (item: T, index: number) => U): readonly U[] {
  return list.length === 0 ? NONE : list.map(each);
}

/** The `url` option as a list: one endpoint, or several for failover; each a URL or a function. */
function urlList<T>(url: T | readonly T[]): readonly T[] {
  if (Array.isArray(url)) return url as readonly T[];
  return [url as T];
}

/** The application ping, encoded, and its matcher; undefined with protocol pings. */
function appPingOf(config: LifelineConfig, encode: (message: unknown, field: string) => WireData): AppPing | undefined {
  if (config.ping !== 'app') return undefined;
  const pongMatch = config.pongMatch;
  return {
    frame: typeof config.pingMessage === 'string' ? config.pingMessage : encode(config.pingMessage, 'pingMessage'),
    isPong:
      typeof pongMatch === 'string'
        ? (data) => typeof data === 'string' && data.includes(pongMatch)
        : (data) => typeof data === 'string' && pongMatch(data),
  };
}

/**
 * One subscription, ready to write on any socket: a message encoded here (a bad one is a
 * `ConfigError` naming `field`), a builder encoded on every connect; its ack rule its own, or the
 * handle's `acks` for its message.
 */
export function subscriptionEntry<In, Out>(
  message: MessageOrBuilder<Out>,
  field: string,
  options: SubscriptionOptions<In, Out>,
  acks: ((subscription: Out) => AckRule<In> | undefined) | undefined,
  codec: Codec<In, Out>,
  config: Pick<LifelineConfig, 'readyTimeout'>,
  encode: (message: unknown, field: string) => WireData,
): SubscriptionEntry<In> {
  const sample = typeof message === 'function' ? (message as () => Out)() : message;
  const data = encode(sample, field);
  const ack = options.ack ?? acks?.(sample);
  if (ack !== undefined && (typeof ack !== 'object' || typeof ack.match !== 'function')) {
    throw new ConfigError(
      `${field}.ack`,
      ack,
      'an ack rule { match(message) => "ack" | "reject" | undefined, timeout? }',
    );
  }
  const farewell = options.unsubscribe;
  return {
    name: options.name ?? nameOf(data),
    build: typeof message === 'function' ? () => codec.encode((message as () => Out)()) : () => data,
    ack: ack?.match,
    ackTimeoutMs:
      ack?.timeout === undefined
        ? config.readyTimeout
        : parseDuration(ack.timeout, `${field}.ack.timeout`, { allowZero: false }),
    farewell:
      farewell === undefined
        ? undefined
        : typeof farewell === 'function'
          ? () => codec.encode((farewell as () => Out)())
          : (
              (encoded) => () =>
                encoded
            )(encode(farewell, `${field}.unsubscribe`)),
  };
}

/** A subscription's name for events: its message, shortened. */
function nameOf(data: WireData): string {
  const text = typeof data === 'string' ? data : `<${data.byteLength} bytes>`;
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The parts that are code: each of the right shape, or a `ConfigError` naming it. */
function checkParts(parts: Record<string, unknown>): void {
  const { tls, agent, transport, probe, codec, subscriptions, shouldRetry, random, scheduler, budget, watchdogs } =
    parts;
  if (tls !== undefined && (typeof tls !== 'object' || tls === null || Array.isArray(tls))) {
    throw new ConfigError('tls', tls, 'an object of TLS options, e.g. { ca }');
  }
  if (agent !== undefined && typeof agent !== 'function' && !hasFunctions(agent, 'addRequest')) {
    throw new ConfigError(
      'agent',
      agent,
      'an http.Agent (e.g. new HttpsProxyAgent(url)), or a function (url) => http.Agent | undefined',
    );
  }
  if (agent !== undefined && transport !== undefined) {
    throw new ConfigError('agent', agent, 'no agent with a custom transport: give it to webSocketTransport({ agent })');
  }
  if (probe !== undefined && typeof probe !== 'function') {
    throw new ConfigError('probe', probe, 'a function returning a Promise or an Observable');
  }
  if (!hasFunctions(codec, 'encode', 'decode')) {
    throw new ConfigError('codec', codec, 'an object with encode(message) and decode(data) functions');
  }
  if (!Array.isArray(subscriptions)) throw new ConfigError('subscriptions', subscriptions, 'an array of messages');
  if (typeof shouldRetry !== 'function') {
    throw new ConfigError('shouldRetry', shouldRetry, 'a function (error, attempt) => boolean');
  }
  if (typeof random !== 'function') throw new ConfigError('random', random, 'a function returning a number in [0, 1)');
  if (!hasFunctions(scheduler, 'now', 'schedule'))
    throw new ConfigError('scheduler', scheduler, 'an RxJS SchedulerLike');
  if (transport !== undefined && typeof transport !== 'function' && !hasFunctions(transport, 'connect')) {
    throw new ConfigError('transport', transport, 'a Transport ({ connect() }) or a function (url) => Transport');
  }
  if (budget !== undefined && !hasFunctions(budget, 'take'))
    throw new ConfigError('budget', budget, 'a Budget (e.g. a WindowBudget, or redisBudget for a fleet)');
  if (!Array.isArray(watchdogs)) throw new ConfigError('watchdogs', watchdogs, 'an array of watchdogs');
}

function hasFunctions(value: unknown, ...names: string[]): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    names.every((name) => typeof (value as Record<string, unknown>)[name] === 'function')
  );
}

/** The endpoint `entry` of the `url` option (the `index`th), with the transport the options choose for it. */
function endpointOf(
  entry: EndpointSpec['url'],
  index: number,
  transport: Transport | ((url: string) => Transport) | undefined,
  config: LifelineConfig,
  tls: ConnectOptions['tls'],
  agent: ConnectOptions['agent'],
): EndpointSpec {
  const label = typeof entry === 'function' ? `(url from a function, endpoint ${index + 1})` : entry;
  return new Endpoint(label, entry, transport, config, tls, agent);
}

/**
 * One endpoint of a handle: a class, not an object with an arrow function, whose closure would keep
 * this whole function's scope (the options, the codec, the session) alive for the handle's life.
 */
class Endpoint implements EndpointSpec {
  constructor(
    readonly label: string,
    readonly url: EndpointSpec['url'],
    // What decides its transport: the one given, or `ws` with the handle's TLS and agent.
    private readonly given: Transport | ((url: string) => Transport) | undefined,
    private readonly config: LifelineConfig,
    private readonly tls: ConnectOptions['tls'],
    private readonly agent: ConnectOptions['agent'],
  ) {}

  transportFor(url: string): Transport {
    return transportFor(url, this.given, this.config, this.tls, this.agent);
  }
}

function transportFor(
  url: string,
  given: Transport | ((url: string) => Transport) | undefined,
  config: LifelineConfig,
  tls: ConnectOptions['tls'],
  agent: ConnectOptions['agent'],
): Transport {
  if (typeof given === 'function') return given(url);
  if (given !== undefined) return given;
  const chosen = typeof agent === 'function' ? agent(url) : agent;
  if (chosen !== undefined && !hasFunctions(chosen, 'addRequest')) {
    throw new ConfigError('agent', chosen, `an http.Agent or undefined from agent(${JSON.stringify(url)})`);
  }
  return webSocketTransport({
    url,
    protocols: config.protocols,
    headers: config.headers,
    handshakeTimeout: config.handshakeTimeout,
    maxPayload: config.maxPayload,
    closeTimeout: config.closeTimeout,
    ...(tls ? { tls } : {}),
    ...(chosen ? { agent: chosen } : {}),
  });
}

function resolveWatchdog<In, Out>(
  watchdog: WatchdogOptions<In, Out>,
  index: number,
  encode: (message: unknown, field: string) => WireData,
): FeedWatchdog<In, WireData> {
  const field = `watchdogs[${index}]`;
  if (typeof watchdog !== 'object' || watchdog === null) throw new ConfigError(field, watchdog, 'a watchdog object');
  if (typeof watchdog.name !== 'string' || watchdog.name.length === 0) {
    throw new ConfigError(`${field}.name`, watchdog.name, 'a non-empty name');
  }
  if (typeof watchdog.match !== 'function') {
    throw new ConfigError(`${field}.match`, watchdog.match, 'a function (message) => boolean');
  }
  if (watchdog.resubscribe !== undefined && !Array.isArray(watchdog.resubscribe)) {
    throw new ConfigError(`${field}.resubscribe`, watchdog.resubscribe, 'an array of messages');
  }
  const lag = resolveLagWatch(watchdog, field);
  if (lag === undefined && watchdog.staleAfter === undefined) {
    throw new ConfigError(`${field}.staleAfter`, watchdog.staleAfter, 'a duration, e.g. "30s" (or a timestampOf)');
  }
  // Never stale for silence (Infinity) is a watchdog that watches nothing, unless it watches the lag.
  const staleAfter =
    watchdog.staleAfter === undefined
      ? Infinity
      : parseDuration(watchdog.staleAfter, `${field}.staleAfter`, {
          allowZero: false,
          allowInfinity: lag !== undefined,
        });
  return {
    name: watchdog.name,
    match: watchdog.match,
    staleAfter,
    resubscribe: (watchdog.resubscribe ?? []).map((message, i) => encode(message, `${field}.resubscribe[${i}]`)),
    ...(lag !== undefined ? { lag } : {}),
  };
}

/** A watchdog's lag settings in ms, checked as `feedLag` would check them; undefined without `timestampOf`. */
function resolveLagWatch<In>(watchdog: WatchdogOptions<In, unknown>, field: string): FeedLagWatch<In> | undefined {
  const { timestampOf, maxLag, recoverLag, lagSustain, lagSamples, lagSampling } = watchdog;
  if (timestampOf === undefined) {
    const stray = (['maxLag', 'recoverLag', 'lagSustain', 'lagSamples', 'lagSampling'] as const).find(
      (name) => watchdog[name] !== undefined,
    );
    if (stray !== undefined) {
      throw new ConfigError(`${field}.timestampOf`, timestampOf, `a function (message) => epoch ms, to use ${stray}`);
    }
    return undefined;
  }
  if (typeof timestampOf !== 'function') {
    throw new ConfigError(`${field}.timestampOf`, timestampOf, 'a function (message) => epoch ms | undefined');
  }
  const maxLagMs = parseDuration(maxLag ?? 1000, `${field}.maxLag`, { allowZero: false });
  const recoverLagMs = parseDuration(recoverLag ?? maxLagMs / 2, `${field}.recoverLag`);
  if (recoverLagMs > maxLagMs) {
    throw new ConfigError(`${field}.recoverLag`, recoverLag, `a duration up to maxLag (${maxLagMs} ms)`);
  }
  return {
    timestampOf,
    config: {
      maxLag: maxLagMs,
      recoverLag: recoverLagMs,
      sustain: parseDuration(lagSustain ?? 3000, `${field}.lagSustain`),
      minSamples: integer(`${field}.lagSamples`, lagSamples ?? 3, 1),
    },
    sampling: parseDuration(lagSampling ?? 10, `${field}.lagSampling`),
  };
}

import { Budget } from '../model/Budget';
import { Codec, WireData } from '../model/Codec';
import { ConfigError } from '../model/ConfigError';
import { LifelineConfig } from '../model/LifelineConfig';
import { WindowBudget } from '../model/WindowBudget';
import { Directives, SessionHooks } from './SocketSession';
import { ReplyReader } from './RequestBook';
import { AckRule, Correlation, SessionOptions } from './SessionOptions';

/** The session options of `connect()`, checked and ready to run. */
export interface ResolvedSession<In, Out> {
  readonly hooks: SessionHooks<In, Out>;
  readonly directives: Directives<In>;
  /** Encodes a request with its id (and deadline, if the correlation stamps one) in it. */
  readonly requests: RequestEncoder<In, Out>;
  readonly replies: ReplyReader<In>;
  readonly acks: ((subscription: Out) => AckRule<In> | undefined) | undefined;
  readonly messageBudget: Budget | undefined;
}

/**
 * Checks the session options (every one a function where a function is due, a `ConfigError` naming
 * it otherwise) and fills in the defaults: requests carry their id as `id` and replies are matched by
 * `id`, an `error` field makes an error reply, and each handle has its own message budget when
 * `messageLimit` is finite.
 */
export function resolveSessionOptions<In, Out>(
  options: SessionOptions<In, Out>,
  codec: Codec<In, Out>,
  config: Pick<LifelineConfig, 'messageLimit' | 'messageLimitWindow'>,
): ResolvedSession<In, Out> {
  const { handshake, resync, correlation = {}, acks, messageBudget, reconnectOn, fatalOn, ignoreFrames } = options;
  optionalFunction('handshake', handshake);
  optionalFunction('resync', resync);
  optionalFunction('acks', acks);
  optionalFunction('reconnectOn', reconnectOn);
  optionalFunction('fatalOn', fatalOn);
  if (typeof correlation !== 'object' || correlation === null) {
    throw new ConfigError(
      'correlation',
      correlation,
      'an object of functions { stamp, idOf, errorOf, stampDeadline, serverTimeOf }',
    );
  }
  for (const name of ['stamp', 'idOf', 'errorOf', 'stampDeadline', 'serverTimeOf'] as const) {
    optionalFunction(`correlation.${name}`, correlation[name]);
  }
  if (messageBudget !== undefined && typeof (messageBudget as Budget | null)?.take !== 'function') {
    throw new ConfigError('messageBudget', messageBudget, 'a Budget (e.g. a WindowBudget, or redisBudget for a fleet)');
  }
  const { stamp = stampId, stampDeadline } = correlation as Correlation<In, Out>;
  const ignore = ignoreOf(ignoreFrames);
  // Options left out share one object each: a handle keeps these for its life.
  return {
    hooks: (handshake ?? resync) ? { handshake, resync } : NO_HOOKS,
    directives: (ignore ?? reconnectOn ?? fatalOn) ? { ignore, reconnectOn, fatalOn } : NO_DIRECTIVES,
    requests: new RequestEncoder(codec, stamp, stampDeadline),
    replies:
      (correlation.idOf ?? correlation.errorOf ?? correlation.serverTimeOf)
        ? {
            idOf: correlation.idOf ?? (idField as (message: In) => number | string | undefined),
            errorOf: correlation.errorOf ?? (errorField as (message: In) => string | undefined),
            ...(correlation.serverTimeOf ? { serverTimeOf: correlation.serverTimeOf } : {}),
          }
        : (DEFAULT_REPLIES as ReplyReader<In>),
    acks,
    messageBudget:
      messageBudget ??
      (Number.isFinite(config.messageLimit)
        ? new WindowBudget({ limit: config.messageLimit, window: config.messageLimitWindow })
        : undefined),
  };
}

/**
 * A request's wire form: the message with its id (and deadline) stamped in, encoded. A class, not an
 * arrow in the resolved options, which would keep this whole function's scope alive per handle.
 */
export class RequestEncoder<In, Out> {
  constructor(
    private readonly codec: Codec<In, Out>,
    private readonly stamp: (message: Out, id: number) => Out,
    private readonly stampDeadline: ((message: Out, deadline: number) => Out) | undefined,
  ) {}

  encode(message: Out, id: number, deadline: number): WireData {
    const stamped = this.stamp(message, id);
    const { stampDeadline } = this;
    return this.codec.encode(stampDeadline && Number.isFinite(deadline) ? stampDeadline(stamped, deadline) : stamped);
  }
}

const NO_HOOKS = Object.freeze({ handshake: undefined, resync: undefined });
const NO_DIRECTIVES = Object.freeze({ ignore: undefined, reconnectOn: undefined, fatalOn: undefined });
const DEFAULT_REPLIES: ReplyReader<unknown> = Object.freeze({ idOf: idField, errorOf: errorField });

function optionalFunction(field: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') throw new ConfigError(field, value, 'a function');
}

/** The default stamp: the id as an `id` field of an object message. */
function stampId<Out>(message: Out, id: number): Out {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    throw new TypeError('a request must be an object to carry an id; give correlation.stamp for other shapes');
  }
  return { ...message, id };
}

/** The default reply id: an `id` field that is a number or a string. */
function idField(message: unknown): number | string | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const id = (message as { id?: unknown }).id;
  return typeof id === 'number' || typeof id === 'string' ? id : undefined;
}

/** The default error reply: an `error` field, as its text or its `message`/`msg`. */
function errorField(message: unknown): string | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const error = (message as { error?: unknown }).error;
  if (error === undefined || error === null || error === false) return undefined;
  if (typeof error === 'string') return error;
  if (typeof error === 'object') {
    const text = (error as { message?: unknown; msg?: unknown }).message ?? (error as { msg?: unknown }).msg;
    if (typeof text === 'string') return text;
  }
  return JSON.stringify(error);
}

/** The frames that are not messages, as a predicate over the raw frame. */
function ignoreOf(rule: SessionOptions['ignoreFrames']): ((data: WireData) => boolean) | undefined {
  if (rule === undefined) return undefined;
  if (typeof rule === 'function') return rule;
  if (typeof rule === 'string' && rule.length > 0) return (data) => typeof data === 'string' && data.includes(rule);
  if (rule instanceof RegExp) {
    // A copy without g and y: their test() resumes at lastIndex, so every other frame would slip past.
    const pattern = rule.global || rule.sticky ? new RegExp(rule.source, rule.flags.replace(/[gy]/g, '')) : rule;
    return (data) => typeof data === 'string' && pattern.test(data);
  }
  throw new ConfigError('ignoreFrames', rule, 'a non-empty substring, a RegExp, or a predicate (data) => boolean');
}

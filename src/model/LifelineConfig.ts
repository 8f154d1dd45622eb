import { ConfigError } from './ConfigError';
import { FieldValue } from './configField';
import { ConfigFieldName, configFields } from './configFields';
import { LifelineConfigInput } from './LifelineConfigInput';

export type { LifelineConfigInput } from './LifelineConfigInput';

/** How the heartbeat pings: WebSocket protocol ping frames, or an application message. */
export type PingMode = 'ws' | 'app';

/** The settings after defaults and validation (see `configFields`): durations in milliseconds. */
export type LifelineConfig = {
  /** The preferred endpoint (the first of `urls`). */
  readonly url: string;
  /** Every endpoint, preferred first. */
  readonly urls: readonly string[];
} & { readonly [K in ConfigFieldName]: FieldValue<(typeof configFields)[K]> };

const names = Object.keys(configFields) as ConfigFieldName[];

/** The defaults, resolved: every field but the endpoint. */
export const defaultConfig: Omit<LifelineConfig, 'url' | 'urls'> = Object.fromEntries(
  names.map((name) => [name, configFields[name].resolve(configFields[name].default, name)]),
) as Omit<LifelineConfig, 'url' | 'urls'>;

/** The names every config field accepts, `url` first, for error messages and the CLI. */
export const configFieldNames: readonly string[] = ['url', ...names];

/**
 * Applies the defaults and validates every field, throwing a `ConfigError` that names the first bad
 * field, the value given and what is allowed. Unknown fields are errors too: a typo must not
 * silently leave a default in force.
 */
export function resolveConfig(input: LifelineConfigInput): LifelineConfig {
  if (typeof input !== 'object' || input === null) {
    throw new ConfigError('config', input, 'an object with at least a url');
  }
  const given = input as unknown as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!configFieldNames.includes(key))
      throw new ConfigError(
        key,
        given[key],
        `a known option: ${configFieldNames.join(', ')}`,
        `Unknown option ${key}; known options: ${configFieldNames.join(', ')}`,
      );
  }
  const urls = endpoints(input.url);
  const entries: Array<[string, unknown]> = [
    ['url', urls[0]],
    ['urls', urls],
  ];
  for (const name of names) {
    const field = configFields[name];
    entries.push([name, field.resolve(given[name] === undefined ? field.default : given[name], name)]);
  }
  // Built at once, not key by key: V8 keeps it a fast object (a shared shape) instead of a 3 KB
  // dictionary per handle.
  const config = Object.fromEntries(entries) as unknown as LifelineConfig;
  // Equal would time out a quiet, healthy link at every ping: the pong needs time to come back.
  ordered(input, config, 'heartbeatInterval', '<', 'heartbeatTimeout', 'a pong needs time to come back');
  ordered(input, config, 'initialDelay', '<=', 'maxDelay');
  // A successor needs up to readyTimeout to be set up: a shorter age would replace sockets back to back.
  ordered(input, config, 'readyTimeout', '<', 'maxConnectionAge', 'a successor socket needs readyTimeout to be set up');
  return config;
}

/**
 * Checks `low < high` (or `<=`). The error names the field to change: the high one, unless only the
 * low one was given (then it is the one the user just set). Both values are shown as written, and a
 * default as a duration: "heartbeatInterval (1.5m) must be < heartbeatTimeout (60s): …; heartbeatTimeout is
 * the default".
 */
function ordered(
  input: LifelineConfigInput,
  config: LifelineConfig,
  low: 'heartbeatInterval' | 'initialDelay' | 'readyTimeout',
  relation: '<' | '<=',
  high: 'heartbeatTimeout' | 'maxDelay' | 'maxConnectionAge',
  why?: string,
): void {
  if (relation === '<' ? config[low] < config[high] : config[low] <= config[high]) return;
  const shown = (name: typeof low | typeof high): string =>
    input[name] === undefined ? String(configFields[name].default) : durationText(input[name]);
  const blameLow = input[high] === undefined && input[low] !== undefined;
  const [blamed, other, must] = blameLow ? [low, high, relation] : [high, low, relation === '<' ? '>' : '>='];
  throw new ConfigError(
    blamed,
    input[blamed] ?? config[blamed],
    `a duration ${must} ${other} (${shown(other)})`,
    `${blamed} (${shown(blamed)}) must be ${must} ${other} (${shown(other)})${why ? `: ${why}` : ''}` +
      (input[other] === undefined ? `; ${other} is the default` : ''),
  );
}

/** A duration as the user wrote it: strings as they are, numbers as milliseconds. */
function durationText(value: unknown): string {
  return typeof value === 'number' ? `${value}ms` : String(value);
}

function endpoints(value: unknown): readonly string[] {
  if (!Array.isArray(value)) return [url(value)];
  if (value.length === 0) throw new ConfigError('url', value, 'a ws:// or wss:// URL, or a non-empty list of them');
  return value.map((each) => url(each, value));
}

function url(value: unknown, given: unknown = value): string {
  const allowed = 'a ws:// or wss:// URL (or a list of them), e.g. "wss://api.example.com/ws"';
  if (typeof value !== 'string') throw new ConfigError('url', given, allowed);
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError('url', given, allowed);
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') throw new ConfigError('url', given, allowed);
  return value;
}

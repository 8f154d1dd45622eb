import { Command, Option } from 'commander';
import { ConfigError } from '../model/ConfigError';
import { LifelineConfigInput, configFieldNames, defaultConfig } from '../model/LifelineConfig';
import { compactDuration } from '../sinks/compactDuration';

type Kind = 'duration' | 'number' | 'integer' | 'jitter' | 'ping' | 'boolean' | 'list' | 'headers' | 'message' | 'text';

interface FieldOption {
  readonly kind: Kind;
  readonly placeholder?: string;
  readonly help: string;
}

type Field = Exclude<keyof LifelineConfigInput, 'url'>;

/**
 * How each config field appears on the command line: one option per field, named after it in
 * kebab-case (`heartbeatInterval` → `--heartbeat-interval`). The options themselves are derived from
 * `configFieldNames`, so a field added to the config is never missing from the CLI: without an entry
 * here it still gets an option, its kind inferred from its default (a spec asks for an entry, for
 * the help text).
 */
export const configOptions: Readonly<Partial<Record<Field, FieldOption>>> = {
  failbackAfter: {
    kind: 'duration',
    help: 'on a fallback endpoint, how often to try the preferred one; Infinity stays',
  },
  connectLimit: {
    kind: 'number',
    placeholder: '<n>',
    help: 'new connections allowed per --connect-limit-window; Infinity disables',
  },
  connectLimitWindow: { kind: 'duration', help: 'the window of --connect-limit' },
  protocols: {
    kind: 'list',
    placeholder: '<name>',
    help: 'WebSocket subprotocol to offer (repeatable, or comma-separated)',
  },
  headers: {
    kind: 'headers',
    placeholder: '<name:value>',
    help: 'extra upgrade header, e.g. "Authorization: Bearer …" (repeatable; printed redacted)',
  },
  handshakeTimeout: { kind: 'duration', help: 'connect timeout: TCP, TLS and the upgrade together' },
  maxPayload: { kind: 'integer', placeholder: '<bytes>', help: 'largest inbound message in bytes' },
  closeTimeout: { kind: 'duration', help: 'how long a close handshake may take' },
  ping: {
    kind: 'ping',
    placeholder: '<ws|app>',
    help: 'heartbeat by protocol ping frames (ws) or an application message (app)',
  },
  pingMessage: {
    kind: 'message',
    placeholder: '<json>',
    help: 'the application ping, JSON (or plain text); with --ping app',
  },
  pongMatch: {
    kind: 'text',
    placeholder: '<substring>',
    help: 'inbound text containing this answers the application ping',
  },
  heartbeatInterval: { kind: 'duration', help: 'time between pings (the longest, when adaptive)' },
  heartbeatTimeout: { kind: 'duration', help: 'silence after which the link is dead (floor of the dynamic timeout)' },
  adaptiveHeartbeat: {
    kind: 'boolean',
    help: 'shorten the ping interval under stress (--no-adaptive-heartbeat to keep it fixed)',
  },
  dynamicTimeout: {
    kind: 'boolean',
    help: 'grow the heartbeat timeout with latency (--no-dynamic-timeout to keep it fixed)',
  },
  checkInterval: { kind: 'duration', help: 'time between connection checks (with --probe)' },
  probeTimeout: { kind: 'duration', help: 'how long a connection check may take' },
  maxAttempts: {
    kind: 'number',
    placeholder: '<n>',
    help: 'retries before the link is Failed; Infinity never gives up',
  },
  initialDelay: { kind: 'duration', help: 'delay before the first retry' },
  maxDelay: { kind: 'duration', help: 'cap on any retry delay' },
  factor: { kind: 'number', placeholder: '<x>', help: 'growth of the retry delay per attempt' },
  jitter: { kind: 'jitter', placeholder: '<none|full|equal|ratio>', help: 'randomisation of retry delays' },
  resetOnSuccess: { kind: 'duration', help: 'uptime after which the retry count resets' },
  recoveryInterval: { kind: 'duration', help: 'after Failed, try once this often (with --recover); Infinity waits' },
  qualityThreshold: { kind: 'number', placeholder: '<0-100>', help: 'score under which quality is not good' },
  latencyWarning: { kind: 'duration', help: 'average latency that raises a warning' },
  errorRateWarning: { kind: 'number', placeholder: '<0-1>', help: 'error rate that raises a warning' },
  unstableTimeout: { kind: 'duration', help: 'Unstable this long forces a reconnect; Infinity never' },
  sampleInterval: { kind: 'duration', help: 'how often inbound counters are sampled' },
  dataSilence: { kind: 'duration', help: 'a gap in data this long makes the next message a DataReceived event' },
  prediction: { kind: 'boolean', help: 'raise QualityDegraded early from the latency trend (--no-prediction to stop)' },
  predictionHorizon: { kind: 'duration', help: 'how far ahead the latency trend is projected' },
  predictionWindow: { kind: 'integer', placeholder: '<n>', help: 'latency samples the trend is fitted to' },
  maxEvents: { kind: 'integer', placeholder: '<n>', help: 'recent events kept' },
  queueSize: { kind: 'integer', placeholder: '<n>', help: 'outbound messages held while disconnected' },
  queueTtl: { kind: 'duration', help: 'how long a queued message may wait; Infinity waits' },
};

/** The config fields that have an option: every field but `url`, which is the argument. */
export function configOptionFields(): Field[] {
  return configFieldNames.filter((name) => name !== 'url') as Field[];
}

/** The option of a field: its entry above, or one inferred from the field's default. */
function optionOf(field: Field): FieldOption {
  const known = configOptions[field];
  if (known) return known;
  const value = (defaultConfig as Record<string, unknown>)[field];
  const help = `see LifelineConfigInput.${field}`;
  if (typeof value === 'boolean') return { kind: 'boolean', help };
  if (Array.isArray(value)) return { kind: 'list', placeholder: '<value>', help };
  if (typeof value === 'object' && value !== null) return { kind: 'message', placeholder: '<json>', help };
  // Numbers and durations convert alike: a number string becomes a number, "30s" stays for parseDuration.
  return { kind: 'number', placeholder: '<value>', help };
}

/** `heartbeatInterval` → `heartbeat-interval`. */
export function kebab(field: string): string {
  return field.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** The flag of a field, `--heartbeat-interval`; `url` is the `<url>` argument. */
export function flagOf(field: string): string {
  return field === 'url' ? '<url>' : `--${kebab(field)}`;
}

function shownDefault(field: Field): string | undefined {
  const value = (defaultConfig as Record<string, unknown>)[field];
  const { kind } = optionOf(field);
  if (kind === 'duration' && typeof value === 'number') {
    return Number.isFinite(value) ? compactDuration(value, 'en').replace(/ /g, '') : 'Infinity';
  }
  if (kind === 'list' || kind === 'headers' || kind === 'boolean' || value === undefined) return undefined;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Adds an option for every config field to a command. */
export function addConfigOptions(command: Command): Command {
  for (const field of configOptionFields()) {
    const { kind, placeholder = '<duration>', help } = optionOf(field);
    const flag = flagOf(field);
    if (kind === 'boolean') {
      command.addOption(new Option(flag, help));
      command.addOption(new Option(`--no-${kebab(field)}`).hideHelp());
      continue;
    }
    // The default is shown, not set: an option left out must stay out, so resolveConfig applies its own.
    const fallback = shownDefault(field);
    const option = new Option(
      `${flag} ${placeholder}`,
      fallback === undefined ? help : `${help} (default: ${fallback})`,
    );
    if (kind === 'list' || kind === 'headers')
      option.argParser((value: string, previous: string[] = []) => [...previous, value]);
    command.addOption(option);
  }
  return command;
}

const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?$/i;

/**
 * The config input from parsed options: strings turned into what `resolveConfig` takes. A value
 * that cannot be converted is passed on as given, so `resolveConfig`'s `ConfigError` quotes what the
 * user typed. Only the options the user gave are set: the rest keep their defaults.
 */
export function configInput(
  url: string | readonly string[],
  options: Readonly<Record<string, unknown>>,
): LifelineConfigInput {
  const input: Record<string, unknown> = { url: Array.isArray(url) && url.length === 1 ? url[0] : url };
  for (const field of configOptionFields()) {
    const raw = options[field];
    if (raw === undefined) continue;
    input[field] = convert(field, optionOf(field).kind, raw);
  }
  return input as unknown as LifelineConfigInput;
}

function convert(field: string, kind: Kind, raw: unknown): unknown {
  switch (kind) {
    case 'duration':
    case 'number':
    case 'integer':
    case 'jitter':
      // A bare number is a number (milliseconds for a duration, as in the API); "30s", "none" and
      // "Infinity" go on as text for resolveConfig, which reads them and names what is wrong.
      if (typeof raw !== 'string') return raw;
      if (raw.trim() === 'Infinity' && kind !== 'duration') return Infinity;
      return NUMBER.test(raw.trim()) ? Number(raw) : raw;
    case 'list':
      return (raw as string[]).flatMap((value) => value.split(',')).map((value) => value.trim());
    case 'headers':
      return Object.fromEntries((raw as string[]).map((header) => splitHeader(field, header)));
    case 'message':
      return parseMessage(raw as string);
    default:
      return raw;
  }
}

function splitHeader(field: string, header: string): [string, string] {
  const match = /^\s*([^:=\s]+)\s*[:=]\s*(.*)$/.exec(header);
  if (!match) throw new ConfigError(field, header, 'a header as "Name: value"');
  return [match[1] as string, match[2] as string];
}

/** The repeatable `--subscribe <json>` messages, each checked to be JSON and kept as typed. */
export function subscribeArguments(raw: unknown): string[] {
  return ((raw as string[] | undefined) ?? []).map((text) => {
    try {
      JSON.parse(text);
    } catch {
      throw new ConfigError('subscribe', text, 'a JSON message, e.g. \'{"method":"subscribe","channel":"trades"}\'');
    }
    return text;
  });
}

/** JSON when it parses (`{"method":"ping"}`), else the text as it is (`ping`). */
export function parseMessage(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A duration argument: a bare number is milliseconds, anything else goes on as written for parseDuration. */
export function durationArgument(raw: unknown): unknown {
  return typeof raw === 'string' && NUMBER.test(raw.trim()) ? Number(raw) : raw;
}

/** A number argument: a number when it reads as one, else as written so the error quotes it. */
export function numberArgument(raw: unknown): unknown {
  return typeof raw === 'string' && NUMBER.test(raw.trim()) ? Number(raw) : raw;
}

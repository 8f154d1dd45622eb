import { Command, Option } from 'commander';
import { ConfigError } from '../model/ConfigError';
import { ConfigField, FieldKind } from '../model/configField';
import { ConfigFieldName, configFields } from '../model/configFields';
import { LifelineConfigInput, defaultConfig } from '../model/LifelineConfig';
import { compactDuration } from '../sinks/compactDuration';

type Field = ConfigFieldName;

/**
 * How each config field appears on the command line: one option per field of `configFields`, named
 * after it in kebab-case (`heartbeatInterval` → `--heartbeat-interval`), its placeholder, help and
 * default taken from the field's own description. A field added to the table is an option at once.
 */
export const configOptions: Readonly<Record<Field, ConfigField<unknown, unknown>>> = configFields;

/** The config fields that have an option: every field but `url`, which is the argument. */
export function configOptionFields(): Field[] {
  return Object.keys(configFields) as Field[];
}

/**
 * The help of a field: its doc without the trailing full stop and the code quotes, field names as
 * their flags, starting lower-case (but for a proper word such as "WebSocket").
 */
function helpOf(field: Field): string {
  const doc = configFields[field].doc
    .replace(/\.$/, '')
    .replace(/`([^`]+)`/g, (_, text: string) => (text in configFields ? flagOf(text) : text));
  return /^[A-Z][a-z]*\b/.test(doc) ? doc.charAt(0).toLowerCase() + doc.slice(1) : doc;
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
  const { kind } = configFields[field];
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
    const { kind, placeholder } = configFields[field];
    const help = helpOf(field);
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
    input[field] = convert(field, configFields[field].kind, raw);
  }
  return input as unknown as LifelineConfigInput;
}

function convert(field: string, kind: FieldKind, raw: unknown): unknown {
  switch (kind) {
    case 'duration':
    case 'number':
    case 'count':
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

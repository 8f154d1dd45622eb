import { ConfigError, describe } from '../model/ConfigError';
import { defaultConfig } from '../model/LifelineConfig';
import { compactDuration } from '../sinks/compactDuration';
import { redactText } from '../sinks/redactText';
import { flagOf } from './configOptions';

/** A pair of durations that must stay in order: `longer` more than (or at least) `shorter`. */
interface Ordering {
  readonly shorter: 'heartbeatInterval' | 'initialDelay';
  readonly strict: boolean;
  readonly why: string;
}

// resolveConfig reports a broken pair on one of its fields: the CLI says it with the flags the user
// typed, both values as durations, and what to change.
const ORDERINGS: Readonly<Record<string, Ordering & { readonly longer: string }>> = {
  heartbeatTimeout: {
    longer: 'heartbeatTimeout',
    shorter: 'heartbeatInterval',
    strict: true,
    why: 'a pong needs time to come back',
  },
  maxDelay: { longer: 'maxDelay', shorter: 'initialDelay', strict: false, why: 'no retry waits longer than the cap' },
};
const orderingOf = (field: string): (Ordering & { readonly longer: string }) | undefined =>
  ORDERINGS[field] ?? Object.values(ORDERINGS).find((ordering) => ordering.shorter === field);

/**
 * A `ConfigError` in the words of the command line, secrets redacted: the option as typed (`--heartbeat-interval`
 * rather than `heartbeatInterval`), the value and what is allowed. When two durations are out of order
 * (`--heartbeat-timeout` must exceed `--heartbeat-interval`, `--max-delay` must not be under
 * `--initial-delay`), it names the flag the user typed, shows both as durations, and says what to change.
 *
 * @example
 * usageMessage(new ConfigError('heartbeatInterval', 'abc', 'a duration > 0'));
 * // 'invalid --heartbeat-interval: "abc" (allowed: a duration > 0)'
 * usageMessage(error, { heartbeatInterval: '1.5m' }); // resolveConfig's error for --heartbeat-interval 1.5m
 * // '--heartbeat-interval 1.5m is too long for --heartbeat-timeout (1m by default): give --heartbeat-timeout
 * //  more than 1.5m, or a shorter --heartbeat-interval (a pong needs time to come back)'
 *
 * @param error The error from checking the options.
 * @param typed The options as the user typed them (commander's values, by field name), if known.
 * @returns One line, without the command's name.
 */
export function usageMessage(error: ConfigError, typed: Readonly<Record<string, unknown>> = {}): string {
  return redactText(orderingMessage(error, typed) ?? plainUsageMessage(error));
}

function plainUsageMessage(error: ConfigError): string {
  const flag = flagOf(error.field);
  const standard = `Invalid ${error.field}: `;
  if (error.message.startsWith(standard)) return `invalid ${flag}: ${error.message.slice(standard.length)}`;
  return `invalid ${flag}: ${error.message} (given: ${describe(error.value)}; allowed: ${error.allowed})`;
}

function orderingMessage(error: ConfigError, typed: Readonly<Record<string, unknown>>): string | undefined {
  const ordering = orderingOf(error.field);
  // A plain bad value of the field ("abc") is not an ordering problem.
  if (!ordering || error.message.startsWith(`Invalid ${error.field}: `)) return undefined;
  const { longer, shorter, strict, why } = ordering;
  const more = strict ? 'more than' : 'at least';
  const less = strict ? 'under' : 'at most';
  const given = (field: string): string | undefined => (typed[field] === undefined ? undefined : shown(typed[field]));
  const defaultOf = (field: string): string => shown((defaultConfig as unknown as Record<string, number>)[field]);
  const shortGiven = given(shorter);
  const longGiven = given(longer);
  if (shortGiven !== undefined && longGiven !== undefined) {
    return `${flagOf(longer)} ${longGiven} must be ${more} ${flagOf(shorter)} ${shortGiven} (${why})`;
  }
  if (shortGiven !== undefined) {
    return (
      `${flagOf(shorter)} ${shortGiven} is too long for ${flagOf(longer)} (${defaultOf(longer)} by default): ` +
      `give ${flagOf(longer)} ${more} ${shortGiven}, or a shorter ${flagOf(shorter)} (${why})`
    );
  }
  if (longGiven !== undefined) {
    return (
      `${flagOf(longer)} ${longGiven} is too short for ${flagOf(shorter)} (${defaultOf(shorter)} by default): ` +
      `give ${flagOf(longer)} ${more} ${defaultOf(shorter)}, or ${flagOf(shorter)} ${less} ${longGiven} (${why})`
    );
  }
  return undefined;
}

/** A duration as the user wrote it (`1.5m`), or in compact form when given as milliseconds (`90000` → `1m30s`). */
function shown(value: unknown): string {
  const ms = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (Number.isFinite(ms)) return compactDuration(ms, 'en').replace(/ /g, '');
  return String(value);
}

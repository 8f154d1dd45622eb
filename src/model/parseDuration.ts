import { ConfigError } from './ConfigError';

/** Milliseconds, or a string such as `'1500ms'`, `'30s'`, `'10m'`, `'1h'`. */
export type Duration = number | string;

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Node's longest timer delay, 2^31 − 1 ms (24.8 days). A longer one runs after 1 ms with only a
 * warning, so a 30-day check interval would probe every millisecond: every duration stays under it.
 */
export const MAX_DURATION_MS = 2 ** 31 - 1;
const PATTERN = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$/;

export interface DurationRules {
  /** Whether 0 is allowed. Defaults to `true`. */
  readonly allowZero?: boolean;
  /** Whether `Infinity` (or `'Infinity'`, meaning "never") is allowed. Defaults to `false`. */
  readonly allowInfinity?: boolean;
}

/** What `parseDuration` accepts, for error messages. */
export function durationAllowed({ allowZero = true, allowInfinity = false }: DurationRules = {}): string {
  return (
    `a duration ${allowZero ? '>= 0' : '> 0'} and up to 24.8 days: milliseconds or a string like "1500ms", "30s", "10m"` +
    (allowInfinity ? ', or Infinity' : '')
  );
}

/**
 * Parses a duration to milliseconds, throwing a `ConfigError` naming `field` when it is not one.
 *
 * @example
 * parseDuration('30s', 'heartbeatInterval'); // 30000
 * parseDuration(1500, 'initialDelay');       // 1500
 */
export function parseDuration(value: unknown, field: string, rules: DurationRules = {}): number {
  const { allowZero = true, allowInfinity = false } = rules;
  let ms: number | undefined;
  if (typeof value === 'number') ms = value;
  else if (typeof value === 'string') {
    if (value.trim() === 'Infinity') ms = Infinity;
    else {
      const match = PATTERN.exec(value);
      if (match) ms = Number(match[1]) * (UNIT_MS[match[2] as string] as number);
    }
  }
  const ok =
    ms !== undefined &&
    !Number.isNaN(ms) &&
    ms >= 0 &&
    (allowZero || ms > 0) &&
    (Number.isFinite(ms) ? ms <= MAX_DURATION_MS : allowInfinity);
  if (!ok) throw new ConfigError(field, value, durationAllowed(rules));
  return ms as number;
}

import { Jitter } from './backoffDelay';
import { ConfigError } from './ConfigError';

/**
 * The rules config values follow. Each checks one value and throws a `ConfigError` naming the
 * field, the value and what is allowed; shared by `resolveConfig`, `retryBackoff` and the sinks.
 */

export function boolean(field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ConfigError(field, value, 'true or false');
  return value;
}

export function oneOf<T extends string>(field: string, value: unknown, options: readonly T[]): T {
  if (!options.includes(value as T))
    throw new ConfigError(field, value, options.map((o) => JSON.stringify(o)).join(' or '));
  return value as T;
}

export function integer(field: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new ConfigError(field, value, `a whole number >= ${min}`);
  }
  return value;
}

/** A retry budget: a whole number >= 0, or Infinity. Shared with retryBackoff. */
export function attempts(field: string, value: unknown): number {
  if (typeof value !== 'number' || value < 0 || !(Number.isInteger(value) || value === Infinity)) {
    throw new ConfigError(field, value, 'a whole number >= 0, or Infinity');
  }
  return value;
}

/** A backoff factor: a finite number >= 1. Shared with retryBackoff. */
export function factor(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 1) {
    throw new ConfigError(field, value, 'a finite number >= 1');
  }
  return value;
}

/** A jitter setting. Shared with retryBackoff. */
export function jitter(field: string, value: unknown): Jitter {
  if (value === 'none' || value === 'full' || value === 'equal') return value;
  if (typeof value === 'number' && value >= 0 && value <= 1) return value;
  throw new ConfigError(field, value, '"none", "full", "equal", or a ratio from 0 to 1');
}

export function range(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < min || value > max) {
    throw new ConfigError(field, value, `a number from ${min} to ${max}`);
  }
  return value;
}

/** A budget's limit: a whole number >= 1, or Infinity (no limit). Shared by WindowBudget and redisBudget. */
export function takeLimit(field: string, value: unknown): number {
  if (typeof value !== 'number' || value < 1 || !(Number.isInteger(value) || value === Infinity)) {
    throw new ConfigError(field, value, 'a whole number >= 1, or Infinity');
  }
  return value;
}

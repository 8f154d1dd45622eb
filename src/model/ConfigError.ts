/**
 * A configuration value that cannot be used. Thrown before anything starts, so no socket or timer
 * exists when you see it. `field` is the option's name, `value` what was given, `allowed` what would do.
 */
export class ConfigError extends Error {
  readonly code = 'LIFELINE_CONFIG';

  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly allowed: string,
    message = `Invalid ${field}: ${describe(value)} (allowed: ${allowed})`,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** A short, safe rendering of a config value for an error message. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined)
    return String(value);
  if (typeof value === 'function') return 'a function';
  try {
    const json = JSON.stringify(value);
    return json.length > 80 ? `${json.slice(0, 77)}...` : json;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

import { ConfigError } from '../../src/index';

/** Runs `run`, expecting it to throw a ConfigError, and returns that error (anything else fails the spec). */
export function configErrorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

/** Every retry allowed was made and the source still failed. `cause` is the last error. */
export class RetryExhaustedError extends Error {
  readonly code = 'LIFELINE_RETRY_EXHAUSTED';

  constructor(
    /** Retries made after the first try. */
    readonly attempts: number,
    override readonly cause: unknown,
  ) {
    super(`gave up after ${attempts} ${attempts === 1 ? 'retry' : 'retries'}: ${errorMessage(cause)}`);
    this.name = 'RetryExhaustedError';
  }
}

/** A readable message for anything thrown. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

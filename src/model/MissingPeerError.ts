/**
 * An optional peer dependency a feature needs is not installed (or failed to load). The core never
 * needs one: only the feature named here does. The message says what to install.
 *
 * @example
 * // Error [MissingPeerError]: metricsSink needs the optional peer dependency prom-client (^15):
 * // npm install prom-client (Cannot find module 'prom-client')
 */
export class MissingPeerError extends Error {
  readonly code = 'LIFELINE_MISSING_PEER';

  constructor(
    /** The package to install, e.g. `'prom-client'`. */
    readonly peer: string,
    /** What needs it, e.g. `'metricsSink'`. */
    readonly feature: string,
    /** The version range that works. */
    readonly range: string,
    override readonly cause: unknown,
  ) {
    super(
      `${feature} needs the optional peer dependency ${peer} (${range}): npm install ${peer}` +
        // The first line only: Node's "Cannot find module" goes on with the whole require stack (see `cause`).
        ` (${(cause instanceof Error ? cause.message : String(cause)).split('\n')[0]})`,
    );
    this.name = 'MissingPeerError';
  }
}

import { SessionStep } from './ConnectionSignal';

/**
 * Setting the session up on a new socket failed, at `step`: the handshake threw or was refused, a
 * subscription was not confirmed in time, the resync hook failed, or the step outlasted
 * `readyTimeout`. The attempt fails; `rejected` marks a refusal the exchange answered (a login with a
 * bad key), which `defaultShouldRetry` does not retry.
 */
export class SessionError extends Error {
  readonly code = 'LIFELINE_SESSION';

  constructor(
    readonly step: SessionStep,
    message: string,
    /** The exchange answered with a refusal: retrying the same step would be refused again. */
    readonly rejected = false,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'SessionError';
  }
}

/** Neither a pong nor any data arrived within the heartbeat timeout: the link is presumed half-open. */
export class HeartbeatTimeoutError extends Error {
  readonly code = 'LIFELINE_HEARTBEAT_TIMEOUT';

  constructor(
    readonly silentMs: number,
    readonly timeoutMs: number,
  ) {
    super(`heartbeat timeout: no pong or data for ${silentMs} ms (timeout ${timeoutMs} ms)`);
    this.name = 'HeartbeatTimeoutError';
  }
}

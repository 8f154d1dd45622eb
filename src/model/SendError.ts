/**
 * Why an outbound message was not delivered. Every message given to `send()` is either written to
 * the socket exactly once or rejected with one of these; none is dropped silently.
 *
 * - `closed`: the handle was closed before the message could be written.
 * - `overflow`: the link is down and the queue already holds `queueSize` messages.
 * - `expired`: the message waited longer than its time-to-live; it will never be sent.
 * - `disconnected`: the link is down and the message was sent with `{ queue: false }`.
 * - `encode`: the codec could not encode the message.
 * - `write`: the socket failed while writing it; it may or may not have reached the peer, so it is not resent.
 * - `gate`: the trade gate was closed (see `whileGateOpen`).
 */
export type SendFailure = 'closed' | 'overflow' | 'expired' | 'disconnected' | 'encode' | 'write' | 'gate';

/**
 * A message was not sent: `send()` rejects with it, and `reason` says why (`closed`, `overflow`,
 * `expired`, `disconnected`, `encode`, `write`, or `gate` for a `GateClosedError`). A message that
 * got one was never written to the socket, and never will be.
 *
 * @example
 * link.send(order, { queue: false }).catch((error) => {
 *   if (error instanceof SendError) console.warn(error.reason, error.message); // 'disconnected' …
 * });
 */
export class SendError extends Error {
  readonly code = 'LIFELINE_SEND';

  constructor(
    readonly reason: SendFailure,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'SendError';
  }
}

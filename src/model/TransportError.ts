/**
 * The socket failed to open or closed under us. Carries what the transport knew: the WebSocket
 * close code, the HTTP status of a rejected upgrade, or the system error code (`ECONNREFUSED`, …).
 */
export class TransportError extends Error {
  readonly code = 'LIFELINE_TRANSPORT';

  constructor(
    message: string,
    readonly details: {
      /** The WebSocket close code, when the link closed (1000, 1001, 1006, 1009, …). */
      readonly closeCode?: number;
      /** The close reason the peer gave. */
      readonly closeReason?: string;
      /** The HTTP status of a rejected upgrade (401, 503, …). */
      readonly httpStatus?: number;
      /** The system or `ws` error code (`ECONNREFUSED`, `ENOTFOUND`, `WS_ERR_UNSUPPORTED_MESSAGE_LENGTH`, …). */
      readonly errno?: string;
    } = {},
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

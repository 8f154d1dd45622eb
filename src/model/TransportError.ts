/**
 * The socket failed to open or closed under us. Carries what the transport knew: the WebSocket
 * close code, the HTTP status of a rejected upgrade and how long the server asked us to wait
 * (`Retry-After`), the system error code (`ECONNREFUSED`, …), and whether it went through a proxy.
 *
 * @example
 * connect({
 *   url: 'wss://api.example.com/ws',
 *   shouldRetry: (error) => {
 *     if (error instanceof TransportError && error.details.httpStatus === 429) {
 *       console.log(`rate limited; the server asks for ${error.details.retryAfterMs ?? '?'} ms`);
 *     }
 *     return true;
 *   },
 * });
 * // rate limited; the server asks for 30000 ms
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
      /** The HTTP status of a rejected upgrade (401, 429, 503, …; 407 is the proxy's). */
      readonly httpStatus?: number;
      /**
       * Milliseconds the server asked the client to wait before trying again: its `Retry-After`
       * header on a rejected upgrade (delta-seconds, or an HTTP-date taken against the response's own
       * `Date` header). Absent when the response had none, or one that is not valid.
       */
      readonly retryAfterMs?: number;
      /** `true` when the socket went through the transport's `agent` (a proxy). */
      readonly proxied?: boolean;
      /** The system or `ws` error code (`ECONNREFUSED`, `ENOTFOUND`, `WS_ERR_UNSUPPORTED_MESSAGE_LENGTH`, …). */
      readonly errno?: string;
    } = {},
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

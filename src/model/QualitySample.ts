/** One measurement that moves the quality figures; the input of `updateQuality`. */
export type QualitySample =
  /** A heartbeat pong: a round-trip time, an answered ping and a successful check. */
  | { readonly kind: 'heartbeat'; readonly rttMs: number }
  /** A ping that had no pong by the time the next one was due. */
  | { readonly kind: 'lost' }
  /** A latency probe (user check) that succeeded in `latencyMs`. */
  | { readonly kind: 'probe'; readonly latencyMs: number }
  /** A failed check or an error on the link. */
  | { readonly kind: 'error' }
  /** The inbound rate over the last sampling tick. */
  | { readonly kind: 'throughput'; readonly messagesPerSecond: number }
  /** Uptime as derived from the statistics. */
  | { readonly kind: 'uptime'; readonly percentage: number }
  /** An established link was lost. */
  | { readonly kind: 'disconnect' }
  /** A new socket opened: latency, loss and errors are measured afresh on its path. */
  | { readonly kind: 'sessionStart' };

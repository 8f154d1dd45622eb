import { Observable } from 'rxjs';
import { WireData } from '../model/Codec';

/** Where an open socket delivers what arrives: plain callbacks, the per-message hot path. */
export interface TransportListener {
  /** An inbound frame: text as a string, binary as a Buffer. */
  message(data: WireData): void;
  /** A protocol pong, with the id of the ping it echoes (`undefined` for an unsolicited or foreign one). */
  pong(id: number | undefined): void;
}

/** One open socket, as the connection engine sees it. */
export interface TransportConnection {
  /**
   * Starts delivering inbound frames and pongs to `listener` (one listener per socket; a second call
   * replaces the first). Nothing is delivered before.
   */
  listen(listener: TransportListener): void;
  /**
   * Writes one frame. Returns `false`, without calling `done`, when the socket is no longer open:
   * nothing was sent and the caller may keep the message. Otherwise `done` is called once, when the
   * kernel has taken the frame's bytes, or with the error that stopped it.
   */
  send(data: WireData, done: (error?: Error) => void): boolean;
  /** Sends a protocol ping frame carrying `id`, which the pong echoes. */
  ping(id: number): void;
  /** Bytes accepted by `send` that the kernel has not taken yet: the socket's own backlog. */
  readonly bufferedAmount: number;
  /**
   * A lower bound of the bytes of ours the peer's TCP has acknowledged so far, where the kernel says
   * (Linux); undefined where it does not. It growing proves both directions carry (our bytes arrive,
   * the acknowledgements come back) even while pings wait behind a long backlog.
   */
  acknowledged?(): number | undefined;
  /**
   * Bytes the kernel holds for this socket that the peer has not acknowledged, sent or not, where the
   * kernel says (Linux); undefined where it does not. Below `bufferedAmount`: what the socket has
   * handed over but may still take long to arrive. `fresh`: read now, not as read earlier in this
   * turn of the event loop (reading costs milliseconds; many sockets asking at once share one).
   */
  unacknowledgedBytes?(fresh?: boolean): number | undefined;
  /**
   * Abandons the socket with a TCP reset: the kernel drops whatever it still held for it, so nothing
   * written on it can reach the peer afterwards (a plain close would keep retransmitting it).
   */
  abort(): void;
}

/**
 * Opens sockets. Production uses `webSocketTransport` (over `ws`); marble specs drive a fake one in
 * virtual time (`MarbleTransport` from `lifeline-ws/testing`).
 */
export interface Transport {
  /**
   * Cold: each subscription opens one socket, emits its connection once it is open, and errors with
   * a `TransportError` when it fails to open or closes. Unsubscribing closes it cleanly (1000).
   */
  connect(): Observable<TransportConnection>;
  /** Resolves once every socket this transport opened has closed (used by `close()`). */
  drain?(): Promise<void>;
}

import { Observable } from 'rxjs';
import { WireData } from '../model/Codec';

/** One open socket, as the connection engine sees it. */
export interface TransportConnection {
  /** Inbound frames: text as strings, binary as Buffers. Hot; ends when the socket does. */
  readonly messages$: Observable<WireData>;
  /**
   * Protocol-level pongs, with the id of the ping they answer when the payload carries one
   * (`undefined` for an unsolicited or foreign pong). Never emits on transports without ping frames.
   */
  readonly pongs$: Observable<number | undefined>;
  /**
   * Writes one frame. Returns `false`, without calling `done`, when the socket is no longer open:
   * nothing was sent and the caller may keep the message. Otherwise `done` is called once, when the
   * frame is written to the socket or with the error that stopped it.
   */
  send(data: WireData, done: (error?: Error) => void): boolean;
  /** Sends a protocol ping frame carrying `id`, which the pong echoes. */
  ping(id: number): void;
  /** Ends the socket at once, without a close handshake: a half-open peer would never answer one. */
  terminate(): void;
}

/**
 * Opens sockets. Production uses `webSocketTransport` (rxjs-websockets over `ws`); marble specs
 * drive a fake one in virtual time.
 */
export interface Transport {
  /**
   * Cold: each subscription opens one socket, emits its connection once it is open, and errors with
   * a `TransportError` when it fails to open or closes. Unsubscribing closes it.
   */
  connect(): Observable<TransportConnection>;
  /** Resolves once every socket this transport opened has closed (used by `close()`). */
  drain?(): Promise<void>;
}

import { Observable, Subscription } from 'rxjs';
import { WireData } from '../model/Codec';
import { DataMeter } from '../model/DataMeter';
import { errorMessage } from '../model/RetryExhaustedError';
import { FeedWatch } from './feedWatch';

/** The parts of a handle every inbound frame goes through. */
export interface InboundParts<In> {
  /** Counts frames; the heartbeat's liveness clock. */
  readonly meter: DataMeter;
  readonly decode: (data: WireData) => In;
  /** Stale-feed watchdogs, when any are configured. */
  readonly feedWatch: FeedWatch<In, WireData> | undefined;
  /** Where decoded messages go: the handle's `messages$`. */
  readonly deliver: (message: In) => void;
  /** A frame the codec could not decode: an event, never a crash. */
  readonly malformed: (reason: string) => void;
  readonly now: () => number;
}

/** Application pongs in flight on one socket: the heartbeat counts up, the inbound path counts down. */
export interface AppPongs {
  /** Pings sent and not yet answered. */
  inFlight: number;
  /** Whether a text frame answers the application ping. */
  readonly isPong: (data: WireData) => boolean;
  /** A pong arrived (it is consumed: it never reaches `messages$`). */
  readonly answered: () => void;
}

/**
 * The per-message hot path of one socket, in one place: count the frame, take it as a pong if
 * application pings are waiting for one, decode it, show it to the feed watchdogs, deliver it.
 * No clock read and no allocation of ours per frame (the meter stamps time when it is read; the
 * watchdogs read the clock only when any are configured).
 *
 * ```
 * frames:    -m--p--x--m-      (p a pong while a ping is in flight, x malformed)
 * delivered: -a--------b-      (p consumed by the heartbeat; x becomes an ErrorOccurred event)
 * ```
 *
 * @param parts The meter, codec, watchdogs and outlets.
 * @param frames$ The socket's inbound frames.
 * @param appPongs Application pongs to watch for; undefined with protocol pings.
 * @returns The subscription to the frames: unsubscribe it when the socket ends.
 */
export function inboundPath<In>(
  parts: InboundParts<In>,
  frames$: Observable<WireData>,
  appPongs: AppPongs | undefined,
): Subscription {
  const { meter, decode, feedWatch, deliver, malformed, now } = parts;
  return frames$.subscribe((data) => {
    meter.record(typeof data === 'string' ? data.length : data.byteLength);
    if (appPongs !== undefined && appPongs.inFlight > 0 && appPongs.isPong(data)) {
      appPongs.inFlight--;
      appPongs.answered();
      return;
    }
    let message: In;
    try {
      message = decode(data);
    } catch (error) {
      malformed(`malformed inbound message: ${errorMessage(error)}`);
      return;
    }
    if (feedWatch !== undefined) feedWatch.record(message, now());
    deliver(message);
  });
}

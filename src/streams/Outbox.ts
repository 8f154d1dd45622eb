import { SchedulerLike, Subscription } from 'rxjs';
import { WireData } from '../model/Codec';
import { SendError } from '../model/SendError';
import { OutboundQueue } from './OutboundQueue';
import { TransportConnection } from './Transport';

const ignoreWrite = (): void => undefined;

/**
 * Everything a handle sends, and the socket it goes to: the subscriptions replayed on every open,
 * the queue of messages waiting for the link, and the live socket once both are flushed (as nats.js
 * keeps its subscriptions and pending buffer, and phoenix its send buffer).
 *
 * ```
 * send:      -a----b--------c--      (the link is down from 3 to 12)
 * attach:    o-----------o-----      (subscriptions s first, then the queue, then live sends)
 * written:   sa----------sbc--       (b waited in the queue; c went straight out)
 * ```
 *
 * Every message leaves exactly one way: written (its promise resolves when the socket has taken it)
 * or rejected with a `SendError` saying why (`closed`, `overflow`, `expired`, `disconnected`,
 * `write`).
 */
export class Outbox {
  private readonly queue: OutboundQueue;
  private readonly subscriptions = new Set<{ readonly data: WireData }>();
  private live: TransportConnection | undefined;
  private closed = false;

  /**
   * @param queueSize Most messages held while the link is down.
   * @param scheduler Times each queued message's time-to-live.
   */
  constructor(queueSize: number, scheduler: SchedulerLike) {
    this.queue = new OutboundQueue(queueSize, scheduler);
  }

  /** Messages waiting for the link. */
  get queued(): number {
    return this.queue.length;
  }

  /**
   * Writes `data` now if the link is up and nothing waits before it; else queues it for `ttlMs`
   * (`Infinity`: no limit), or rejects it with `disconnected` when `queue` is false.
   */
  send(data: WireData, ttlMs: number, queue: boolean, status: () => string): Promise<void> {
    if (this.closed) return Promise.reject(new SendError('closed', 'connection is closed; message not sent'));
    const live = this.live;
    if (live !== undefined && this.queue.length === 0) {
      let accepted = false;
      const written = new Promise<void>((resolve, reject) => {
        accepted = live.send(data, (error) =>
          error ? reject(new SendError('write', `socket failed while writing: ${error.message}`, error)) : resolve(),
        );
      });
      if (accepted) return written;
      // The socket closed before its close event reached us: nothing was sent, so queue it like any other.
    }
    if (!queue) {
      return Promise.reject(new SendError('disconnected', `link is ${status()}; message not queued (queue: false)`));
    }
    return this.queue.add(data, ttlMs);
  }

  /**
   * Adds a message replayed on every open, sending it now if the link is up. Unsubscribing removes
   * it and, if given and the link is up, sends `farewell`.
   */
  addSubscription(data: WireData, farewell: WireData | undefined): Subscription {
    const entry = { data };
    this.subscriptions.add(entry);
    this.live?.send(data, ignoreWrite);
    return new Subscription(() => {
      if (!this.subscriptions.delete(entry)) return;
      if (farewell !== undefined) this.live?.send(farewell, ignoreWrite);
    });
  }

  /** A socket opened: writes the subscriptions, then the queue in order; live sends go to it from now on. */
  attach(connection: TransportConnection): void {
    for (const { data } of this.subscriptions) connection.send(data, ignoreWrite);
    this.queue.flush((data, done) => connection.send(data, done));
    this.live = connection;
  }

  /** The socket is gone (or being abandoned): live sends stop going to it. */
  detach(connection?: TransportConnection): void {
    if (connection === undefined || this.live === connection) this.live = undefined;
  }

  /** Whether a socket takes live sends now. */
  get isLive(): boolean {
    return this.live !== undefined;
  }

  /** The handle closed: every queued message is rejected with `closed`, and so is every later send. */
  close(): void {
    this.closed = true;
    this.live = undefined;
    this.queue.rejectAll(new SendError('closed', 'connection closed before the message could be sent'));
  }
}

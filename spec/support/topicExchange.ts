import { Observable, SchedulerLike } from 'rxjs';
import { WireData } from '../../src/model/Codec';
import { TransportError } from '../../src/model/TransportError';
import { MarbleConnection, MarbleTransport } from '../../src/testing';
import { Transport, TransportConnection } from '../../src/streams/Transport';

/** What happened on the wire, in the order it happened, across every socket of every shard. */
export interface WireEvent {
  /** Scheduler time, ms. */
  readonly at: number;
  readonly shard: number;
  /** The socket's number, counting every socket of every shard from 1. */
  readonly socket: number;
  readonly kind: 'open' | 'close' | 'subscribe' | 'unsubscribe';
  readonly topic?: string;
}

/** A subscribe or unsubscribe as this exchange takes it: `{"op":"subscribe","topic":"t1"}`. */
export const subscribeTo = (topic: string): { op: string; topic: string } => ({ op: 'subscribe', topic });
export const unsubscribeFrom = (topic: string): { op: string; topic: string } => ({ op: 'unsubscribe', topic });

/** Confirms `{"event":"subscribed","topic"}` (or `"unsubscribed"`) for a topic: an ack rule. */
const confirmation = (event: string, topic: string) => ({
  match: (message: unknown) => {
    const { event: said, topic: about } = message as { event?: string; topic?: string };
    return said === event && about === topic ? ('ack' as const) : undefined;
  },
});
export const subscribedAck = (topic: string) => confirmation('subscribed', topic);
export const unsubscribedAck = (topic: string) => confirmation('unsubscribed', topic);

/**
 * A tiny exchange behind a fake transport, for marble specs of the sharded pool: one transport per
 * shard, all writing to one wire log. A shard's sockets open 1 ms after each attempt, except during
 * its outages (an attempt is refused; an open socket is cut at the outage's start). It takes each
 * subscribe and unsubscribe `processingMs` after it is written (the log records it then; a socket
 * closed before drops it), confirms it 1 ms later, and answers protocol pings after `autoPongMs`.
 */
export class TopicExchange {
  readonly log: WireEvent[] = [];
  private sockets = 0;

  /**
   * @param scheduler Virtual time.
   * @param autoPongMs When a protocol ping is answered, ms.
   * @param processingMs How long each socket's messages take to be processed, ms (socket numbers
   *   count from 1): sockets that differ model the exchange serving them out of step, so that a
   *   subscribe written after an unsubscribe on another socket may take effect before it.
   */
  constructor(
    readonly scheduler: SchedulerLike,
    private readonly autoPongMs = 5,
    readonly processingMs: (socket: number) => number = () => 0,
  ) {}

  /**
   * The transport of one shard.
   *
   * @param shard The shard's number, for the log.
   * @param outages `[from, to)` windows of scheduler time in which this shard's sockets are cut and refused.
   */
  transport(shard: number, outages: ReadonlyArray<readonly [number, number]> = []): Transport & { attempts: number } {
    const { scheduler } = this;
    const transport = {
      attempts: 0,
      connect: (): Observable<TransportConnection> => {
        return new Observable<TransportConnection>((subscriber) => {
          transport.attempts++;
          const down = (at: number): boolean => outages.some(([from, to]) => at >= from && at < to);
          if (down(scheduler.now())) {
            const refusal = scheduler.schedule(() => subscriber.error(new TransportError('connect ECONNREFUSED')), 1);
            return () => refusal.unsubscribe();
          }
          const socket = ++this.sockets;
          let connection: ExchangeConnection | undefined;
          const cutAt = outages.map(([from]) => from).find((from) => from > scheduler.now());
          const timers = [
            scheduler.schedule(() => {
              connection = new ExchangeConnection(this, shard, socket);
              this.record({ shard, socket, kind: 'open' });
              subscriber.next(connection);
            }, 1),
          ];
          if (cutAt !== undefined) {
            timers.push(
              scheduler.schedule(() => {
                connection?.gone();
                subscriber.error(MarbleTransport.closedBy(1006));
              }, cutAt - scheduler.now()),
            );
          }
          return () => {
            for (const each of timers) each.unsubscribe();
            connection?.gone();
          };
        });
      },
    };
    return transport;
  }

  /** The most sockets that held one topic at once, and the most topics one socket held at once. */
  peaks(): { readonly holders: number; readonly load: number } {
    let holders = 0;
    let load = 0;
    this.replay(({ byTopic, bySocket }) => {
      for (const sockets of byTopic.values()) holders = Math.max(holders, sockets.size);
      for (const topics of bySocket.values()) load = Math.max(load, topics.size);
    });
    return { holders, load };
  }

  /** Which open sockets hold each topic now (shard numbers, one per socket). */
  holders(): Map<string, number[]> {
    let result = new Map<string, number[]>();
    const shardOf = new Map<number, number>();
    for (const event of this.log) shardOf.set(event.socket, event.shard);
    this.replay(({ byTopic }) => {
      result = new Map(
        [...byTopic].map(([topic, sockets]) => [topic, [...sockets].map((socket) => shardOf.get(socket) as number)]),
      );
    });
    return new Map([...result].filter(([, shards]) => shards.length > 0));
  }

  record(event: Omit<WireEvent, 'at'>): void {
    this.log.push({ at: this.scheduler.now(), ...event });
  }

  reply(connection: MarbleConnection, message: unknown): void {
    this.scheduler.schedule(() => connection.closed || connection.inbound.next(JSON.stringify(message)), 1);
  }

  get pongDelay(): number {
    return this.autoPongMs;
  }

  /** Replays the log, calling `visit` after every event with who holds what. */
  private replay(
    visit: (state: { byTopic: Map<string, Set<number>>; bySocket: Map<number, Set<string>> }) => void,
  ): void {
    const byTopic = new Map<string, Set<number>>();
    const bySocket = new Map<number, Set<string>>();
    for (const { kind, socket, topic } of this.log) {
      const held = bySocket.get(socket) ?? new Set<string>();
      bySocket.set(socket, held);
      if (kind === 'subscribe' && topic !== undefined) held.add(topic);
      if (kind === 'unsubscribe' && topic !== undefined) held.delete(topic);
      if (kind === 'close') held.clear();
      byTopic.clear();
      for (const [each, topics] of bySocket) {
        for (const name of topics) byTopic.set(name, (byTopic.get(name) ?? new Set()).add(each));
      }
      visit({ byTopic, bySocket });
    }
  }
}

/** One socket of the exchange: logs what it is sent, confirms subscribes and unsubscribes. */
class ExchangeConnection extends MarbleConnection {
  private ended = false;

  constructor(
    private readonly exchange: TopicExchange,
    private readonly shard: number,
    private readonly socket: number,
  ) {
    super(exchange.scheduler, () => exchange.pongDelay);
  }

  override send(data: WireData, done: (error?: Error) => void): boolean {
    if (this.ended) return false;
    const written = super.send(data, done);
    const { op, topic } = JSON.parse(data.toString()) as { op?: string; topic?: string };
    if (op !== 'subscribe' && op !== 'unsubscribe') return written;
    const take = (): void => {
      if (this.ended) return;
      this.exchange.record({ shard: this.shard, socket: this.socket, kind: op, topic });
      this.exchange.reply(this, { event: `${op}d`, topic });
    };
    const delay = this.exchange.processingMs(this.socket);
    if (delay === 0) take();
    else this.exchange.scheduler.schedule(take, delay);
    return written;
  }

  override abort(): void {
    super.abort();
    this.gone();
  }

  /** The socket is closed (by either side): what it held is gone with it. */
  gone(): void {
    if (this.ended) return;
    this.ended = true;
    this.closed = true;
    this.exchange.record({ shard: this.shard, socket: this.socket, kind: 'close' });
  }
}

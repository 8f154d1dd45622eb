import {
  BehaviorSubject,
  Observable,
  SchedulerLike,
  Subject,
  Subscription,
  filter,
  merge,
  of,
  take,
  tap,
  timer,
} from 'rxjs';
import { ConnectionStatus } from '../model/ConnectionStatus';
import { parseDuration } from '../model/parseDuration';
import {
  ShardCommand,
  ShardHealth,
  ShardInput,
  ShardLayout,
  initialShardLayout,
  nextShardLayout,
} from '../model/shardLayout';
import { shardHealth } from '../operators/shardHealth';
import { NamedLink } from './aggregateLinks';
import { Connection } from './Connection';
import { AckRule, MessageOrBuilder, SubscriptionHandle, SubscriptionOptions } from './SessionOptions';

/** One socket of a sharded pool. */
export interface PoolShard<In = unknown, Out = unknown> extends NamedLink {
  /** Its number: 0 for the first, counting up as shards open (a closed shard's number is not reused). */
  readonly id: number;
  /** `shard-<id>`: how its events and its quality are tagged. */
  readonly name: string;
  readonly connection: Connection<In, Out>;
}

/** The options of one subscription in a sharded pool. */
export interface ShardSubscriptionOptions<In = unknown, Out = unknown> extends SubscriptionOptions<In, Out> {
  /**
   * How the exchange confirms the `unsubscribe` message (e.g. Binance's `{"result":null,"id":…}` for an
   * `UNSUBSCRIBE` with that id). With it, a subscription moving off a shard whose socket is up is made on
   * the next shard only once the exchange has confirmed it is off the first: the exchange never carries
   * it on two sockets. Without it, the next shard's subscribe follows once the unsubscribe is written.
   * A confirmation that does not come within its `timeout` (default: the link's `readyTimeout`) gets the
   * old shard's socket replaced, which drops the subscription there for certain.
   */
  readonly unsubscribeAck?: AckRule<In>;
}

/** A subscription moved from one shard to another. */
export interface ShardMove {
  /** The subscription's name. */
  readonly subscription: string;
  /** The shard it left. */
  readonly from: number;
  /** The shard it is registered on now. */
  readonly to: number;
  /** `'failover'`: its shard was down; `'return'`: back on its own shard, which is up again. */
  readonly reason: 'failover' | 'return';
  /** Scheduler time, ms. */
  readonly at: number;
}

/** Where a subscription is registered, with the shard's handle of it. */
interface Registration {
  readonly shard: number;
  readonly handle: SubscriptionHandle | undefined;
}

interface Entry<In, Out> {
  readonly key: number;
  name: string | undefined;
  readonly message: MessageOrBuilder<Out>;
  readonly options: ShardSubscriptionOptions<In, Out>;
  /** The current registration; undefined while it moves; completes when it is gone. */
  readonly registration: BehaviorSubject<Registration | undefined>;
  /** The shard it last left, for `ShardMove.from`. */
  from: number | undefined;
  /** Why its first registration failed (a message the codec cannot encode, a bad ack rule). */
  error: unknown;
}

interface ShardState<In, Out> extends PoolShard<In, Out> {
  status: ConnectionStatus;
  health: ShardHealth;
  readonly watch: Subscription;
}

/** What the driver needs from the pool: how to open a shard, the placement rules, time. */
export interface ShardDriverConfig<In, Out> {
  /** Opens shard `id`'s link. */
  readonly open: (id: number) => Connection<In, Out>;
  readonly capacity: number;
  readonly rebalance: 'move' | 'wait';
  /** See `shardHealth`. */
  readonly moveAfterMs: number;
  readonly scheduler: SchedulerLike;
}

const isLive = (status: ConnectionStatus): boolean =>
  status === ConnectionStatus.Connected || status === ConnectionStatus.Unstable;

/**
 * Carries out the sharded pool's layout (`nextShardLayout`) on real links: opens and closes shards'
 * `connect()` handles, registers subscriptions on them and takes them off, and feeds back what it sees
 * (a shard's health, a subscription off its old shard). Inputs are handled one at a time, in order,
 * even when one arrives while another is being carried out.
 *
 * A subscription is taken off a shard by removing it from that handle's subscriptions (never replayed
 * there again) and, if the shard's socket is up and the subscription has an `unsubscribe` message,
 * writing it there; it is registered elsewhere only after that (see `ShardSubscriptionOptions.unsubscribeAck`).
 *
 * @example
 * const driver = new ShardDriver({ open: (id) => connect(linkOf(id)), capacity: 50, rebalance: 'move', moveAfterMs: 5000, scheduler });
 * const { key } = driver.add({ method: 'SUBSCRIBE', params: ['btcusdt@aggTrade'], id: 'sub-btc' }, {});
 * driver.shards$.value.map(({ name }) => name); // ['shard-0']
 * driver.remove(key);
 */
export class ShardDriver<In, Out> {
  /** The open shards, whenever they change. */
  readonly shards$: BehaviorSubject<readonly PoolShard<In, Out>[]>;
  /**
   * The shards that carry at least one subscription (all of them while none does), whenever that
   * changes: the sockets the data rides on, which the pool's status and gate judge. A shard that is
   * down with every subscription moved off it is a spare until they come back.
   */
  readonly carrying$: BehaviorSubject<readonly PoolShard<In, Out>[]>;
  private readonly moves = new Subject<ShardMove>();
  private layout: ShardLayout;
  private readonly shards = new Map<number, ShardState<In, Out>>();
  private readonly entries = new Map<number, Entry<In, Out>>();
  private readonly inputs: ShardInput[] = [];
  /** Subscriptions waiting to be off a shard (see `handoff`). */
  private readonly handoffs = new Subscription();
  /** How many subscriptions are registered on each shard. */
  private readonly registered = new Map<number, number>();
  private draining = false;
  private nextKey = 1;
  private closed = false;

  constructor(private readonly config: ShardDriverConfig<In, Out>) {
    const start = initialShardLayout(config.capacity, config.rebalance);
    this.layout = start.layout;
    this.shards$ = new BehaviorSubject<readonly PoolShard<In, Out>[]>([]);
    this.carrying$ = new BehaviorSubject<readonly PoolShard<In, Out>[]>([]);
    for (const command of start.commands) this.run(command);
    this.publishCarrying();
  }

  /** Every move of a subscription between shards, as it is made. Hot. */
  get moves$(): Observable<ShardMove> {
    return this.moves.asObservable();
  }

  /** The placement now. */
  get current(): ShardLayout {
    return this.layout;
  }

  /** A shard's health now, as the pool judges it. */
  healthOf(shard: number): ShardHealth | undefined {
    return this.shards.get(shard)?.health;
  }

  /** The names of the subscriptions registered on a shard now. */
  namesOn(shard: number): string[] {
    return [...this.entries.values()]
      .filter((entry) => entry.registration.value?.shard === shard)
      .map((entry) => entry.name as string);
  }

  /** Places a subscription; returns its key, its registration stream, and its name once known. */
  add(
    message: MessageOrBuilder<Out>,
    options: ShardSubscriptionOptions<In, Out>,
  ): { readonly key: number; readonly entry: Readonly<Entry<In, Out>> } {
    const key = this.nextKey++;
    const entry: Entry<In, Out> = {
      key,
      name: options.name,
      message,
      options,
      registration: new BehaviorSubject<Registration | undefined>(undefined),
      from: undefined,
      error: undefined,
    };
    this.entries.set(key, entry);
    this.dispatch({ type: 'add', key });
    if (entry.error !== undefined) {
      this.remove(key);
      throw entry.error;
    }
    return { key, entry };
  }

  /** Unsubscribes it from the pool: taken off its shard, never placed again. */
  remove(key: number): void {
    this.dispatch({ type: 'remove', key });
  }

  /** Stops every watch and wait, closes every shard; resolves when every socket is closed. */
  close(): Promise<void> {
    this.closed = true;
    this.handoffs.unsubscribe();
    for (const entry of this.entries.values()) entry.registration.complete();
    const shards = [...this.shards.values()];
    for (const shard of shards) shard.watch.unsubscribe();
    const closing = Promise.all(shards.map((shard) => shard.connection.close())).then(() => undefined);
    this.shards$.complete();
    this.carrying$.complete();
    this.moves.complete();
    return closing;
  }

  private dispatch(input: ShardInput): void {
    if (this.closed) return;
    this.inputs.push(input);
    if (this.draining) return;
    this.draining = true;
    try {
      for (let next = this.inputs.shift(); next !== undefined; next = this.inputs.shift()) {
        const step = nextShardLayout(this.layout, next);
        this.layout = step.layout;
        for (const command of step.commands) this.run(command);
      }
    } finally {
      this.draining = false;
    }
    this.publishCarrying();
  }

  private run(command: ShardCommand): void {
    switch (command.type) {
      case 'open':
        return this.open(command.shard);
      case 'register':
        return this.register(command.key, command.shard, command.reason);
      case 'release':
        return this.release(command.key, command.shard, command.removed);
      case 'close':
        return this.closeShard(command.shard);
    }
  }

  private open(id: number): void {
    const connection = this.config.open(id);
    const shard: ShardState<In, Out> = {
      id,
      name: `shard-${id}`,
      connection,
      status: ConnectionStatus.Connecting,
      health: 'new',
      watch: new Subscription(),
    };
    this.shards.set(id, shard);
    shard.watch.add(
      connection.status$
        .pipe(
          tap((status) => {
            const live = isLive(status);
            shard.status = status;
            // At once, before any judgment: whether the exchange answers decides where a subscription may go.
            if (live !== this.layout.live.has(id)) this.dispatch({ type: 'live', shard: id, live });
          }),
          shardHealth(this.config.moveAfterMs, this.config.scheduler),
        )
        .subscribe((health) => {
          shard.health = health;
          this.dispatch({ type: 'health', shard: id, health });
        }),
    );
    this.publishShards();
  }

  private closeShard(id: number): void {
    const shard = this.shards.get(id);
    if (shard === undefined) return;
    shard.watch.unsubscribe();
    this.shards.delete(id);
    this.registered.delete(id);
    // Out of the aggregate first: its closing is the pool's doing, not a link lost.
    this.publishShards();
    this.publishCarrying();
    void shard.connection.close();
  }

  private publishCarrying(): void {
    if (this.closed) return;
    const all = this.shards$.value;
    const carrying = all.filter(({ id }) => (this.registered.get(id) ?? 0) > 0);
    const next = carrying.length === 0 ? all : carrying;
    const now = this.carrying$.value;
    if (next.length !== now.length || next.some((shard, i) => shard.id !== now[i]?.id)) this.carrying$.next(next);
  }

  private publishShards(): void {
    this.shards$.next([...this.shards.values()].map(({ id, name, connection }) => ({ id, name, connection })));
  }

  private register(key: number, id: number, reason: 'placed' | 'failover' | 'return'): void {
    const entry = this.entries.get(key) as Entry<In, Out>;
    const shard = this.shards.get(id) as ShardState<In, Out>;
    let handle: SubscriptionHandle | undefined;
    try {
      // No `unsubscribe` here: the pool writes it itself when it takes the subscription off, so it knows when.
      handle = shard.connection.subscribe(entry.message, {
        ...(entry.name === undefined ? {} : { name: entry.name }),
        ...(entry.options.ack === undefined ? {} : { ack: entry.options.ack }),
      });
      entry.name ??= handle.name;
    } catch (error) {
      // Only a new subscription can fail here (its message or ack rule): `add` reports it and removes it.
      if (reason === 'placed') entry.error = error;
    }
    entry.registration.next({ shard: id, handle });
    this.registered.set(id, (this.registered.get(id) ?? 0) + 1);
    if (reason !== 'placed' && entry.from !== undefined) {
      const at = this.config.scheduler.now();
      this.moves.next({ subscription: entry.name ?? '', from: entry.from, to: id, reason, at });
    }
  }

  private release(key: number, id: number, removed: boolean): void {
    const entry = this.entries.get(key) as Entry<In, Out>;
    const shard = this.shards.get(id) as ShardState<In, Out>;
    const handle = entry.registration.value?.handle;
    handle?.unsubscribe();
    this.registered.set(id, (this.registered.get(id) ?? 1) - 1);
    entry.from = id;
    if (removed) {
      entry.registration.complete();
      this.entries.delete(key);
    } else {
      entry.registration.next(undefined);
    }
    const farewell = entry.options.unsubscribe;
    // Off a socket that is down, or never made: nothing to undo on the exchange.
    if (farewell === undefined || handle === undefined || !isLive(shard.status)) {
      this.dispatch({ type: 'left', key });
      return;
    }
    const ack = removed ? undefined : entry.options.unsubscribeAck;
    const wait = this.handoff(shard, farewell, ack).subscribe(() => this.dispatch({ type: 'left', key }));
    if (!wait.closed) {
      this.handoffs.add(wait);
      wait.add(() => this.handoffs.remove(wait));
    }
  }

  /**
   * Writes the unsubscribe on a shard whose socket is up, and emits once the subscription is off it:
   * confirmed by the exchange (with `ack`), or written (without), or the socket gone. A farewell not
   * written, or not confirmed, in time gets the socket replaced: that drops the subscription for certain.
   */
  private handoff(
    shard: ShardState<In, Out>,
    farewell: MessageOrBuilder<Out>,
    ack: AckRule<In> | undefined,
  ): Observable<unknown> {
    const { connection } = shard;
    const limitMs =
      ack?.timeout === undefined
        ? connection.config.readyTimeout
        : parseDuration(ack.timeout, 'unsubscribeAck.timeout', { allowZero: false });
    const message = typeof farewell === 'function' ? (farewell as () => Out)() : farewell;
    let written = false;
    const sent = connection.send(message, { ttl: limitMs }).then(
      () => (written = true),
      () => undefined,
    );
    const gone$ = connection.status$.pipe(filter((status) => !isLive(status)));
    const off$: Observable<unknown> =
      ack !== undefined
        ? connection.messages$.pipe(filter((inbound) => ack.match(inbound) !== undefined))
        : connection.snapshot().queued === 0
          ? // Nothing waits in its outbox: the farewell was written as it was sent.
            of(true)
          : new Observable<unknown>((subscriber) => void sent.then(() => written && subscriber.next(true)));
    const stuck$ = timer(limitMs, this.config.scheduler).pipe(
      tap(() => {
        if (isLive(shard.status)) connection.reconnect();
      }),
    );
    return merge(off$, gone$, stuck$).pipe(take(1));
  }
}

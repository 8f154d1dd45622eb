/**
 * What a sharded pool knows of one shard's health, as the pool judges it (see `shardHealth`):
 * - `new`: opened, not yet seen up; subscriptions may be placed on it;
 * - `up`: its link is up (after having been down: up for the pool's `moveAfter` without a break);
 * - `down`: its link has Failed, or has not been up for `moveAfter`; nothing new is placed on it.
 */
export type ShardHealth = 'new' | 'up' | 'down';

/**
 * Where one subscription of the pool stands. Exactly one of `on` and `leaving` is set: a subscription
 * is registered on one shard, or is being taken off one (its unsubscribe not yet confirmed) and is
 * registered nowhere.
 */
export interface ShardPlacement {
  /** The shard it was placed on, whose room it keeps: it goes back there whenever that shard is not down. */
  readonly home: number;
  /** The shard it is registered on now (replayed on that shard's every reconnect). */
  readonly on: number | undefined;
  /** The shard it is being taken off, until the `left` input. */
  readonly leaving: number | undefined;
  /** The application unsubscribed it: once it has left, it is gone. */
  readonly removed: boolean;
}

/** How subscriptions are spread over shards: the reducer's whole state. */
export interface ShardLayout {
  /** Most subscriptions a shard may carry or keep room for. */
  readonly capacity: number;
  /** `'move'`: the subscriptions of a shard that is down move to healthy shards; `'wait'`: they wait for it. */
  readonly rebalance: 'move' | 'wait';
  /** The open shards, by id, in the order they were opened. */
  readonly shards: ReadonlyMap<number, ShardHealth>;
  /** The shards whose socket is up right now (Connected or Unstable), whatever their judged health. */
  readonly live: ReadonlySet<number>;
  /** Every subscription, by key, in the order it was added. */
  readonly placements: ReadonlyMap<number, ShardPlacement>;
  /** The id the next shard opened gets. */
  readonly nextShard: number;
}

/**
 * What moves the layout: the application adds or removes a subscription; a shard's health changes
 * (see `shardHealth`); its socket goes up or away (`live`, at once: the proof that the exchange
 * answers, before any judgment); a subscription being taken off a shard has left it (its unsubscribe
 * was written, confirmed, or its socket is gone).
 */
export type ShardInput =
  | { readonly type: 'add'; readonly key: number }
  | { readonly type: 'remove'; readonly key: number }
  | { readonly type: 'health'; readonly shard: number; readonly health: Exclude<ShardHealth, 'new'> }
  | { readonly type: 'live'; readonly shard: number; readonly live: boolean }
  | { readonly type: 'left'; readonly key: number };

/** Why a subscription is registered on a shard. */
export type PlacementReason = 'placed' | 'failover' | 'return';

/**
 * What the driver must do, in order: open a socket for a new shard; register a subscription on a
 * shard (it is sent now if that link is up, and replayed on its every reconnect); take one off a shard
 * (it is no longer replayed there, and its unsubscribe goes out if that link is up), then answer with
 * a `left` input; close a shard that carries and keeps nothing.
 */
export type ShardCommand =
  | { readonly type: 'open'; readonly shard: number }
  | { readonly type: 'register'; readonly key: number; readonly shard: number; readonly reason: PlacementReason }
  | { readonly type: 'release'; readonly key: number; readonly shard: number; readonly removed: boolean }
  | { readonly type: 'close'; readonly shard: number };

/** The layout after an input, and the commands that make the world match it. */
export interface ShardStep {
  readonly layout: ShardLayout;
  readonly commands: readonly ShardCommand[];
}

/**
 * A layout with one shard (id 0, `new`) and no subscription, and the command that opens that shard:
 * a pool always has at least one socket, so its status means something before the first subscription.
 *
 * @example
 * const { layout, commands } = initialShardLayout(1024, 'move');
 * // commands: [{ type: 'open', shard: 0 }]; layout.shards: Map { 0 => 'new' }
 *
 * @param capacity Most subscriptions per shard (a whole number >= 1).
 * @param rebalance What happens to the subscriptions of a shard that is down.
 * @returns The first step.
 */
export function initialShardLayout(capacity: number, rebalance: 'move' | 'wait'): ShardStep {
  return {
    layout: {
      capacity,
      rebalance,
      shards: new Map([[0, 'new']]),
      live: new Set(),
      placements: new Map(),
      nextShard: 1,
    },
    commands: [{ type: 'open', shard: 0 }],
  };
}

/**
 * The sharded pool's reducer: pure, no RxJS. It keeps three promises, whatever the inputs:
 * - **never a duplicate**: a subscription is registered on at most one shard at any time; a move takes
 *   it off the old shard (`release`) and registers it on the new one only after the `left` input;
 * - **never lost**: every subscription not removed is registered on a shard, or is leaving one and is
 *   registered again at its `left`;
 * - **never over capacity**: no shard carries or keeps room for more than `capacity` subscriptions
 *   (a subscription counts on its home, on the shard it is registered on, and on the one it is leaving).
 *
 * ```
 * add:     placed on the first shard that is not down and has room; none: a new shard is opened
 * down:    'move': its subscriptions go to the first healthy shard with room whose socket is up, or,
 *          when a shard is up, to a new one ("spill"); with nowhere to go they stay; 'wait': they stay
 * up:      subscriptions away from this home come back
 * empty:   a shard that carries and keeps nothing is closed (the last one stays open)
 * ```
 *
 * A subscription on a healthy shard is never moved for balance alone: moves cost messages and a gap
 * in the data, so they happen only for a shard that is down, and back when it is up again.
 *
 * @example
 * let { layout } = initialShardLayout(2, 'move');
 * for (const key of [1, 2, 3]) layout = nextShardLayout(layout, { type: 'add', key }).layout;
 * // shard 0: 1, 2; shard 1 (opened for 3): 3
 * const step = nextShardLayout(layout, { type: 'health', shard: 0, health: 'down' });
 * // step.commands: release 1 from 0, release 2 from 0 (their `left` inputs then register them elsewhere)
 *
 * @param layout The layout now.
 * @param input What happened.
 * @returns The layout after it, and the commands to carry out in order.
 */
export function nextShardLayout(layout: ShardLayout, input: ShardInput): ShardStep {
  const draft = new Draft(layout);
  switch (input.type) {
    case 'add':
      if (!draft.placements.has(input.key)) draft.add(input.key);
      break;
    case 'remove':
      draft.remove(input.key);
      break;
    case 'health':
      if (draft.shards.has(input.shard)) draft.shards.set(input.shard, input.health);
      break;
    case 'live':
      if (!draft.shards.has(input.shard) || draft.live.has(input.shard) === input.live) {
        return { layout, commands: [] };
      }
      if (input.live) draft.live.add(input.shard);
      else draft.live.delete(input.shard);
      break;
    case 'left':
      draft.left(input.key);
      break;
  }
  draft.rebalance();
  draft.closeEmpty();
  return { layout: draft.toLayout(), commands: draft.commands };
}

/**
 * How many subscriptions each shard carries or keeps room for: a subscription counts on its home,
 * on the shard it is registered on, and on the one it is leaving (each once).
 *
 * @example
 * shardLoads(layout); // Map { 0 => 2, 1 => 1 }
 *
 * @param layout The shards and the placements.
 * @returns Each open shard's load, by id.
 */
export function shardLoads(layout: Pick<ShardLayout, 'shards' | 'placements'>): Map<number, number> {
  const loads = new Map<number, number>();
  for (const shard of layout.shards.keys()) loads.set(shard, 0);
  for (const placement of layout.placements.values()) {
    for (const shard of shardsOf(placement)) loads.set(shard, (loads.get(shard) ?? 0) + 1);
  }
  return loads;
}

/** The shards a placement counts on: its home, the one it is on, the one it is leaving (each once). */
function shardsOf(placement: ShardPlacement): Set<number> {
  const shards = new Set<number>([placement.home]);
  if (placement.on !== undefined) shards.add(placement.on);
  if (placement.leaving !== undefined) shards.add(placement.leaving);
  return shards;
}

/** A new shard is needed for this subscription. */
const SPILL = -1;

/** One step's working copy: mutable maps over the immutable layout, and the commands so far. */
class Draft {
  readonly shards: Map<number, ShardHealth>;
  readonly live: Set<number>;
  readonly placements: Map<number, ShardPlacement>;
  readonly commands: ShardCommand[] = [];
  private readonly loads: Map<number, number>;
  /** Room promised, during `rebalance`, to subscriptions whose `left` is still to come. */
  private readonly reserved = new Map<number, number>();
  private nextShard: number;

  constructor(private readonly layout: ShardLayout) {
    this.shards = new Map(layout.shards);
    this.live = new Set(layout.live);
    this.placements = new Map(layout.placements);
    this.loads = shardLoads(layout);
    this.nextShard = layout.nextShard;
  }

  add(key: number): void {
    let shard = this.firstWithRoom(undefined, undefined, false);
    if (shard === undefined) shard = this.open();
    this.set(key, { home: shard, on: shard, leaving: undefined, removed: false });
    this.commands.push({ type: 'register', key, shard, reason: 'placed' });
  }

  remove(key: number): void {
    const placement = this.placements.get(key);
    if (placement === undefined || placement.removed) return;
    if (placement.on === undefined) {
      this.set(key, { ...placement, removed: true });
      return;
    }
    this.set(key, { ...placement, on: undefined, leaving: placement.on, removed: true });
    this.commands.push({ type: 'release', key, shard: placement.on, removed: true });
  }

  left(key: number): void {
    const placement = this.placements.get(key);
    if (placement === undefined || placement.leaving === undefined) return;
    if (placement.removed) {
      this.set(key, undefined);
      return;
    }
    let shard = this.target(placement, undefined);
    const reason: PlacementReason = shard === placement.home ? 'return' : 'failover';
    if (shard === SPILL) shard = this.open();
    this.set(key, { ...placement, on: shard, leaving: undefined });
    this.commands.push({ type: 'register', key, shard, reason });
  }

  /** Takes off its shard every registered subscription that belongs elsewhere; their `left` places them. */
  rebalance(): void {
    for (const [key, placement] of this.placements) {
      const on = placement.on;
      if (on === undefined) continue;
      const target = this.target(placement, on);
      if (target === on) continue;
      // Its `left` takes the room: keep it, so the next one does not count on it too and come back.
      if (target !== SPILL) this.reserved.set(target, (this.reserved.get(target) ?? 0) + 1);
      this.set(key, { ...placement, on: undefined, leaving: on });
      this.commands.push({ type: 'release', key, shard: on, removed: false });
    }
    this.reserved.clear();
  }

  closeEmpty(): void {
    for (const [shard] of this.shards) {
      if (this.shards.size === 1) return;
      if ((this.loads.get(shard) ?? 0) > 0) continue;
      this.shards.delete(shard);
      this.live.delete(shard);
      this.loads.delete(shard);
      this.commands.push({ type: 'close', shard });
    }
  }

  toLayout(): ShardLayout {
    return {
      capacity: this.layout.capacity,
      rebalance: this.layout.rebalance,
      shards: this.shards,
      live: this.live,
      placements: this.placements,
      nextShard: this.nextShard,
    };
  }

  /**
   * Where a subscription belongs (`on`: where it is registered now, undefined while it is placed):
   * - home, unless home is judged down (`'wait'`: always home);
   * - home still, if its socket is back (it is waiting out `moveAfter` there: not worth a move);
   * - the healthy shard it is already on, if it moved before;
   * - else the first shard with room that is not down and whose socket is up (or that is new);
   * - else a new shard, if some shard is judged up and its socket is up now: proof the exchange
   *   answers (shards cut at once are judged down one by one; shards back at once come up one by one);
   * - else home, to wait for it.
   */
  private target(placement: ShardPlacement, on: number | undefined): number {
    const { home } = placement;
    if (this.layout.rebalance === 'wait' || this.shards.get(home) !== 'down') return home;
    if (this.live.has(home) && (on === undefined || on === home)) return home;
    if (on !== undefined && on !== home && this.shards.get(on) !== 'down') return on;
    const other = this.firstWithRoom(home, placement, true);
    if (other !== undefined) return other;
    const proof = [...this.live].some((shard) => this.shards.get(shard) === 'up');
    return proof ? SPILL : home;
  }

  /**
   * The first shard (but `except`) that is not down and has room for one more (`placement` not counted
   * twice); for a move (`moving`), only one whose socket is up, or a new one, which is still connecting.
   */
  private firstWithRoom(
    except: number | undefined,
    placement: ShardPlacement | undefined,
    moving: boolean,
  ): number | undefined {
    const counted = placement === undefined ? new Set<number>() : shardsOf(placement);
    for (const [shard, health] of this.shards) {
      if (shard === except || health === 'down') continue;
      if (moving && health !== 'new' && !this.live.has(shard)) continue;
      const load = (this.loads.get(shard) ?? 0) + (this.reserved.get(shard) ?? 0) - (counted.has(shard) ? 1 : 0);
      if (load < this.layout.capacity) return shard;
    }
    return undefined;
  }

  private open(): number {
    const shard = this.nextShard++;
    this.shards.set(shard, 'new');
    this.loads.set(shard, 0);
    this.commands.push({ type: 'open', shard });
    return shard;
  }

  /** Replaces (or with undefined, deletes) a placement, keeping the loads in step. */
  private set(key: number, placement: ShardPlacement | undefined): void {
    const before = this.placements.get(key);
    if (before !== undefined)
      for (const shard of shardsOf(before)) this.loads.set(shard, (this.loads.get(shard) ?? 0) - 1);
    if (placement === undefined) {
      this.placements.delete(key);
      return;
    }
    this.placements.set(key, placement);
    for (const shard of shardsOf(placement)) this.loads.set(shard, (this.loads.get(shard) ?? 0) + 1);
  }
}

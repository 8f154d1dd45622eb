import * as fc from 'fast-check';
import {
  ShardCommand,
  ShardInput,
  ShardLayout,
  initialShardLayout,
  nextShardLayout,
  shardLoads,
} from '../../src/model/shardLayout';

/** Feeds inputs one by one; every `left` the driver owes is answered at once, as `shardedPool` does when nothing waits. */
function play(
  start: { layout: ShardLayout },
  inputs: readonly ShardInput[],
): { layout: ShardLayout; commands: ShardCommand[] } {
  let layout = start.layout;
  const commands: ShardCommand[] = [];
  const queue = [...inputs];
  while (queue.length > 0) {
    const step = nextShardLayout(layout, queue.shift() as ShardInput);
    layout = step.layout;
    commands.push(...step.commands);
    for (const command of step.commands) {
      if (command.type === 'release') queue.push({ type: 'left', key: command.key });
    }
  }
  return { layout, commands };
}

const add = (...keys: number[]): ShardInput[] => keys.map((key) => ({ type: 'add', key }));
/** The socket went away, and the shard was then judged down. */
const down = (shard: number): ShardInput[] => [
  { type: 'live', shard, live: false },
  { type: 'health', shard, health: 'down' },
];
/** The socket is up, and the shard was judged up. */
const up = (shard: number): ShardInput[] => [
  { type: 'live', shard, live: true },
  { type: 'health', shard, health: 'up' },
];
/** The commands in a few words: `release 1 from 0; register 1 on 1 (failover); open 2; close 2`. */
const said = (commands: readonly ShardCommand[]): string =>
  commands
    .map((command) => {
      switch (command.type) {
        case 'open':
        case 'close':
          return `${command.type} ${command.shard}`;
        case 'register':
          return `register ${command.key} on ${command.shard} (${command.reason})`;
        case 'release':
          return `release ${command.key} from ${command.shard}${command.removed ? ' (removed)' : ''}`;
      }
    })
    .join('; ');
/** Where each subscription is registered now: `{ key: shard }`. */
const where = (layout: ShardLayout): Record<number, number | undefined> =>
  Object.fromEntries([...layout.placements].map(([key, placement]) => [key, placement.on]));

describe('shardLayout', () => {
  describe('placement', () => {
    it('should open one shard at the start, before any subscription', () => {
      const start = initialShardLayout(3, 'move');
      expect(start.commands).toEqual([{ type: 'open', shard: 0 }]);
      expect([...start.layout.shards]).toEqual([[0, 'new']]);
    });

    it('should fill a shard up to its capacity, then open the next one', () => {
      const { layout, commands } = play(initialShardLayout(2, 'move'), add(1, 2, 3, 4, 5));
      expect(where(layout)).toEqual({ 1: 0, 2: 0, 3: 1, 4: 1, 5: 2 });
      expect(said(commands)).toBe(
        'register 1 on 0 (placed); register 2 on 0 (placed); open 1; register 3 on 1 (placed); ' +
          'register 4 on 1 (placed); open 2; register 5 on 2 (placed)',
      );
    });

    it('should place a new subscription on a shard with room rather than on one that is down', () => {
      const { layout } = play(initialShardLayout(2, 'wait'), [...add(1, 2, 3), ...down(1), ...add(4)]);
      // Shard 1 has room but is down; shard 0 is full: a new shard.
      expect(where(layout)).toEqual({ 1: 0, 2: 0, 3: 1, 4: 2 });
    });

    it('should fill the room a removed subscription left, and close a shard left empty', () => {
      const first = play(initialShardLayout(2, 'move'), [...add(1, 2, 3), { type: 'remove', key: 1 }]);
      expect(first.commands.slice(-1)).toEqual([{ type: 'release', key: 1, shard: 0, removed: true }]);
      const { layout, commands } = play(first, [{ type: 'remove', key: 3 }, ...add(4)]);
      expect(commands).toEqual([
        { type: 'release', key: 3, shard: 1, removed: true },
        { type: 'register', key: 4, shard: 0, reason: 'placed' },
        // 3's left comes after 4's add here: shard 1 carried it until then.
        { type: 'close', shard: 1 },
      ]);
      expect(where(layout)).toEqual({ 2: 0, 4: 0 });
      expect([...layout.shards.keys()]).toEqual([0]);
    });

    it('should keep the last shard open when every subscription is gone', () => {
      const { layout } = play(initialShardLayout(2, 'move'), [...add(1), { type: 'remove', key: 1 }]);
      expect([...layout.shards.keys()]).toEqual([0]);
      expect(layout.placements.size).toBe(0);
    });

    it('should keep a removed subscription counted on its shard until it has left', () => {
      const { layout } = play(initialShardLayout(1, 'move'), add(1));
      const removing = nextShardLayout(layout, { type: 'remove', key: 1 });
      // Its unsubscribe is not out yet: the room is not free, so the next one gets a new shard.
      const next = nextShardLayout(removing.layout, { type: 'add', key: 2 });
      expect(next.commands).toEqual([
        { type: 'open', shard: 1 },
        { type: 'register', key: 2, shard: 1, reason: 'placed' },
      ]);
    });
  });

  describe("rebalance: 'move'", () => {
    it('should move the subscriptions of a shard that is down to healthy shards, and bring them back when it is up', () => {
      const placed = play(initialShardLayout(3, 'move'), [...add(1, 2, 3, 4), ...up(0), ...up(1)]);
      const moved = play(placed, down(0));
      // Shard 1 has room for two; a new shard for the third.
      expect(said(moved.commands)).toBe(
        'release 1 from 0; release 2 from 0; release 3 from 0; ' +
          'register 1 on 1 (failover); register 2 on 1 (failover); open 2; register 3 on 2 (failover)',
      );
      expect(where(moved.layout)).toEqual({ 1: 1, 2: 1, 3: 2, 4: 1 });
      const back = play(moved, up(0));
      // Home again, and the shard opened for them closed.
      expect(said(back.commands)).toBe(
        'release 1 from 1; release 2 from 1; release 3 from 2; ' +
          'register 1 on 0 (return); register 2 on 0 (return); register 3 on 0 (return); close 2',
      );
      expect(where(back.layout)).toEqual({ 1: 0, 2: 0, 3: 0, 4: 1 });
    });

    it('should not open a shard for them while no socket is up: the exchange may be down for all', () => {
      const placed = play(initialShardLayout(2, 'move'), add(1, 2, 3, 4));
      const { layout, commands } = play(placed, down(0));
      expect(commands).toEqual([]);
      expect(where(layout)).toEqual({ 1: 0, 2: 0, 3: 1, 4: 1 });
      // Shard 1 comes up: now a new shard may take shard 0's subscriptions.
      const later = play({ layout }, up(1));
      expect(where(later.layout)).toEqual({ 1: 2, 2: 2, 3: 1, 4: 1 });
    });

    it('should not open a shard when the others are judged up but their sockets are gone too (cut at once)', () => {
      const placed = play(initialShardLayout(2, 'move'), [...add(1, 2, 3, 4), ...up(0), ...up(1)]);
      const { commands } = play(placed, [
        { type: 'live', shard: 0, live: false },
        { type: 'live', shard: 1, live: false },
        { type: 'health', shard: 0, health: 'down' },
      ]);
      expect(commands).toEqual([]);
    });

    it('should move a subscription again when the shard it moved to goes down, and leave a healthy one alone', () => {
      const placed = play(initialShardLayout(2, 'move'), [...add(1, 2, 3), ...up(0), ...up(1), ...down(0)]);
      expect(where(placed.layout)).toEqual({ 1: 1, 2: 2, 3: 1 });
      const { layout } = play(placed, down(2));
      // 2 has nowhere with room and shard 1 is up: a new shard; 1 and 3 stay on shard 1.
      expect(where(layout)).toEqual({ 1: 1, 2: 3, 3: 1 });
      expect([...layout.shards.keys()]).toEqual([0, 1, 3]);
    });

    it('should register nothing while a subscription is leaving, and place it at its left', () => {
      const placed = play(initialShardLayout(2, 'move'), [...add(1, 2, 3), ...up(0), ...up(1), ...down(0)]);
      const reopened = play(placed, [{ type: 'live', shard: 0, live: true }]);
      const returning = nextShardLayout(reopened.layout, { type: 'health', shard: 0, health: 'up' });
      expect(returning.commands.every((command) => command.type === 'release')).toBe(true);
      expect(returning.layout.placements.get(1)).toEqual({ home: 0, on: undefined, leaving: 1, removed: false });
      const back = nextShardLayout(returning.layout, { type: 'left', key: 1 });
      expect(back.commands).toEqual([{ type: 'register', key: 1, shard: 0, reason: 'return' }]);
    });

    it('should drop a subscription removed while it was leaving, once it has left', () => {
      const placed = play(initialShardLayout(2, 'move'), [...add(1, 2, 3), ...up(0), ...up(1), ...down(0)]);
      const reopened = play(placed, [{ type: 'live', shard: 0, live: true }]);
      const returning = nextShardLayout(reopened.layout, { type: 'health', shard: 0, health: 'up' });
      const removed = nextShardLayout(returning.layout, { type: 'remove', key: 1 });
      expect(removed.commands).toEqual([]);
      const gone = nextShardLayout(removed.layout, { type: 'left', key: 1 });
      expect(gone.commands).toEqual([]);
      expect(gone.layout.placements.has(1)).toBe(false);
    });
  });

  describe("rebalance: 'wait'", () => {
    it('should leave the subscriptions of a shard that is down where they are', () => {
      const placed = play(initialShardLayout(2, 'wait'), [...add(1, 2, 3), ...up(0), ...up(1)]);
      const { layout, commands } = play(placed, [...down(0), ...up(0)]);
      expect(commands).toEqual([]);
      expect(where(layout)).toEqual({ 1: 0, 2: 0, 3: 1 });
    });
  });

  describe('inputs that are not about anything', () => {
    it.each<[string, ShardInput]>([
      ['a health change of a closed shard', { type: 'health', shard: 7, health: 'down' }],
      ['a left of an unknown subscription', { type: 'left', key: 9 }],
      ['a left of a subscription that is not leaving', { type: 'left', key: 1 }],
      ['a removal of an unknown subscription', { type: 'remove', key: 9 }],
      ['an add of a key already placed', { type: 'add', key: 1 }],
    ])('should ignore %s', (_, input) => {
      const { layout } = play(initialShardLayout(2, 'move'), add(1));
      const step = nextShardLayout(layout, input);
      expect(step.commands).toEqual([]);
      expect(where(step.layout)).toEqual(where(layout));
    });
  });

  describe('for any sequence of adds, removals, failures, recoveries and late lefts', () => {
    type Action =
      | { kind: 'add' }
      | { kind: 'remove'; pick: number }
      | { kind: 'health'; pick: number; health: 'up' | 'down' }
      | { kind: 'live'; pick: number; live: boolean }
      | { kind: 'left'; pick: number };
    const action: fc.Arbitrary<Action> = fc.oneof(
      { weight: 3, arbitrary: fc.constant<Action>({ kind: 'add' }) },
      { weight: 1, arbitrary: fc.nat().map<Action>((pick) => ({ kind: 'remove', pick })) },
      {
        weight: 3,
        arbitrary: fc
          .record({ pick: fc.nat(), health: fc.constantFrom<'up' | 'down'>('up', 'down') })
          .map<Action>(({ pick, health }) => ({ kind: 'health', pick, health })),
      },
      {
        weight: 2,
        arbitrary: fc
          .record({ pick: fc.nat(), live: fc.boolean() })
          .map<Action>(({ pick, live }) => ({ kind: 'live', pick, live })),
      },
      { weight: 2, arbitrary: fc.nat().map<Action>((pick) => ({ kind: 'left', pick })) },
    );

    /**
     * A driver that checks every command against the world it builds: sockets opened and closed, each
     * subscription registered on at most one socket, released only from where it is, no left before
     * its release. Lefts are answered late, in any order, as confirmations from an exchange are.
     */
    function run(capacity: number, rebalance: 'move' | 'wait', actions: readonly Action[]): void {
      const start = initialShardLayout(capacity, rebalance);
      let layout = start.layout;
      const open = new Set<number>();
      const registered = new Map<number, number>();
      const owedLefts: number[] = [];
      let nextKey = 1;
      const apply = (commands: readonly ShardCommand[]): void => {
        for (const command of commands) {
          switch (command.type) {
            case 'open':
              expect(open.has(command.shard)).toBe(false);
              open.add(command.shard);
              break;
            case 'register':
              // Never a duplicate: not registered anywhere when it is registered.
              expect(registered.has(command.key)).toBe(false);
              expect(open.has(command.shard)).toBe(true);
              registered.set(command.key, command.shard);
              break;
            case 'release':
              expect(registered.get(command.key)).toBe(command.shard);
              registered.delete(command.key);
              owedLefts.push(command.key);
              break;
            case 'close':
              expect([...registered.values()]).not.toContain(command.shard);
              open.delete(command.shard);
              break;
          }
        }
      };
      const feed = (input: ShardInput): void => {
        const step = nextShardLayout(layout, input);
        layout = step.layout;
        apply(step.commands);
        checkInvariants();
      };
      const checkInvariants = (): void => {
        expect([...layout.shards.keys()].sort()).toEqual([...open].sort());
        for (const shard of layout.live) expect(open.has(shard)).toBe(true);
        for (const [key, placement] of layout.placements) {
          // Never lost: registered on one shard, or on its way off one (and owed a left).
          expect((placement.on === undefined) !== (placement.leaving === undefined)).toBe(true);
          if (placement.on !== undefined) expect(registered.get(key)).toBe(placement.on);
          else expect(owedLefts).toContain(key);
          if (!placement.removed) expect(open.has(placement.home)).toBe(true);
        }
        for (const [key] of registered) expect(layout.placements.get(key)?.on).toBeDefined();
        for (const load of shardLoads(layout).values()) expect(load).toBeLessThanOrEqual(capacity);
      };

      apply(start.commands);
      for (const each of actions) {
        const keys = [...layout.placements.keys()];
        const shards = [...layout.shards.keys()];
        if (each.kind === 'add') feed({ type: 'add', key: nextKey++ });
        else if (each.kind === 'remove' && keys.length > 0)
          feed({ type: 'remove', key: keys[each.pick % keys.length] as number });
        else if (each.kind === 'health')
          feed({ type: 'health', shard: shards[each.pick % shards.length] as number, health: each.health });
        else if (each.kind === 'live')
          feed({ type: 'live', shard: shards[each.pick % shards.length] as number, live: each.live });
        else if (each.kind === 'left' && owedLefts.length > 0)
          feed({ type: 'left', key: owedLefts.splice(each.pick % owedLefts.length, 1)[0] as number });
      }
      while (owedLefts.length > 0) feed({ type: 'left', key: owedLefts.shift() as number });

      // At rest: every subscription is registered; on its home unless its home is judged down; off a
      // shard that is down whenever some shard is up (and its socket too), unless its home's socket is back.
      const health = layout.shards;
      const proof = [...layout.live].some((shard) => health.get(shard) === 'up');
      for (const [key, placement] of layout.placements) {
        expect(placement.removed).toBe(false);
        expect(registered.get(key)).toBe(placement.on);
        if (rebalance === 'wait' || health.get(placement.home) !== 'down') expect(placement.on).toBe(placement.home);
        else if (layout.live.has(placement.home)) {
          if (placement.on !== placement.home) expect(health.get(placement.on as number)).not.toBe('down');
        } else if (proof) expect(health.get(placement.on as number)).not.toBe('down');
      }
      // And no socket is kept for nothing.
      const loads = shardLoads(layout);
      if (layout.shards.size > 1) for (const load of loads.values()) expect(load).toBeGreaterThan(0);
    }

    it.each<['move' | 'wait']>([['move'], ['wait']])(
      "should never register a subscription twice, lose one, or overfill a shard ('%s')",
      (rebalance) => {
        fc.assert(
          fc.property(fc.integer({ min: 1, max: 4 }), fc.array(action, { maxLength: 120 }), (capacity, actions) =>
            run(capacity, rebalance, actions),
          ),
          { numRuns: 300 },
        );
      },
    );
  });
});

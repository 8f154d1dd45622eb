import { Observable, Subscription, map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import * as fc from 'fast-check';
import {
  ConnectionStatus as S,
  ConnectOptions,
  ShardedPool,
  ShardedPoolOptions,
  ShardSubscription,
  SendError,
  WindowBudget,
  reports,
  shardedPool,
  tradeGate,
} from '../../src/index';
import { configErrorOf } from '../support/configErrorOf';
import { TopicExchange, subscribeTo, subscribedAck, unsubscribeFrom, unsubscribedAck } from '../support/topicExchange';

type Topic = { op: string; topic: string };

describe('shardedPool', () => {
  let testScheduler: TestScheduler;
  let exchange: TopicExchange;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    exchange = new TopicExchange(testScheduler);
  });

  const at = (ms: number, work: () => void): Subscription => testScheduler.schedule(work, ms);

  /** Records every value of `source$` with the virtual time it arrived. */
  function record<T>(source$: Observable<T>): Array<[number, T]> {
    const log: Array<[number, T]> = [];
    source$.subscribe((value) => log.push([testScheduler.now(), value]));
    return log;
  }

  /** Fast retries in virtual time; shard n's sockets are cut and refused during `outages[n]`. */
  function link(
    outages:
      | ReadonlyArray<ReadonlyArray<readonly [number, number]>>
      | ((shard: number) => ReadonlyArray<readonly [number, number]>) = [],
    options: Partial<ConnectOptions<unknown, Topic>> = {},
  ): (shard: number) => ConnectOptions<unknown, Topic> {
    return (shard) => ({
      url: 'ws://exchange.test/ws',
      transport: exchange.transport(shard, typeof outages === 'function' ? outages(shard) : (outages[shard] ?? [])),
      scheduler: testScheduler,
      jitter: 'none',
      initialDelay: 100,
      maxDelay: 200,
      maxAttempts: Infinity,
      connectLimit: Infinity,
      ...options,
    });
  }

  /** A pool that closes at `closeAt` (every shard must close, or run() never returns). */
  function start(options: ShardedPoolOptions<unknown, Topic>, closeAt: number): ShardedPool<unknown, Topic> {
    const pool = shardedPool(options);
    at(closeAt, () => void pool.close());
    return pool;
  }

  /** Subscribes to topics `t1`, `t2`, … with acks both ways and an unsubscribe message. */
  function subscribeTopics(pool: ShardedPool<unknown, Topic>, ...topics: string[]): ShardSubscription[] {
    return topics.map((topic) =>
      pool.subscribe(subscribeTo(topic), {
        name: topic,
        ack: subscribedAck(topic),
        unsubscribe: unsubscribeFrom(topic),
        unsubscribeAck: unsubscribedAck(topic),
      }),
    );
  }

  /** The topics each shard's sockets carry at the end, by shard. */
  function carried(): Record<number, string[]> {
    const byShard: Record<number, string[]> = {};
    for (const [topic, [shard]] of exchange.holders()) (byShard[shard as number] ??= []).push(topic);
    for (const topics of Object.values(byShard)) topics.sort();
    return byShard;
  }

  describe('placement', () => {
    it('should fill each socket up to the cap and open another when all are full', () => {
      let pool!: ShardedPool<unknown, Topic>;
      let shards: unknown;
      let wire: unknown;
      testScheduler.run(() => {
        pool = start({ link: link(), subscriptionsPerConnection: 2 }, 1000);
        subscribeTopics(pool, 't1', 't2', 't3', 't4', 't5');
        at(500, () => {
          shards = pool.snapshot().shards;
          wire = carried();
        });
      });
      expect(shards).toEqual([
        { id: 0, name: 'shard-0', health: 'up', subscriptions: ['t1', 't2'] },
        { id: 1, name: 'shard-1', health: 'up', subscriptions: ['t3', 't4'] },
        { id: 2, name: 'shard-2', health: 'up', subscriptions: ['t5'] },
      ]);
      expect(wire).toEqual({ 0: ['t1', 't2'], 1: ['t3', 't4'], 2: ['t5'] });
      expect(exchange.peaks()).toEqual({ holders: 1, load: 2 });
    });

    it('should place a new subscription in the room a removed one left, and close a shard left empty', () => {
      let pool!: ShardedPool<unknown, Topic>;
      const seen: unknown[] = [];
      testScheduler.run(() => {
        pool = start({ link: link(), subscriptionsPerConnection: 2 }, 1000);
        subscribeTopics(pool, 't1', 't2');
        const t3 = pool.subscribe(subscribeTo('t3'), { name: 't3', unsubscribe: unsubscribeFrom('t3') });
        at(100, () => {
          seen.push(carried());
          t3.unsubscribe();
          subscribeTopics(pool, 't4');
        });
        at(200, () =>
          seen.push(
            carried(),
            pool.snapshot().shards.map(({ id }) => id),
            t3.shard,
          ),
        );
      });
      expect(seen).toEqual([{ 0: ['t1', 't2'], 1: ['t3'] }, { 0: ['t1', 't2'], 2: ['t4'] }, [0, 2], undefined]);
    });
  });

  describe("rebalance: 'move'", () => {
    it('should move the subscriptions of a shard down for moveAfter to the healthy ones, and bring them back', () => {
      let moves: Array<[number, string]> = [];
      const wire: unknown[] = [];
      testScheduler.run(() => {
        // shard 0 is cut at 1000 and refused until 4000.
        const pool = start({ link: link([[[1000, 4000]]]), subscriptionsPerConnection: 3, moveAfter: '500ms' }, 10_000);
        subscribeTopics(pool, 't1', 't2', 't3', 't4');
        moves = record(pool.moves$.pipe(map((m) => `${m.subscription} ${m.from}→${m.to} ${m.reason}`)));
        at(999, () => wire.push(carried()));
        at(1499, () => wire.push(carried()));
        at(1600, () => wire.push(carried()));
        at(9000, () =>
          wire.push(
            carried(),
            pool.snapshot().shards.map(({ id, health }) => `${id} ${health}`),
          ),
        );
      });
      expect(wire).toEqual([
        { 0: ['t1', 't2', 't3'], 1: ['t4'] },
        { 1: ['t4'] }, // shard 0 is gone; not down for 500 ms yet
        { 1: ['t1', 't2', 't4'], 2: ['t3'] }, // shard 1 had room for two; a new shard for the third
        { 0: ['t1', 't2', 't3'], 1: ['t4'] },
        ['0 up', '1 up'],
      ]);
      const back = moves.filter(([, move]) => move.endsWith('return'));
      expect(moves.filter(([, move]) => move.endsWith('failover'))).toEqual([
        [1500, 't1 0→1 failover'],
        [1500, 't2 0→1 failover'],
        [1500, 't3 0→2 failover'],
      ]);
      expect(back.map(([, move]) => move)).toEqual(['t1 1→0 return', 't2 1→0 return', 't3 2→0 return']);
      // Back once shard 0 had been up again for 500 ms, each after the exchange confirmed it off the other.
      const reopened = exchange.log.find((event) => event.kind === 'open' && event.shard === 0 && event.at >= 4000);
      expect(back.every(([time]) => time === (reopened?.at as number) + 500 + 1)).toBe(true);
      expect(exchange.peaks()).toEqual({ holders: 1, load: 3 });
    });

    it('should move at once off a shard that has Failed', () => {
      let moves: Array<[number, string]> = [];
      testScheduler.run(() => {
        const pool = start(
          {
            link: (shard) => ({ ...link([[[1000, 60_000]]])(shard), maxAttempts: 1, recoveryInterval: 'Infinity' }),
            subscriptionsPerConnection: 2,
            moveAfter: '5s',
          },
          3000,
        );
        subscribeTopics(pool, 't1', 't2', 't3');
        moves = record(pool.moves$.pipe(map((m) => `${m.subscription} ${m.from}→${m.to}`)));
      });
      // Cut at 1000; the retry 100 ms later is refused at 1101: Failed, down at once, well before 5 s.
      expect(moves).toEqual([
        [1101, 't1 0→1'],
        [1101, 't2 0→2'],
      ]);
    });

    it('should not move anything for a drop the link repairs within moveAfter', () => {
      let moves: unknown[] = [];
      testScheduler.run(() => {
        const pool = start({ link: link([[[1000, 1300]]]), subscriptionsPerConnection: 2, moveAfter: '500ms' }, 5000);
        subscribeTopics(pool, 't1', 't2', 't3');
        moves = record(pool.moves$);
      });
      expect(moves).toEqual([]);
      // Replayed by shard 0's own reconnect.
      const subscribes = exchange.log.filter((e) => e.kind === 'subscribe' && e.shard === 0);
      expect(subscribes.map((e) => e.topic).join(' ')).toBe('t1 t2 t1 t2');
    });

    it('should keep the subscriptions where they are while every shard is down, and when they come back at once', () => {
      let moves: unknown[] = [];
      testScheduler.run(() => {
        const pool = start(
          { link: link(() => [[1000, 4000]]), subscriptionsPerConnection: 2, moveAfter: '500ms' },
          8000,
        );
        subscribeTopics(pool, 't1', 't2', 't3');
        moves = record(pool.moves$);
        at(3000, () => expect(pool.snapshot().shards.map(({ id }) => id)).toEqual([0, 1]));
      });
      expect(moves).toEqual([]);
      expect(exchange.peaks().holders).toBe(1);
    });
  });

  describe("rebalance: 'wait'", () => {
    it('should leave the subscriptions of a shard that is down to its own reconnect', () => {
      let moves: unknown[] = [];
      const wire: unknown[] = [];
      testScheduler.run(() => {
        const pool = start(
          { link: link([[[1000, 4000]]]), subscriptionsPerConnection: 3, moveAfter: '500ms', rebalance: 'wait' },
          8000,
        );
        subscribeTopics(pool, 't1', 't2', 't3', 't4');
        moves = record(pool.moves$);
        at(2000, () => wire.push(carried()));
        at(7000, () => wire.push(carried()));
      });
      expect(moves).toEqual([]);
      expect(wire).toEqual([{ 1: ['t4'] }, { 0: ['t1', 't2', 't3'], 1: ['t4'] }]);
    });
  });

  describe('the handoff', () => {
    it('should write the unsubscribe on the old shard before the subscribe on the new one, without an ack rule', () => {
      const order: string[] = [];
      testScheduler.run(() => {
        const pool = start({ link: link([[[1000, 2000]]]), subscriptionsPerConnection: 2, moveAfter: '500ms' }, 6000);
        for (const topic of ['t1', 't2', 't3']) {
          pool.subscribe(subscribeTo(topic), { name: topic, unsubscribe: unsubscribeFrom(topic) });
        }
      });
      for (const { kind, shard, topic, at: time } of exchange.log) {
        if (topic === 't1' && (kind === 'subscribe' || kind === 'unsubscribe')) order.push(`${time} ${kind} ${shard}`);
      }
      // Moved to shard 1 at 1500; shard 0 is back at 2106 (its retry after the outage), up at 2606: in the
      // same instant, the unsubscribe on shard 1 is written first.
      expect(order).toEqual(['1 subscribe 0', '1500 subscribe 1', '2606 unsubscribe 1', '2606 subscribe 0']);
      expect(exchange.peaks().holders).toBe(1);
    });

    it('should replace the old socket when the exchange does not confirm the unsubscribe in time', () => {
      let moves: Array<[number, string]> = [];
      let attempts = 0;
      testScheduler.run(() => {
        const silent = { match: () => undefined, timeout: '300ms' };
        const pool = start({ link: link([[[1000, 2000]]]), subscriptionsPerConnection: 2, moveAfter: '500ms' }, 6000);
        for (const topic of ['t1', 't2', 't3']) {
          pool.subscribe(subscribeTo(topic), {
            name: topic,
            unsubscribe: unsubscribeFrom(topic),
            unsubscribeAck: silent,
          });
        }
        moves = record(pool.moves$.pipe(map((m) => `${m.subscription} ${m.from}→${m.to} ${m.reason}`)));
        at(5000, () => (attempts = exchange.log.filter((e) => e.kind === 'open' && e.shard === 1).length));
      });
      // t1 and t2 left shards 1 and 2 at 2606 with no word from the exchange: at 2906 their sockets are
      // replaced, which takes them off for certain, and they are back home. Shard 2 is then closed.
      expect(moves.slice(-2)).toEqual([
        [2906, 't1 1→0 return'],
        [2906, 't2 2→0 return'],
      ]);
      expect(attempts).toBe(2);
      expect(exchange.peaks().holders).toBe(1);
    });
  });

  describe('subscriptions', () => {
    it('should follow a subscription’s state and shard across a move, and settle `active` once', async () => {
      let states: Array<[number, string]> = [];
      const shards: Array<[number, number | undefined]> = [];
      let t1!: ShardSubscription;
      testScheduler.run(() => {
        const pool = start({ link: link([[[1000, 2000]]]), subscriptionsPerConnection: 1, moveAfter: '500ms' }, 4000);
        [t1] = subscribeTopics(pool, 't1', 't2') as [ShardSubscription];
        states = record(t1.state$);
        for (const time of [1, 1501, 2607, 2608]) at(time, () => shards.push([time, t1.shard]));
      });
      expect(states).toEqual([
        [0, 'pending'],
        [2, 'active'], // confirmed by the exchange
        [1000, 'pending'], // shard 0 down (no socket, nothing active); at 1500 moved to a new shard (shard 1 is full)
        [1502, 'active'],
        [2606, 'pending'], // shard 0 up again (back at 2106): off shard 2, waiting for the exchange to confirm it
        [2608, 'active'], // confirmed at 2607, subscribed on shard 0, confirmed there
        [4000, 'pending'], // the pool closed: no socket, nothing active (then the state completes)
      ]);
      expect(shards).toEqual([
        [1, 0],
        [1501, 2],
        [2607, undefined],
        [2608, 0],
      ]);
      await expect(t1.active).resolves.toBeUndefined();
      expect(t1.name).toBe('t1');
    });

    it('should write the unsubscribe once and never place it again after unsubscribe()', () => {
      let after: unknown;
      testScheduler.run(() => {
        const pool = start({ link: link([[[1000, 1200]]]), subscriptionsPerConnection: 2 }, 3000);
        const [t1] = subscribeTopics(pool, 't1', 't2') as [ShardSubscription];
        at(500, () => t1.unsubscribe());
        at(2000, () => (after = pool.snapshot().shards));
      });
      expect(exchange.log.filter((e) => e.topic === 't1').map((e) => `${e.at} ${e.kind}`)).toEqual([
        '1 subscribe',
        '500 unsubscribe',
      ]);
      expect(after).toEqual([{ id: 0, name: 'shard-0', health: 'up', subscriptions: ['t2'] }]);
    });

    it('should throw at subscribe() for a message the codec cannot encode, and place nothing', () => {
      let caught: unknown;
      let shards: unknown;
      testScheduler.run(() => {
        const pool = start({ link: link(), subscriptionsPerConnection: 2 }, 100);
        const circular: Record<string, unknown> = { op: 'subscribe' };
        circular.self = circular;
        try {
          pool.subscribe(circular as unknown as Topic);
        } catch (error) {
          caught = error;
        }
        shards = pool.snapshot().shards;
      });
      expect(caught).toBeInstanceOf(Error);
      expect(shards).toEqual([{ id: 0, name: 'shard-0', health: 'new', subscriptions: [] }]);
    });
  });

  describe('as one link', () => {
    it('should merge every shard’s messages', () => {
      let topics: string[] = [];
      testScheduler.run(() => {
        const pool = start({ link: link(), subscriptionsPerConnection: 1 }, 100);
        topics = [];
        pool.messages$.subscribe((message) => topics.push((message as { topic: string }).topic));
        subscribeTopics(pool, 't1', 't2', 't3');
      });
      // The exchange's confirmations, from three sockets.
      expect(topics.sort()).toEqual(['t1', 't2', 't3']);
    });

    it('should let a shard that is down, with every subscription moved off it, not hold the gate shut', () => {
      let statuses: Array<[number, S]> = [];
      let gate: Array<[number, string]> = [];
      testScheduler.run(() => {
        const pool = start(
          { link: link([[], [[1000, 60_000]]]), subscriptionsPerConnection: 2, moveAfter: '500ms' },
          5000,
        );
        subscribeTopics(pool, 't1', 't2', 't3');
        statuses = record(pool.status$);
        gate = record(tradeGate(pool, { settle: '300ms' }, testScheduler).gate$.pipe(map((g) => g.reason)));
        at(4000, () => expect(pool.snapshot().links['shard-1']?.status).toBe(S.Reconnecting));
      });
      expect(statuses).toEqual([
        [0, S.Connecting],
        [1, S.Connected],
        [1000, S.Disconnected], // shard 1 cut: it carries t3
        [1000, S.Reconnecting],
        [1500, S.Connecting], // t3 moved to a new shard (shard 0 is full); shard 1 carries nothing now
        [1501, S.Connected],
        [5000, S.Disconnected],
      ]);
      expect(gate.map(([time, reason]) => `${time} ${reason}`).slice(5)).toEqual([
        '1000 Disconnected',
        '1000 Reconnecting',
        '1500 Connecting',
        '1501 notReady',
        '1502 quality',
        '1506 settling',
        '1806 healthy',
        '5000 Disconnected',
        '5000 closed',
      ]);
    });

    it('should be ready only while every shard is', () => {
      let ready: Array<[number, boolean]> = [];
      testScheduler.run(() => {
        const pool = start(
          { link: link([[], [[1000, 2000]]]), subscriptionsPerConnection: 1, rebalance: 'wait' },
          3000,
        );
        subscribeTopics(pool, 't1', 't2');
        ready = record(pool.ready$);
      });
      expect(ready.slice(0, 4)).toEqual([
        [0, false],
        [2, true], // both sockets open at 1, both subscriptions confirmed at 2
        [1000, false], // shard 1 cut
        [2107, true], // shard 1 back at 2106, its subscription confirmed
      ]);
    });

    it('should be as bad as its worst shard, for one trade gate and one report over them all', () => {
      let statuses: Array<[number, S]> = [];
      let gate: Array<[number, string]> = [];
      let report: { status: S; stats: { totalConnections: number; totalDisconnections: number } } | undefined;
      testScheduler.run(() => {
        const fast = { heartbeatInterval: '200ms', heartbeatTimeout: '1s', adaptiveHeartbeat: false };
        const pool = start(
          {
            link: (shard) => ({ ...link([[], [[1000, 2000]]])(shard), ...fast }),
            subscriptionsPerConnection: 1,
            moveAfter: '500ms',
            rebalance: 'wait',
          },
          5000,
        );
        subscribeTopics(pool, 't1', 't2');
        statuses = record(pool.status$);
        gate = record(tradeGate(pool, { settle: '300ms' }, testScheduler).gate$.pipe(map((g) => g.reason)));
        reports(pool, { every: '2s' }, testScheduler).subscribe((each) => {
          if (each.at === 2000) report = { status: each.status, stats: each.stats };
        });
      });
      expect(statuses).toEqual([
        [0, S.Connecting],
        [1, S.Connected],
        [1000, S.Disconnected], // shard 1 cut
        [1000, S.Reconnecting],
        [2106, S.Connected], // its retry after the outage (100, 200, 200, … ms apart)
        [5000, S.Disconnected], // closed
      ]);
      expect(gate.map(([time, reason]) => `${time} ${reason}`)).toEqual([
        '0 Connecting',
        '1 notReady',
        '2 quality',
        '6 settling',
        '306 healthy',
        '1000 Disconnected',
        '1000 Reconnecting',
        '2106 notReady', // shard 1 back: its subscription not confirmed yet
        '2107 quality', // confirmed; not measured yet (its first pong comes 5 ms after the open)
        '2111 settling',
        '2411 healthy',
        '5000 Disconnected',
        '5000 closed',
      ]);
      expect(report).toEqual({
        status: S.Reconnecting,
        stats: expect.objectContaining({ totalConnections: 2, totalDisconnections: 1 }),
      });
    });
  });

  describe('budgets', () => {
    it('should open every shard under one connection budget', () => {
      const opened: number[] = [];
      testScheduler.run(() => {
        const budget = new WindowBudget({ limit: 2, window: '10s' });
        const pool = start({ link: link(), subscriptionsPerConnection: 1, budget }, 25_000);
        subscribeTopics(pool, 't1', 't2', 't3', 't4');
      });
      for (const event of exchange.log) if (event.kind === 'open') opened.push(event.at);
      // Two connections in any 10 s: the third and fourth shard wait for the window.
      expect(opened).toEqual([1, 1, 10_001, 10_001]);
    });

    it("should share one message budget by default, or give each shard its own with 'separate'", () => {
      const writes = (messageBudget?: 'separate'): number[] => {
        testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
        exchange = new TopicExchange(testScheduler);
        testScheduler.run(() => {
          const pool = start(
            {
              link: (shard) => ({ ...link()(shard), messageLimit: 2, messageLimitWindow: '1s' }),
              subscriptionsPerConnection: 2,
              ...(messageBudget === undefined ? {} : { messageBudget }),
            },
            5000,
          );
          subscribeTopics(pool, 't1', 't2', 't3', 't4');
        });
        return exchange.log.filter((e) => e.kind === 'subscribe').map((e) => e.at);
      };
      // Shared: two writes a second for both shards together.
      expect(writes()).toEqual([1, 1, 1001, 1001]);
      expect(writes('separate')).toEqual([1, 1, 1, 1]);
    });
  });

  describe('configuration', () => {
    const base = { url: 'ws://x.test' };
    it.each<[string, unknown]>([
      ['options', null],
      ['link', { subscriptionsPerConnection: 2 }],
      ['link', { link: 'ws://x.test', subscriptionsPerConnection: 2 }],
      ['subscriptionsPerConnection', { link: base }],
      ['subscriptionsPerConnection', { link: base, subscriptionsPerConnection: 0 }],
      ['subscriptionsPerConnection', { link: base, subscriptionsPerConnection: 1.5 }],
      ['rebalance', { link: base, subscriptionsPerConnection: 2, rebalance: 'spread' }],
      ['moveAfter', { link: base, subscriptionsPerConnection: 2, moveAfter: 'soon' }],
      ['budget', { link: base, subscriptionsPerConnection: 2, budget: { limit: 1 } }],
      ['messageBudget', { link: base, subscriptionsPerConnection: 2, messageBudget: 'shared' }],
      [
        'link.subscriptions',
        { link: { ...base, subscriptions: [{ op: 'subscribe' }] }, subscriptionsPerConnection: 2 },
      ],
      [
        'link.heartbeatTimeout',
        { link: { ...base, heartbeatInterval: '30s', heartbeatTimeout: '10s' }, subscriptionsPerConnection: 2 },
      ],
    ])('should throw a ConfigError naming %s before anything starts', (field, options) => {
      expect(configErrorOf(() => shardedPool(options as ShardedPoolOptions)).field).toBe(field);
    });

    it('should take the cap from an exchange profile given as it is', () => {
      let capacity = 0;
      testScheduler.run(() => {
        const profile = Object.defineProperty({ ...link()(0) }, 'subscriptionsPerConnection', { value: 3 });
        const pool = start({ link: profile }, 10);
        capacity = pool.capacity;
      });
      expect(capacity).toBe(3);
    });
  });

  describe('close()', () => {
    it('should close every shard once, complete the streams, and refuse new subscriptions', async () => {
      let pool!: ShardedPool<unknown, Topic>;
      let closing!: Promise<void>;
      let completed = -1;
      testScheduler.run(() => {
        pool = shardedPool({ link: link(), subscriptionsPerConnection: 1 });
        subscribeTopics(pool, 't1', 't2');
        pool.status$.subscribe({ complete: () => (completed = testScheduler.now()) });
        at(100, () => {
          closing = pool.close();
          expect(pool.close()).toBe(closing);
        });
      });
      await expect(closing).resolves.toBeUndefined();
      expect(completed).toBe(100);
      expect(exchange.holders().size).toBe(0);
      expect(() => pool.subscribe(subscribeTo('t3'))).toThrow(SendError);
    });
  });

  describe('for any outages of any shards, and subscriptions coming and going', () => {
    type Churn = { readonly at: number; readonly pick: number; readonly add: boolean };
    const outages = fc.array(
      fc.array(
        fc
          .tuple(fc.integer({ min: 200, max: 15_000 }), fc.integer({ min: 10, max: 5000 }))
          .map(([from, length]) => [from, from + length] as const),
        { maxLength: 3 },
      ),
      { maxLength: 6 },
    );
    const churn = fc.array(fc.record({ at: fc.integer({ min: 1, max: 20_000 }), pick: fc.nat(), add: fc.boolean() }), {
      maxLength: 4,
    });

    it.each<['move' | 'wait']>([['move'], ['wait']])(
      "should never have a subscription on two sockets, and have each on exactly one once things settle ('%s')",
      (rebalance) => {
        fc.assert(
          fc.property(
            fc.integer({ min: 1, max: 3 }),
            fc.integer({ min: 1, max: 6 }),
            outages,
            churn,
            (capacity, count, windows, changes: Churn[]) => {
              testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
              // Sockets served out of step (0, 1 or 2 ms): only a confirmed unsubscribe keeps two apart.
              exchange = new TopicExchange(testScheduler, 5, (socket) => socket % 3);
              const subscribed = new Map<string, ShardSubscription>();
              let settled = new Map<string, number[]>();
              testScheduler.run(() => {
                const pool = start(
                  { link: link(windows), subscriptionsPerConnection: capacity, moveAfter: '500ms', rebalance },
                  40_000,
                );
                const add = (topic: string): void => {
                  subscribed.set(topic, subscribeTopics(pool, topic)[0] as ShardSubscription);
                };
                for (let i = 1; i <= count; i++) add(`t${i}`);
                changes.forEach(({ at: time, pick, add: adding }, i) =>
                  at(time, () => {
                    if (adding) return add(`n${i}`);
                    const topics = [...subscribed.keys()];
                    const topic = topics[pick % Math.max(1, topics.length)];
                    if (topic === undefined) return;
                    subscribed.get(topic)?.unsubscribe();
                    subscribed.delete(topic);
                  }),
                );
                // Every outage is over by 20 s; retries come within 200 ms and moves within 500 ms after that.
                at(39_000, () => (settled = exchange.holders()));
              });
              const { holders, load } = exchange.peaks();
              expect(holders).toBeLessThanOrEqual(1);
              expect(load).toBeLessThanOrEqual(capacity);
              expect([...settled.keys()].sort()).toEqual([...subscribed.keys()].sort());
              for (const shards of settled.values()) expect(shards).toHaveLength(1);
            },
          ),
          { numRuns: 40 },
        );
      },
    );
  });
});

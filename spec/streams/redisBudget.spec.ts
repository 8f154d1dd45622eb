import { EventEmitter } from 'node:events';
import { VirtualTimeScheduler } from 'rxjs';
import { BudgetUnavailableError } from '../../src/model/BudgetUnavailableError';
import { MissingPeerError } from '../../src/model/MissingPeerError';
import { RedisBudgetConfig, redisBudget } from '../../src/streams/redisBudget';
import { configErrorOf } from '../support/configErrorOf';

/** A stand-in for an ioredis client: records script calls and answers with `reply()`. */
class FakeClient extends EventEmitter {
  status = 'ready';
  readonly calls: unknown[][] = [];
  readonly defined: string[] = [];
  reply: () => Promise<unknown> = () => Promise.resolve(0);

  defineCommand(name: string, definition: { numberOfKeys?: number; lua: string }): void {
    this.defined.push(name);
    expect(definition.numberOfKeys).toBe(2);
    expect(definition.lua).toContain("redis.call('TIME')");
    (this as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      this.calls.push(args);
      return this.reply();
    };
  }
}

/** The error a rejected take gave, or a failure if it did not reject. */
async function rejection(promise: Promise<unknown>): Promise<BudgetUnavailableError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(BudgetUnavailableError);
    return error as BudgetUnavailableError;
  }
  throw new Error('expected the take to reject');
}

const settled = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('redisBudget', () => {
  let scheduler: VirtualTimeScheduler;
  let client: FakeClient;
  const base = (): RedisBudgetConfig => ({
    redis: client as never,
    key: 'bot:messages',
    limit: 5,
    window: '1s',
    scheduler,
  });

  beforeEach(() => {
    scheduler = new VirtualTimeScheduler();
    client = new FakeClient();
  });

  it('should run the take script with the key, the limit, window + margin and a unique member, and go on 0', async () => {
    const budget = redisBudget(base());
    await expect(budget.take(0)).resolves.toBe(0);
    await expect(budget.take(0)).resolves.toBe(0);
    expect(client.calls).toHaveLength(2);
    const [first, second] = client.calls as [unknown[], unknown[]];
    expect(first.slice(0, 4)).toEqual(['bot:messages', 'bot:messages:started', 5, 1500]);
    expect(first[5]).toBe('1');
    expect(typeof first[4]).toBe('string');
    expect(first[4]).not.toBe(second[4]);
  });

  it("should answer with Redis's wait, and never pass the caller's clock to Redis", async () => {
    client.reply = () => Promise.resolve(730);
    const budget = redisBudget(base());
    await expect(budget.take(123_456_789)).resolves.toBe(730);
    expect(client.calls[0]).not.toContain(123_456_789);
  });

  it('should expose its limit, window, margin and timeout as a Budget', () => {
    const budget = redisBudget({ ...base(), timeout: '100ms' });
    expect(budget).toMatchObject({ limit: 5, windowMs: 1000, timeoutMs: 100, marginMs: 350, key: 'bot:messages' });
  });

  it('should take margin and holdAfterRestart as given', async () => {
    const budget = redisBudget({ ...base(), margin: '2s', holdAfterRestart: false });
    await budget.take();
    expect(client.calls[0]?.[3]).toBe(3000);
    expect(client.calls[0]?.[5]).toBe('0');
  });

  it('should reject with BudgetUnavailableError when Redis does not answer within the timeout', async () => {
    client.reply = () => new Promise(() => undefined);
    const budget = redisBudget(base());
    const taken = budget.take();
    scheduler.flush();
    const error = await rejection(taken);
    expect(error).toMatchObject({ code: 'LIFELINE_BUDGET_UNAVAILABLE', reason: 'timeout', timeoutMs: 250 });
    expect(error.budget).toBe('bot:messages');
  });

  it('should refuse an answer that arrives after the timeout even if the timer has not fired yet', async () => {
    let answer: (value: unknown) => void = () => undefined;
    client.reply = () => new Promise((resolve) => (answer = resolve));
    const budget = redisBudget(base());
    const taken = budget.take();
    // The event loop stalled: the clock moved past the timeout before the answer was handled.
    scheduler.frame = 251;
    answer(0);
    expect((await rejection(taken)).reason).toBe('timeout');
  });

  it('should reject with reason "error" and the cause when Redis fails', async () => {
    const cause = new Error('WRONGTYPE Operation against a key holding the wrong kind of value');
    client.reply = () => Promise.reject(cause);
    const error = await rejection(redisBudget(base()).take());
    expect(error).toMatchObject({ reason: 'error', cause });
  });

  it.each([null, 'x', -1, NaN])('should reject an unexpected reply %p as an error', async (reply) => {
    client.reply = () => Promise.resolve(reply);
    expect((await rejection(redisBudget(base()).take())).reason).toBe('error');
  });

  it('should wait for the client to be ready, within the timeout, before running the script', async () => {
    client.status = 'reconnecting';
    const budget = redisBudget(base());
    const taken = budget.take();
    await settled();
    expect(client.calls).toHaveLength(0);
    client.status = 'ready';
    client.emit('ready');
    await expect(taken).resolves.toBe(0);
    expect(client.calls).toHaveLength(1);
  });

  it('should reject without running anything when the client does not become ready in time', async () => {
    client.status = 'reconnecting';
    const taken = redisBudget(base()).take();
    scheduler.flush();
    expect((await rejection(taken)).reason).toBe('timeout');
    client.emit('ready');
    await settled();
    expect(client.calls).toHaveLength(0);
  });

  it('should define its script once per client, however many budgets share it', async () => {
    const connects = redisBudget({ ...base(), key: 'bot:connects' });
    const messages = redisBudget(base());
    await Promise.all([connects.take(), messages.take()]);
    expect(client.defined).toEqual(['lifelineBudgetTake1']);
    expect(client.calls.map((args) => args[0])).toEqual(['bot:connects', 'bot:messages']);
  });

  it('should never ask Redis with an Infinity limit', async () => {
    const budget = redisBudget({ ...base(), limit: Infinity });
    await expect(budget.take()).resolves.toBe(0);
    expect(client.calls).toHaveLength(0);
  });

  it('should reject every take after close, and leave a client it was given open', async () => {
    const budget = redisBudget(base());
    await budget.close();
    expect((await rejection(budget.take())).reason).toBe('closed');
    expect(client.calls).toHaveLength(0);
    await budget.close();
  });

  describe('given a URL', () => {
    class FakeRedis extends FakeClient {
      static made: FakeRedis[] = [];
      disconnects = 0;
      constructor(
        readonly url: string,
        readonly options: Record<string, unknown>,
      ) {
        super();
        this.status = 'connecting';
        FakeRedis.made.push(this);
      }
      disconnect(): void {
        this.disconnects++;
        this.status = 'end';
        setImmediate(() => this.emit('end'));
      }
    }
    const loader = (id: string): unknown => {
      expect(id).toBe('ioredis');
      return { Redis: FakeRedis };
    };

    beforeEach(() => (FakeRedis.made = []));

    it('should create a client that fails fast instead of queueing, with the timeout as command timeout', () => {
      redisBudget({ ...base(), redis: 'redis://127.0.0.1:6379/2', timeout: 100 }, loader);
      const [made] = FakeRedis.made;
      expect(made?.url).toBe('redis://127.0.0.1:6379/2');
      expect(made?.options).toMatchObject({ enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: 100 });
      const retry = made?.options.retryStrategy as (times: number) => number;
      expect([1, 2, 3, 10, 1000].map(retry)).toEqual([200, 400, 800, 1000, 1000]);
    });

    it('should say why Redis is unreachable when a take times out while it is down', async () => {
      const budget = redisBudget({ ...base(), redis: 'redis://127.0.0.1:6379' }, loader);
      const made = FakeRedis.made[0] as FakeRedis;
      made.status = 'reconnecting';
      const refused = new Error('connect ECONNREFUSED 127.0.0.1:6379');
      made.emit('error', refused);
      const taken = budget.take();
      scheduler.flush();
      expect(await rejection(taken)).toMatchObject({ reason: 'error', cause: refused });
      // Back up: the old error no longer explains anything.
      made.status = 'ready';
      made.emit('ready');
      await expect(budget.take()).resolves.toBe(0);
    });

    it('should disconnect the client it made on close, and wait for it to end', async () => {
      const budget = redisBudget({ ...base(), redis: 'rediss://cache.internal:6380' }, loader);
      const made = FakeRedis.made[0] as FakeRedis;
      made.status = 'ready';
      let ended = false;
      made.once('end', () => (ended = true));
      await budget.close();
      expect(made.disconnects).toBe(1);
      expect(ended).toBe(true);
    });

    it('should not wait for an end that will not come while the client is between reconnects', async () => {
      const budget = redisBudget({ ...base(), redis: 'redis://127.0.0.1:6379' }, loader);
      const made = FakeRedis.made[0] as FakeRedis;
      made.status = 'reconnecting';
      made.disconnect = () => void made.disconnects++;
      await budget.close();
      expect(made.disconnects).toBe(1);
    });

    it('should throw MissingPeerError naming ioredis when it is not installed', () => {
      const missing = (): never => {
        throw new Error("Cannot find module 'ioredis'");
      };
      expect(() => redisBudget({ ...base(), redis: 'redis://127.0.0.1:6379' }, missing)).toThrow(MissingPeerError);
      expect(() => redisBudget({ ...base(), redis: 'redis://127.0.0.1:6379' }, missing)).toThrow(/npm install ioredis/);
    });

    it('should not load ioredis when given a client', () => {
      const load = jest.fn();
      redisBudget(base(), load);
      expect(load).not.toHaveBeenCalled();
    });
  });

  describe('config', () => {
    it.each([0, 1.5, -1, '5', undefined])('should reject a limit of %p', (limit) => {
      expect(configErrorOf(() => redisBudget({ ...base(), limit: limit as number })).field).toBe('limit');
    });

    it.each([0, '0s', 'a minute', undefined])('should reject a window of %p', (window) => {
      expect(configErrorOf(() => redisBudget({ ...base(), window: window as number })).field).toBe('window');
    });

    it.each([0, -1, 'soon'])('should reject a timeout of %p', (timeout) => {
      expect(configErrorOf(() => redisBudget({ ...base(), timeout: timeout as number })).field).toBe('timeout');
    });

    it('should reject a margin shorter than the timeout, and say why', () => {
      const error = configErrorOf(() => redisBudget({ ...base(), timeout: '300ms', margin: '100ms' }));
      expect(error.field).toBe('margin');
      expect(error.value).toBe('100ms');
      expect(error.allowed).toMatch(/>= timeout \(300 ms\)/);
    });

    it.each(['', 42, undefined])('should reject a key of %p', (key) => {
      expect(configErrorOf(() => redisBudget({ ...base(), key: key as string })).field).toBe('key');
    });

    it.each(['127.0.0.1:6379', 'http://redis', {}, null, undefined, { status: 'ready' }])(
      'should reject a redis of %p',
      (redis) => {
        const error = configErrorOf(() => redisBudget({ ...base(), redis: redis as string }));
        expect(error).toMatchObject({ field: 'redis', allowed: 'a redis:// or rediss:// URL, or an ioredis client' });
      },
    );

    it('should reject a holdAfterRestart that is not a boolean', () => {
      const error = configErrorOf(() => redisBudget({ ...base(), holdAfterRestart: 'yes' as never }));
      expect(error.field).toBe('holdAfterRestart');
    });

    it.each([undefined, null, 'redis://x'])('should reject a config of %p', (config) => {
      expect(configErrorOf(() => redisBudget(config as never)).field).toBe('redisBudget');
    });
  });
});

import { MissingPeerError } from '../model/MissingPeerError';

/** What `redisBudget` needs of an ioredis client: both ioredis 5 and 6 clients have it. */
export interface RedisBudgetClient {
  /** ioredis's connection status: `'ready'` when commands can be sent. */
  readonly status: string;
  /** Registers a Lua script as a command (sent with EVALSHA, falling back to EVAL). */
  defineCommand(name: string, definition: { numberOfKeys?: number; lua: string }): void;
  addListener(event: string, listener: (...args: unknown[]) => void): this;
  removeListener(event: string, listener: (...args: unknown[]) => void): this;
}

/** A client `redisBudget` created and so closes. */
export interface OwnedRedisClient extends RedisBudgetClient {
  /** Closes the connection at once, without reconnecting. */
  disconnect(): void;
}

/** The ioredis client constructor, as `redisBudget` uses it. */
export type IoredisConstructor = new (url: string, options: object) => OwnedRedisClient;

/**
 * Loads ioredis on first use. It is an optional peer dependency: `import 'lifeline-ws'` never loads
 * it, and neither does `lifeline-ws/redis` until `redisBudget` is given a URL (given a client, it
 * uses that one and loads nothing).
 *
 * @param load The module loader. Defaults to Node's `require`; specs pass one that fails.
 * @returns The ioredis client class.
 * @throws MissingPeerError (`npm install ioredis`) when it cannot be loaded.
 */
export function loadIoredis(load: (id: string) => unknown = require): IoredisConstructor {
  let module: { Redis?: unknown; default?: unknown } | undefined;
  try {
    module = load('ioredis') as typeof module;
  } catch (error) {
    throw new MissingPeerError('ioredis', 'redisBudget', '^5.3 || ^6', error);
  }
  const Redis = module?.Redis ?? module?.default ?? module;
  if (typeof Redis !== 'function') {
    throw new MissingPeerError('ioredis', 'redisBudget', '^5.3 || ^6', new Error('ioredis exports no Redis class'));
  }
  return Redis as IoredisConstructor;
}

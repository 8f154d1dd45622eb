import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** A real `redis-server` on 127.0.0.1 and a random port, without persistence, for integration specs. */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Kills it at once (SIGKILL, as a crash would) and resolves when it has exited. */
  kill(): Promise<void>;
  /** Starts it again on the same port (after `kill`); resolves when it accepts connections. */
  restart(): Promise<void>;
  /** Stops it for good; safe to call twice, for afterAll. */
  stop(): Promise<void>;
}

/** Every server started, so a spec that forgets one still does not leave it running. */
const running = new Set<ChildProcess>();
process.once('exit', () => running.forEach((child) => child.kill('SIGKILL')));

/** A port that was free a moment ago (redis-server cannot be given port 0). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Spawns redis-server on `port` and resolves once it logs that it accepts connections. */
function spawnRedis(port: number, timeoutMs = 5000): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.add(child);
  child.once('exit', () => running.delete(child));
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => fail(new Error(`redis-server on ${port} not ready after ${timeoutMs} ms`)),
      timeoutMs,
    );
    const fail = (error: Error): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${error.message}\n${output}`));
    };
    child.once('error', (error) =>
      fail(new Error(`cannot run redis-server (${error.message}): install the "redis-server" package (npm test does)`)),
    );
    child.once('exit', (code) => fail(new Error(`redis-server on ${port} exited with ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        child.once('exit', () => running.delete(child));
        child.stdout?.removeAllListeners('data');
        child.stdout?.resume();
        resolve(child);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  });
}

function killed(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** Starts a redis-server of its own; retries on another port if the one picked was taken meanwhile. */
export async function startRedisServer(): Promise<RedisServer> {
  let port = 0;
  let child: ChildProcess | undefined;
  for (let tries = 0; child === undefined; tries++) {
    port = await freePort();
    try {
      child = await spawnRedis(port);
    } catch (error) {
      if (tries >= 2) throw error;
    }
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill: async () => {
      await killed(child);
      child = undefined;
    },
    restart: async () => {
      await killed(child);
      child = await spawnRedis(port);
    },
    stop: async () => {
      await killed(child);
      child = undefined;
    },
  };
}

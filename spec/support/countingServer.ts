import { performance } from 'node:perf_hooks';
import { AddressInfo, Server, Socket, createServer } from 'node:net';

/**
 * A TCP server on 127.0.0.1 that stands in for an exchange counting messages: every line received, on
 * any connection, is one message, recorded with its arrival time (ms, this process's monotonic clock).
 */
export interface CountingServer {
  readonly port: number;
  /** Arrival times of every message, in order. */
  readonly arrivals: number[];
  close(): Promise<void>;
}

export async function startCountingServer(): Promise<CountingServer> {
  const arrivals: number[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      const at = performance.now();
      for (const byte of chunk) if (byte === 0x0a) arrivals.push(at);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    arrivals,
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((socket) => socket.destroy());
        server.close(() => resolve());
      }),
  };
}

/** The most of `times` (sorted) that fall in any window `[t, t + windowMs)`. */
export function mostInAnyWindow(times: readonly number[], windowMs: number): number {
  let most = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while ((times[end] as number) - (times[start] as number) >= windowMs) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

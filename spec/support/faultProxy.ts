import net from 'node:net';

/**
 * A fault-injecting TCP proxy on 127.0.0.1: sits between a client and a server and, on command,
 * blackholes traffic without closing (a half-open link), delays it, drops every connection, or
 * refuses new ones. Loopback only.
 */
export interface FaultProxy {
  /** The port clients connect to. */
  readonly port: number;
  /** Live client-side sockets. */
  readonly connections: number;
  /** Stop forwarding in both directions, discarding bytes, without closing anything (no FIN, no RST). */
  blackhole(): void;
  /** Delay every chunk by `ms` in both directions (order kept, also when the delay is lowered). */
  delay(ms: number): void;
  /** Forward normally again. */
  restore(): void;
  /** Destroy every proxied connection (the client sees an abnormal close). */
  dropAll(): void;
  /** Accept and immediately destroy new connections while true. */
  refuseNew(refuse: boolean): void;
  /** Stop listening and destroy everything. */
  close(): Promise<void>;
}

export async function startFaultProxy(targetPort: number): Promise<FaultProxy> {
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  let mode: 'pass' | 'blackhole' = 'pass';
  let delayMs = 0;
  let refusing = false;
  const timers = new Set<NodeJS.Timeout>();

  const forward = (from: net.Socket, to: net.Socket): void => {
    // When each chunk goes out, per direction: lowering the delay must never let a chunk overtake
    // one still held back, or the proxy itself would reorder a TCP stream.
    let lastRelease = 0;
    from.on('data', (chunk) => {
      if (mode === 'blackhole') return;
      const now = Date.now();
      const release = Math.max(now + delayMs, lastRelease);
      lastRelease = release;
      if (release <= now) {
        to.write(chunk);
        return;
      }
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!to.destroyed) to.write(chunk);
      }, release - now);
      timers.add(timer);
    });
  };

  const server = net.createServer((client) => {
    if (refusing) {
      client.destroy();
      return;
    }
    const upstream = net.connect(targetPort, '127.0.0.1');
    const pair = { client, upstream };
    pairs.add(pair);
    const teardown = (): void => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', teardown);
    upstream.on('error', teardown);
    client.on('close', teardown);
    upstream.on('close', teardown);
    forward(client, upstream);
    forward(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;

  return {
    port,
    get connections() {
      return pairs.size;
    },
    blackhole: () => void (mode = 'blackhole'),
    delay: (ms) => void (delayMs = ms),
    restore: () => {
      mode = 'pass';
      delayMs = 0;
    },
    dropAll: () => {
      for (const { client, upstream } of pairs) {
        client.resetAndDestroy();
        upstream.destroy();
      }
    },
    refuseNew: (refuse) => void (refusing = refuse),
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        for (const { client, upstream } of pairs) {
          client.destroy();
          upstream.destroy();
        }
        server.close(() => resolve());
      }),
  };
}

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
    // One FIFO and at most one timer per direction: chunks leave in arrival order whatever the
    // delay does meanwhile (two timers due in the same millisecond need not fire in order).
    const held: Array<{ chunk: Buffer; at: number }> = [];
    let timer: NodeJS.Timeout | undefined;
    const release = (): void => {
      if (timer !== undefined) timers.delete(timer);
      timer = undefined;
      const now = Date.now();
      while (held.length > 0 && (held[0] as { at: number }).at <= now) {
        const { chunk } = held.shift() as { chunk: Buffer };
        if (!to.destroyed) to.write(chunk);
      }
      if (held.length > 0) arm();
    };
    const arm = (): void => {
      if (timer !== undefined) return;
      timer = setTimeout(release, Math.max(0, (held[0] as { at: number }).at - Date.now()));
      timers.add(timer);
    };
    from.on('data', (chunk: Buffer) => {
      if (mode === 'blackhole') return;
      if (delayMs === 0 && held.length === 0) {
        to.write(chunk);
        return;
      }
      held.push({ chunk, at: Date.now() + delayMs });
      arm();
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

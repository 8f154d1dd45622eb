import { ChildProcess, execFileSync } from 'node:child_process';
import path from 'node:path';
import { exited, ownChildren } from './ownChildren';
import { packageRoot } from './packageRoot';

/**
 * Three network namespaces joined by two veth pairs, with addresses that exist only inside them:
 *
 * ```
 *  llc (client)            llr (router: faults, rate limits, delay line)          lls (server)
 *  vc0 10.77.0.1/30 ─veth─ vr0 10.77.0.2/30      vr1 10.77.0.5/30 ─veth─ vs0 10.77.0.6/30
 * ```
 *
 * The client and server each have one route, to the other's /30 through the router; the router has
 * only its two connected /30s. Nothing leads out of the three namespaces, so no packet of the suite
 * can reach any other host. Faults live in the router, where both directions pass:
 *
 * - `blackhole()`: iptables DROP both ways (a half-open link: neither end hears of it).
 * - `reset()`: iptables REJECT `--reject-with tcp-reset` both ways (each end gets an RST).
 * - `loss(p)`: iptables `statistic --mode random` DROP both ways.
 * - `rateLimit(dir, rate)`: `tc qdisc … tbf` on the router's egress toward the server (uplink) or client.
 * - `cablePull()`: `ip link set vr0 down`: the client's NIC loses carrier.
 * - `delay(ms, jitter)`: this kernel has no netem, so a TUN device and `delayLine.py` (Python stdlib)
 *   in the router hold each packet for ms ± jitter; policy routing sends forwarded traffic through it.
 *
 * `down()` removes everything and is safe to call at any time, any number of times.
 *
 * @example
 * const bed = new TestBed();
 * bed.up();
 * try { bed.blackhole(); … bed.heal(); } finally { await bed.stopDelay(); bed.down(); }
 */
export class TestBed {
  static readonly client = { ns: 'llc', nic: 'vc0', address: '10.77.0.1' } as const;
  static readonly server = { ns: 'lls', nic: 'vs0', address: '10.77.0.6' } as const;
  static readonly router = { ns: 'llr', toClient: 'vr0', toServer: 'vr1' } as const;
  static readonly delayDevice = 'lldelay';
  static readonly faultChain = 'LLFAULT';

  private delayLine: ChildProcess | undefined;

  /** Builds the three namespaces from scratch (removing leftovers of an interrupted run first). */
  up(): void {
    this.down();
    const { client, server, router } = TestBed;
    for (const ns of [client.ns, router.ns, server.ns]) {
      run('ip', ['netns', 'add', ns]);
      this.ip(ns, 'link', 'set', 'lo', 'up');
    }
    run('ip', [
      'link',
      'add',
      client.nic,
      'netns',
      client.ns,
      'type',
      'veth',
      'peer',
      'name',
      router.toClient,
      'netns',
      router.ns,
    ]);
    run('ip', [
      'link',
      'add',
      router.toServer,
      'netns',
      router.ns,
      'type',
      'veth',
      'peer',
      'name',
      server.nic,
      'netns',
      server.ns,
    ]);
    this.ip(client.ns, 'addr', 'add', `${client.address}/30`, 'dev', client.nic);
    this.ip(router.ns, 'addr', 'add', '10.77.0.2/30', 'dev', router.toClient);
    this.ip(router.ns, 'addr', 'add', '10.77.0.5/30', 'dev', router.toServer);
    this.ip(server.ns, 'addr', 'add', `${server.address}/30`, 'dev', server.nic);
    for (const [ns, nic] of [
      [client.ns, client.nic],
      [router.ns, router.toClient],
      [router.ns, router.toServer],
      [server.ns, server.nic],
    ] as const) {
      this.ip(ns, 'link', 'set', nic, 'up');
    }
    this.ip(client.ns, 'route', 'add', '10.77.0.4/30', 'via', '10.77.0.2');
    this.ip(server.ns, 'route', 'add', '10.77.0.0/30', 'via', '10.77.0.5');
    this.exec(router.ns, 'sysctl', '-qw', 'net.ipv4.ip_forward=1');
    // Packets the delay line writes back arrive on its TUN device with the client's or server's source.
    for (const scope of ['all', 'default', router.toClient, router.toServer]) {
      this.exec(router.ns, 'sysctl', '-qw', `net.ipv4.conf.${scope}.rp_filter=0`);
    }
    this.exec(router.ns, 'iptables', '-N', TestBed.faultChain);
    this.exec(router.ns, 'iptables', '-A', 'FORWARD', '-j', TestBed.faultChain);
  }

  /** Ends the delay line and deletes the namespaces (and with them every rule, qdisc and link). Never throws. */
  down(): void {
    if (this.delayLine && this.delayLine.exitCode === null) this.delayLine.kill('SIGKILL');
    this.delayLine = undefined;
    const existing = tryRun('ip', ['netns', 'list']) ?? '';
    for (const ns of [TestBed.client.ns, TestBed.router.ns, TestBed.server.ns]) {
      if (existing.split('\n').some((line) => line.split(' ')[0] === ns)) tryRun('ip', ['netns', 'del', ns]);
    }
  }

  /** `ip -n ns …`. */
  ip(ns: string, ...args: string[]): string {
    return run('ip', ['-n', ns, ...args]);
  }

  /** Runs a command inside a namespace. */
  exec(ns: string, command: string, ...args: string[]): string {
    return run('ip', ['netns', 'exec', ns, command, ...args]);
  }

  /** Drops every packet both ways: a half-open link. */
  blackhole(): void {
    for (const nic of [TestBed.router.toClient, TestBed.router.toServer]) this.fault('-i', nic, '-j', 'DROP');
  }

  /** Answers every TCP segment, both ways, with an RST in the other end's name. */
  reset(): void {
    for (const nic of [TestBed.router.toClient, TestBed.router.toServer]) {
      this.fault('-i', nic, '-p', 'tcp', '-j', 'REJECT', '--reject-with', 'tcp-reset');
    }
  }

  /** Drops each packet with `probability`, independently, both ways. */
  loss(probability: number): void {
    for (const nic of [TestBed.router.toClient, TestBed.router.toServer]) {
      this.fault('-i', nic, '-m', 'statistic', '--mode', 'random', '--probability', String(probability), '-j', 'DROP');
    }
  }

  /**
   * A token bucket on the router's egress: `uplink` limits client → server, `downlink` server → client.
   * `queue` is how long a packet may wait in the bucket's queue before it is dropped (tbf `latency`).
   */
  rateLimit(direction: 'uplink' | 'downlink', rate: string, queue = '400ms'): void {
    const nic = direction === 'uplink' ? TestBed.router.toServer : TestBed.router.toClient;
    const tbf = ['rate', rate, 'burst', '16kb', 'latency', queue];
    this.exec(TestBed.router.ns, 'tc', 'qdisc', 'replace', 'dev', nic, 'root', 'tbf', ...tbf);
  }

  /** The client's NIC loses carrier: its peer end in the router goes down. */
  cablePull(): void {
    this.ip(TestBed.router.ns, 'link', 'set', TestBed.router.toClient, 'down');
  }

  /**
   * Holds every forwarded packet for `ms` ± `jitterMs` (uniform), in order per destination, with
   * `delayLine.py` on a TUN device in the router. Resolves once the line is in the path.
   */
  async delay(ms: number, jitterMs: number, seed?: number): Promise<void> {
    const { ns, toClient, toServer } = TestBed.router;
    const device = TestBed.delayDevice;
    this.ip(ns, 'tuntap', 'add', 'dev', device, 'mode', 'tun');
    this.exec(ns, 'sysctl', '-qw', `net.ipv4.conf.${device}.rp_filter=0`);
    this.ip(ns, 'link', 'set', device, 'up');
    const script = path.join(packageRoot, 'spec', 'network', 'delayLine.py');
    const args = ['netns', 'exec', ns, 'python3', script, device, String(ms), String(jitterMs)];
    const line = ownChildren.spawn('ip', seed === undefined ? args : [...args, String(seed)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.delayLine = line;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('delay line did not start within 5 s')), 5000);
      line.stdout?.once('data', () => {
        clearTimeout(timer);
        resolve();
      });
      line.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`delay line exited with ${code} before it was ready`));
      });
    });
    this.ip(ns, 'route', 'add', 'default', 'dev', device, 'table', '100');
    for (const nic of [toClient, toServer]) this.ip(ns, 'rule', 'add', 'iif', nic, 'lookup', '100');
  }

  /** Takes the delay line out of the path (packets it still holds go on) and ends it. */
  async stopDelay(): Promise<void> {
    const line = this.delayLine;
    if (!line) return;
    const { ns, toClient, toServer } = TestBed.router;
    for (const nic of [toClient, toServer]) tryRun('ip', ['-n', ns, 'rule', 'del', 'iif', nic, 'lookup', '100']);
    // Let what it holds (at most delay + jitter) go out before it stops.
    await new Promise((resolve) => setTimeout(resolve, 500));
    line.stdin?.end();
    const timer = setTimeout(() => line.kill('SIGKILL'), 2000);
    await exited(line);
    clearTimeout(timer);
    this.delayLine = undefined;
    tryRun('ip', ['-n', ns, 'link', 'del', TestBed.delayDevice]);
  }

  /** Removes every fault: rules, rate limits, a pulled cable, the delay line. */
  async heal(): Promise<void> {
    const { ns, toClient, toServer } = TestBed.router;
    this.exec(ns, 'iptables', '-F', TestBed.faultChain);
    for (const nic of [toClient, toServer])
      tryRun('ip', ['netns', 'exec', ns, 'tc', 'qdisc', 'del', 'dev', nic, 'root']);
    this.ip(ns, 'link', 'set', toClient, 'up');
    await this.stopDelay();
  }

  private fault(...rule: string[]): void {
    this.exec(TestBed.router.ns, 'iptables', '-A', TestBed.faultChain, ...rule);
  }
}

function run(command: string, args: readonly string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${stderr?.trim() || (error as Error).message}`);
  }
}

function tryRun(command: string, args: readonly string[]): string | undefined {
  try {
    return run(command, args);
  } catch {
    return undefined;
  }
}

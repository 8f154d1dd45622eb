import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** What the machine offers the suite, in words for the report. */
export interface Tools {
  /** The installs made, e.g. `['iptables']`; empty when everything was there. */
  readonly installed: readonly string[];
  /** Whether the kernel has netem (the suite does not use it either way). */
  readonly netem: 'present' | 'absent' | 'unknown';
  /** Whether /dev/net/tun exists: the delay line needs it. */
  readonly tun: boolean;
}

const needed: ReadonlyArray<{ readonly command: string; readonly pkg: string }> = [
  { command: 'ip', pkg: 'iproute2' },
  { command: 'tc', pkg: 'iproute2' },
  { command: 'iptables', pkg: 'iptables' },
  { command: 'python3', pkg: 'python3' },
];

/**
 * Checks that the suite can run here: root, and `ip`, `tc`, `iptables` and `python3` on PATH,
 * installing the missing ones from Debian (`apt-get update`, then `apt-get install -y`). Says
 * whether the kernel has netem and TUN. Throws with a plain reason when it cannot go on.
 *
 * @example
 * const tools = ensureTools(); // { installed: ['iptables'], netem: 'absent', tun: true }
 * @returns What was installed and what the kernel offers.
 */
export function ensureTools(): Tools {
  if (process.platform !== 'linux') throw new Error('npm run test:network needs Linux (network namespaces)');
  if (process.getuid?.() !== 0) {
    throw new Error(
      'npm run test:network needs root: it creates network namespaces and firewall rules (sudo npm run test:network)',
    );
  }
  const missing = [...new Set(needed.filter(({ command }) => !onPath(command)).map(({ pkg }) => pkg))];
  if (missing.length > 0) {
    console.log(`installing from Debian: ${missing.join(', ')}`);
    const apt = {
      stdio: 'inherit',
      timeout: 300_000,
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    } as const;
    execFileSync('apt-get', ['update', '-qq'], apt);
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], apt);
    const still = needed.filter(({ command }) => !onPath(command)).map(({ command }) => command);
    if (still.length > 0) throw new Error(`still missing after apt-get install: ${still.join(', ')}`);
  }
  return { installed: missing, netem: netem(), tun: existsSync('/dev/net/tun') };
}

function onPath(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

/** From the kernel's build config when it publishes one. */
function netem(): Tools['netem'] {
  try {
    const config = gunzipSync(readFileSync('/proc/config.gz')).toString('utf8');
    return /^CONFIG_NET_SCH_NETEM=[ym]$/m.test(config) ? 'present' : 'absent';
  } catch {
    return 'unknown';
  }
}

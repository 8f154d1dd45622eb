// The `pretest` step: the Redis budget's integration specs start a real `redis-server` of their own on
// a random 127.0.0.1 port, so the binary must be on this machine. When it is missing and we are root
// (CI, a fresh dev container), install Debian's package; otherwise stop with a message naming it.
// It only installs: it never starts a service (the specs start and stop their own servers).
const { execFileSync, spawnSync } = require('node:child_process');

const PACKAGE = 'redis-server';

/** The path of a runnable redis-server, or undefined. */
function findRedisServer() {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const path = found.status === 0 ? found.stdout.trim() : '';
  return path === '' ? undefined : path;
}

function main() {
  const existing = findRedisServer();
  if (existing) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
  if (!isRoot || !hasApt) {
    console.error(
      `pretest: redis-server is missing; the Redis budget specs need it. Install the "${PACKAGE}" package ` +
        `(Debian/Ubuntu: sudo apt-get install -y ${PACKAGE}; macOS: brew install redis) and run the tests again.`,
    );
    process.exit(1);
  }
  console.log(`pretest: redis-server is missing; installing Debian's ${PACKAGE} package`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Bounded: a package mirror that hangs must fail the run, not stall CI for its whole time limit.
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env, timeout: 300_000 });
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', PACKAGE], {
    stdio: 'inherit',
    env,
    timeout: 300_000,
  });
  if (!findRedisServer()) {
    console.error(`pretest: installed ${PACKAGE} but redis-server is still not on PATH`);
    process.exit(1);
  }
}

main();

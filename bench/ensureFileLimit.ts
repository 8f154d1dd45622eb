import { execFileSync } from 'node:child_process';

/**
 * Throws unless this process, and every process it starts, may open `needed` files (sockets): 10,000
 * connections take 10,000 descriptors in the client and as many in the server. Node raises its own
 * soft limit to the hard one as it starts, so the hard limit (`ulimit -Hn`) is what counts; a
 * shell started from here reports the limit in force.
 *
 * @example
 * ensureFileLimit(10_000 + 512); // returns, or throws saying how to raise the limit
 *
 * @param needed Descriptors each process needs.
 */
export function ensureFileLimit(needed: number): void {
  const text = execFileSync('/bin/sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
  const limit = text === 'unlimited' ? Infinity : Number(text);
  if (limit >= needed) return;
  throw new Error(
    `the bench needs ${needed} open files per process and may open ${limit}: raise the hard limit ` +
      `(\`ulimit -Hn ${needed}\` as root before \`npm run bench\`, or nofile in /etc/security/limits.conf), ` +
      `or pass smaller --sizes`,
  );
}

import { readFileSync } from 'node:fs';

/** Where the local range is not readable (not Linux): IANA's dynamic ports, 49152–65535. */
const FALLBACK = 16_384;

/**
 * How many local ports the kernel hands out for outgoing connections (Linux:
 * /proc/sys/net/ipv4/ip_local_port_range, 32768–60999 by default: 28,232). Each outgoing connection
 * to one server address and port takes one of them, and a closed one lingers in TIME_WAIT for a
 * minute.
 */
function ephemeralPorts(): number {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    return high >= low ? high - low + 1 : FALLBACK;
  } catch {
    return FALLBACK;
  }
}

/**
 * Server ports to spread `connections` over so that no server port carries more than a quarter of
 * the ephemeral range: room for the previous run's ports still in TIME_WAIT (lifeline's 10,000, then
 * raw ws's 10,000 a few seconds later) even where the kernel does not reuse them.
 *
 * @example
 * serverPortsFor(10_000); // 2 with Linux's default range
 *
 * @param connections The largest number of connections open at once.
 * @returns At least 1.
 */
export function serverPortsFor(connections: number): number {
  return Math.max(1, Math.ceil(connections / Math.floor(ephemeralPorts() / 4)));
}

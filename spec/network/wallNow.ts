import { WallMs } from './protocol';

/**
 * Wall-clock milliseconds with sub-millisecond precision. The suite's three processes run on one
 * machine, so their times compare directly: a send in the client and its arrival in the server.
 *
 * @example
 * const sentAt = wallNow(); // 1767225600123.456
 * @returns `performance.timeOrigin + performance.now()`.
 */
export function wallNow(): WallMs {
  return performance.timeOrigin + performance.now();
}

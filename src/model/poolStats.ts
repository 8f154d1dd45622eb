import { ConnectionStats, totalDowntime } from './ConnectionStats';

/**
 * The statistics of a group of links as one: the counts added up (sockets opened, links lost,
 * reconnect attempts and successes, so the reconnect success rate is the group's), monitoring from
 * the earliest start, and the downtime of the link that has been down longest as of `now`: a group
 * is as available as its least available link, so its uptime is that link's.
 *
 * @example
 * poolStats([shard0.stats, shard1.stats], scheduler.now());
 * // { totalConnections: 5, totalDisconnections: 2, …, closedDowntime: 3100, downSince: undefined }
 *
 * @param stats Each link's statistics (at least one).
 * @param now Scheduler time, ms: which link has been down longest is judged at this moment.
 * @returns One `ConnectionStats` for the group.
 */
export function poolStats(stats: readonly ConnectionStats[], now: number): ConnectionStats {
  let worst = stats[0] as ConnectionStats;
  let lastDisconnectTime: number | undefined;
  const sum = { totalConnections: 0, totalDisconnections: 0, totalReconnectAttempts: 0, successfulReconnects: 0 };
  let connectionStartTime = Infinity;
  for (const each of stats) {
    sum.totalConnections += each.totalConnections;
    sum.totalDisconnections += each.totalDisconnections;
    sum.totalReconnectAttempts += each.totalReconnectAttempts;
    sum.successfulReconnects += each.successfulReconnects;
    connectionStartTime = Math.min(connectionStartTime, each.connectionStartTime);
    if (each.lastDisconnectTime !== undefined) {
      lastDisconnectTime = Math.max(lastDisconnectTime ?? -Infinity, each.lastDisconnectTime);
    }
    if (totalDowntime(each, now) > totalDowntime(worst, now)) worst = each;
  }
  return {
    ...sum,
    connectionStartTime,
    closedDowntime: worst.closedDowntime,
    lastDisconnectTime,
    downSince: worst.downSince,
  };
}

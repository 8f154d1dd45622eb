import { ConnectionSignal } from './ConnectionSignal';
import { withFields } from './withFields';

/**
 * Connection statistics (seed: `total_connections`, …). Only facts are stored; the reconnect
 * success rate, total downtime and uptime percentage are derived by the functions below.
 */
export interface ConnectionStats {
  /** Sockets opened. */
  readonly totalConnections: number;
  /** Open links that were lost (any cause but the application closing the handle). */
  readonly totalDisconnections: number;
  /** Connection attempts after the very first one. */
  readonly totalReconnectAttempts: number;
  /** Reconnect attempts that opened a socket. */
  readonly successfulReconnects: number;
  /** When monitoring began (ms since the epoch). */
  readonly connectionStartTime: number;
  /** Milliseconds spent without an open link in periods that have ended. */
  readonly closedDowntime: number;
  /** When the link was last lost. */
  readonly lastDisconnectTime?: number;
  /** Start of the current period without an open link; undefined while open. */
  readonly downSince?: number;
}

/** Statistics at the start of monitoring: down (not yet connected) since `now`. */
export function initialStats(now: number): ConnectionStats {
  return {
    totalConnections: 0,
    totalDisconnections: 0,
    totalReconnectAttempts: 0,
    successfulReconnects: 0,
    connectionStartTime: now,
    closedDowntime: 0,
    downSince: now,
  };
}

/** The statistics reducer, one of the steps of `nextLinkModel`. */
export function updateStats(stats: ConnectionStats, signal: ConnectionSignal): ConnectionStats {
  switch (signal.type) {
    case 'connecting':
      return signal.reconnect ? { ...stats, totalReconnectAttempts: stats.totalReconnectAttempts + 1 } : stats;
    case 'open':
      return {
        ...stats,
        totalConnections: stats.totalConnections + 1,
        successfulReconnects: stats.successfulReconnects + (signal.reconnect ? 1 : 0),
        closedDowntime:
          stats.closedDowntime + (stats.downSince === undefined ? 0 : Math.max(0, signal.at - stats.downSince)),
        downSince: undefined,
      };
    case 'disconnected':
      if (stats.downSince !== undefined) return stats;
      return withFields(stats, {
        totalDisconnections: stats.totalDisconnections + 1,
        lastDisconnectTime: signal.at,
        downSince: signal.at,
      });
    case 'closed':
      return stats.downSince === undefined ? { ...stats, downSince: signal.at } : stats;
    default:
      return stats;
  }
}

/** Total time without an open link as of `now`, the current outage included (ms). */
export function totalDowntime(stats: ConnectionStats, now: number): number {
  const current = stats.downSince === undefined ? 0 : Math.max(0, now - stats.downSince);
  return stats.closedDowntime + current;
}

/** Successful reconnects / reconnect attempts, as a percentage; 100 when nothing was attempted. */
export function reconnectSuccessRate(stats: ConnectionStats): number {
  if (stats.totalReconnectAttempts === 0) return 100;
  return Math.min(100, (100 * stats.successfulReconnects) / stats.totalReconnectAttempts);
}

/** Time connected / time monitored, as a percentage; 100 at the very start. */
export function uptimePercentage(stats: ConnectionStats, now: number): number {
  const monitored = now - stats.connectionStartTime;
  if (monitored <= 0) return 100;
  return Math.min(100, Math.max(0, (100 * (monitored - totalDowntime(stats, now))) / monitored));
}

import { ConnectionStats, initialStats } from '../model/ConnectionStats';
import { PersistedState } from '../model/PersistedState';
import { withFields } from '../model/withFields';

/**
 * The statistics a handle starts from: those of a saved state (the time the process was away counts
 * as downtime), or fresh ones.
 */
export function restoredStats(state: PersistedState | undefined, now: number): ConnectionStats {
  if (state === undefined) return initialStats(now);
  const { stats } = state;
  return withFields(stats, { downSince: stats.downSince ?? Math.min(state.savedAt, now) });
}

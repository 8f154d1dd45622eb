import { PersistedState } from '../../src/model/PersistedState';

/** A valid saved state: the link was down at save time (downSince set), with one event. */
export const savedState: PersistedState = {
  version: 1,
  savedAt: 1_700_000_000_000,
  stats: {
    totalConnections: 3,
    totalDisconnections: 2,
    totalReconnectAttempts: 4,
    successfulReconnects: 2,
    connectionStartTime: 1_699_999_000_000,
    closedDowntime: 12_000,
    lastDisconnectTime: 1_699_999_900_000,
    downSince: 1_699_999_990_000,
  },
  recentEvents: [
    { type: 'Connected', severity: 1, timestamp: 1_699_999_000_100, description: 'connected', retryCount: 0 },
  ],
};

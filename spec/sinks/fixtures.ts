import { ConnectionEvent, ConnectionQuality, ConnectionStats } from '../../src/index';
import { createEvent } from '../../src/model/ConnectionEvent';
import { initialQuality } from '../../src/model/ConnectionQuality';
import { initialStats } from '../../src/model/ConnectionStats';

/**
 * A quality that scores 100: the gate's "good". Measured (one 0 ms round trip): a link never seen
 * is not good, so `initialQuality` no longer is (issue 11 item 12).
 */
export const goodQuality: ConnectionQuality = { ...initialQuality, latencySamples: 1 };

/** A measured quality that scores 60 (every check failing, stability gone): not good. */
export const poorQuality: ConnectionQuality = { ...goodQuality, errorRate: 1, connectionStability: 0 };

/** The seed's report figures: score 85.2, 45 ms, 92.1 % stable, 2.3 % errors. */
export const seedQuality: ConnectionQuality = {
  ...initialQuality,
  averageLatencyMs: 45,
  latencySamples: 12,
  connectionStability: 92.1,
  errorRate: 0.023,
  uptimePercentage: 98.7,
  // 30 + 20 × (1 − loss) + 18.42 + 19.54 + 9.87 = 85.2
  packetLossRate: 1 - 7.37 / 20,
};

/** The seed's statistics at `SEED_AT`: 15 connections, 3 disconnections, 14/14 reconnects, 2m15s down of 10385 s. */
export const SEED_AT = 12 * 3_600_000;
export const seedStats: ConnectionStats = {
  ...initialStats(SEED_AT - 10_385_000),
  totalConnections: 15,
  totalDisconnections: 3,
  totalReconnectAttempts: 14,
  successfulReconnects: 14,
  closedDowntime: 135_000,
  lastDisconnectTime: SEED_AT - 600_000,
  downSince: undefined,
};

export const at = (hh: number, mm: number, ss: number): number => ((hh * 60 + mm) * 60 + ss) * 1000;

export const disconnected: ConnectionEvent = createEvent('Disconnected', at(11, 52, 10), 'connection lost', {
  errorMessage: 'connection closed: 1006 abnormal closure',
});
export const attempt: ConnectionEvent = createEvent('ReconnectAttempt', at(11, 52, 12), 'reconnect attempt 1/5', {
  retryCount: 1,
});
export const reconnected: ConnectionEvent = createEvent(
  'ReconnectSuccess',
  at(11, 52, 12),
  'reconnected after attempt 1',
  {
    retryCount: 1,
  },
);

/** Runs a spec body with TZ=UTC so local-time formats are deterministic, restoring it after. */
export function inUtc(): void {
  let saved: string | undefined;
  beforeAll(() => {
    saved = process.env.TZ;
    process.env.TZ = 'UTC';
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  });
}

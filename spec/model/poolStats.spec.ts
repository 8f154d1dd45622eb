import { ConnectionStats, initialStats, totalDowntime, uptimePercentage } from '../../src/model/ConnectionStats';
import { poolStats } from '../../src/model/poolStats';

describe('poolStats', () => {
  /** A link's statistics: its start; sockets opened, links lost, reconnects tried and made; downtime; last loss; down since. */
  const link = (
    start: number,
    [totalConnections, totalDisconnections, totalReconnectAttempts, successfulReconnects]: readonly number[],
    closedDowntime: number,
    lastDisconnectTime: number,
    downSince?: number,
  ): ConnectionStats => ({
    ...initialStats(start),
    ...{ totalConnections, totalDisconnections, totalReconnectAttempts, successfulReconnects },
    closedDowntime,
    lastDisconnectTime,
    downSince,
  });
  const up = link(0, [3, 2, 4, 2], 1000, 5000);
  const down = link(2000, [1, 1, 3, 0], 200, 8000, 8000);

  it('should add up the counts and start with the earliest link', () => {
    expect(poolStats([up, down], 9000)).toMatchObject({
      totalConnections: 4,
      totalDisconnections: 3,
      totalReconnectAttempts: 7,
      successfulReconnects: 2,
      connectionStartTime: 0,
      lastDisconnectTime: 8000,
    });
  });

  it('should take the downtime of the link down longest as of now', () => {
    // At 9000 the second link has 200 + 1000 ms down, the first 1000: the second's counts.
    expect(totalDowntime(poolStats([up, down], 9000), 9000)).toBe(1200);
    // At 8500 the first's 1000 is more than the second's 200 + 500.
    const early = poolStats([up, down], 8500);
    expect([early.closedDowntime, early.downSince]).toEqual([1000, undefined]);
    expect(uptimePercentage(early, 8500)).toBeCloseTo((100 * 7500) / 8500, 10);
  });

  it('should be the link itself for a group of one', () => {
    expect(poolStats([down], 9000)).toEqual(down);
  });
});

import { buildReport } from '../../src/sinks/ConnectionReport';
import { reportJson } from '../../src/sinks/reportJson';
import { SEED_AT, disconnected, inUtc, seedQuality, seedStats } from './fixtures';

describe('reportJson', () => {
  inUtc();

  it('should turn every timestamp into ISO 8601 and add the period length', () => {
    const json = reportJson(
      buildReport({
        at: SEED_AT,
        periodStart: SEED_AT - 60_000,
        status: 'Failed',
        quality: seedQuality,
        stats: { ...seedStats, lastDisconnectTime: undefined },
        latencies: [],
        events: [disconnected],
      }),
    );
    expect(json).toMatchObject({
      at: '1970-01-01T12:00:00.000Z',
      periodStart: '1970-01-01T11:59:00.000Z',
      periodMs: 60_000,
      status: 'Failed',
      stats: { connectionStartTime: '1970-01-01T09:06:55.000Z' },
      notableEvents: [{ type: 'Disconnected', timestamp: '1970-01-01T11:52:10.000Z', severity: 4 }],
    });
    expect(json.stats).not.toHaveProperty('lastDisconnectTime');
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});

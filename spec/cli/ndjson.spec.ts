import { initialConnectionState } from '../../src/model/ConnectionState';
import { createEvent } from '../../src/model/ConnectionEvent';
import { eventRecord, gateRecord, ndjson, riskRecord, statusRecord } from '../../src/cli/ndjson';
import { inUtc } from '../sinks/fixtures';

describe('ndjson', () => {
  inUtc();

  it('should write one line of JSON, Infinity as "Infinity"', () => {
    expect(ndjson({ kind: 'start', maxAttempts: Infinity, n: 1 })).toBe(
      '{"kind":"start","maxAttempts":"Infinity","n":1}',
    );
  });

  it('should write event lines with type, severity, ISO timestamp, description, and error and latency when known', () => {
    const event = createEvent('ReconnectFailed', 1500, 'reconnect attempt 1/5 failed', {
      errorMessage: 'upgrade to wss://x/?token=abc rejected',
      retryCount: 1,
    });
    expect(eventRecord(event)).toEqual({
      kind: 'event',
      type: 'ReconnectFailed',
      severity: 3,
      timestamp: '1970-01-01T00:00:01.500Z',
      description: 'reconnect attempt 1/5 failed',
      errorMessage: 'upgrade to wss://x/?token=*** rejected',
      retryCount: 1,
    });
  });

  it('should write status lines with the attempt and the next retry', () => {
    const state = {
      ...initialConnectionState(0, 5),
      status: 'Reconnecting' as const,
      attempt: 1,
      nextRetryAt: 2000,
      since: 100,
    };
    expect(statusRecord(state, 150, 87.26)).toEqual({
      kind: 'status',
      time: '1970-01-01T00:00:00.150Z',
      status: 'Reconnecting',
      since: '1970-01-01T00:00:00.100Z',
      attempt: 1,
      maxAttempts: 5,
      nextRetryAt: '1970-01-01T00:00:02.000Z',
      score: 87.3,
    });
  });

  it('should write gate and risk lines', () => {
    expect(gateRecord({ open: false, reason: 'Failed', since: 0 }, 10)).toEqual({
      kind: 'gate',
      open: false,
      reason: 'Failed',
      since: '1970-01-01T00:00:00.000Z',
      time: '1970-01-01T00:00:00.010Z',
    });
    expect(
      riskRecord({ type: 'tradingResumed', at: 0, severity: 2, reason: 'healthy', description: 'd', downtimeMs: 9 }),
    ).toEqual({
      kind: 'risk',
      type: 'tradingResumed',
      at: '1970-01-01T00:00:00.000Z',
      severity: 2,
      reason: 'healthy',
      description: 'd',
      downtimeMs: 9,
    });
  });
});

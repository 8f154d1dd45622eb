import fc from 'fast-check';
import {
  initialQuality,
  recordHeartbeat,
  recordHeartbeatOutcome,
  recordSuccess,
  updateLatency,
} from '../../src/model/ConnectionQuality';
import { anyNumber, validQuality } from './arbitraries';

describe('recordHeartbeat', () => {
  it('should match its doc example', () => {
    expect(recordHeartbeat(initialQuality, 40).averageLatencyMs).toBe(40);
  });

  it('should give what the three steps it replaces give, in the same key order, with the uptime given', () => {
    fc.assert(
      fc.property(validQuality, anyNumber, fc.double({ min: 0, max: 100, noNaN: true }), (quality, rttMs, uptime) => {
        const stepwise = recordSuccess(recordHeartbeatOutcome(updateLatency(quality, rttMs), false));
        expect(recordHeartbeat(quality, rttMs)).toEqual(stepwise);
        const withUptime = recordHeartbeat(quality, rttMs, uptime);
        expect(withUptime).toEqual({ ...stepwise, uptimePercentage: uptime });
        expect(Object.keys(withUptime)).toEqual(Object.keys(initialQuality));
      }),
    );
  });
});

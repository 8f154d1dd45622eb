import * as fc from 'fast-check';
import { ConnectionQuality, overallScore } from '../../src/index';
import { initialQuality } from '../../src/model/ConnectionQuality';
import { QualitySample } from '../../src/model/QualitySample';
import { updateQuality } from '../../src/model/updateQuality';
import { anyQualitySample } from './arbitraries';

const degraded: ConnectionQuality = Object.freeze({
  averageLatencyMs: 100,
  latencySamples: 4,
  packetLossRate: 0.2,
  connectionStability: 50,
  dataThroughput: 10,
  errorRate: 0.2,
  uptimePercentage: 90,
});

describe('updateQuality', () => {
  describe('a heartbeat', () => {
    it('should fold in the rtt, count the ping as answered and the check as a success', () => {
      const next = updateQuality(degraded, { kind: 'heartbeat', rttMs: 200 });
      expect(next.averageLatencyMs).toBeCloseTo(130, 10);
      expect(next.latencySamples).toBe(5);
      expect(next.packetLossRate).toBeCloseTo(0.19, 12);
      expect(next.errorRate).toBeCloseTo(0.19, 12);
      expect(next.connectionStability).toBeCloseTo(52.5, 12);
      expect(next.dataThroughput).toBe(10);
      expect(next.uptimePercentage).toBe(90);
    });

    it('should let the first heartbeat set the latency average', () => {
      expect(updateQuality(initialQuality, { kind: 'heartbeat', rttMs: 45 }).averageLatencyMs).toBe(45);
    });

    it('should leave the latency alone but still count the pong when the rtt is unusable', () => {
      const next = updateQuality(degraded, { kind: 'heartbeat', rttMs: NaN });
      expect(next.averageLatencyMs).toBe(100);
      expect(next.latencySamples).toBe(4);
      expect(next.packetLossRate).toBeCloseTo(0.19, 12);
    });
  });

  it('should count a lost ping towards packet loss only', () => {
    const next = updateQuality(degraded, { kind: 'lost' });
    expect(next).toEqual({ ...degraded, packetLossRate: expect.closeTo(0.24, 12) });
  });

  it('should fold in a probe latency and count a success, leaving packet loss alone', () => {
    const next = updateQuality(degraded, { kind: 'probe', latencyMs: 400 });
    expect(next.averageLatencyMs).toBeCloseTo(190, 10);
    expect(next.latencySamples).toBe(5);
    expect(next.errorRate).toBeCloseTo(0.19, 12);
    expect(next.connectionStability).toBeCloseTo(52.5, 12);
    expect(next.packetLossRate).toBe(0.2);
  });

  it('should raise the error rate and lower the stability on an error', () => {
    const next = updateQuality(degraded, { kind: 'error' });
    expect(next.errorRate).toBeCloseTo(0.24, 12);
    expect(next.connectionStability).toBeCloseTo(47.5, 12);
    expect(next.packetLossRate).toBe(0.2);
  });

  it('should fold in a throughput sample', () => {
    expect(updateQuality(degraded, { kind: 'throughput', messagesPerSecond: 20 }).dataThroughput).toBeCloseTo(13, 12);
  });

  it('should set the uptime percentage', () => {
    expect(updateQuality(degraded, { kind: 'uptime', percentage: 75.5 }).uptimePercentage).toBe(75.5);
  });

  it('should take 30 % off the stability on a disconnect', () => {
    expect(updateQuality(degraded, { kind: 'disconnect' })).toEqual({ ...degraded, connectionStability: 35 });
  });

  it('should start latency, loss and error rate afresh, and keep stability and uptime, when a new session starts', () => {
    const next = updateQuality(degraded, { kind: 'sessionStart' });
    expect(next).toEqual({ ...degraded, averageLatencyMs: 0, latencySamples: 0, packetLossRate: 0, errorRate: 0 });
    expect(updateQuality(next, { kind: 'probe', latencyMs: 900 }).averageLatencyMs).toBe(900);
  });

  it('should keep every figure in range for any sequence of samples (property)', () => {
    fc.assert(
      fc.property(fc.array(anyQualitySample, { maxLength: 60 }), (samples) => {
        let q = initialQuality;
        for (const sample of samples) {
          q = updateQuality(q, sample);
          expect(Number.isFinite(q.averageLatencyMs)).toBe(true);
          expect(q.averageLatencyMs).toBeGreaterThanOrEqual(0);
          expect(q.packetLossRate).toBeGreaterThanOrEqual(0);
          expect(q.packetLossRate).toBeLessThanOrEqual(1);
          expect(q.errorRate).toBeGreaterThanOrEqual(0);
          expect(q.errorRate).toBeLessThanOrEqual(1);
          expect(q.connectionStability).toBeGreaterThanOrEqual(0);
          expect(q.connectionStability).toBeLessThanOrEqual(100);
          expect(q.uptimePercentage).toBeGreaterThanOrEqual(0);
          expect(q.uptimePercentage).toBeLessThanOrEqual(100);
          expect(q.dataThroughput).toBeGreaterThanOrEqual(0);
          expect(Number.isFinite(q.dataThroughput)).toBe(true);
          const score = overallScore(q);
          expect(score).toBeGreaterThanOrEqual(0);
          expect(score).toBeLessThanOrEqual(100);
        }
      }),
    );
  });

  it('should never mutate the quality it is given (property)', () => {
    fc.assert(
      fc.property(anyQualitySample, (sample: QualitySample) => {
        const before = { ...degraded };
        updateQuality(degraded, sample);
        expect(degraded).toEqual(before);
      }),
    );
  });
});

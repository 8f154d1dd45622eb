import * as fc from 'fast-check';
import { ConnectionQuality, isGood, isPoor, overallScore, qualityWarnings } from '../../src/index';
import {
  QualityThresholds,
  defaultQualityThresholds,
  initialQuality,
  recordDisconnect,
  recordError,
  recordHeartbeatOutcome,
  recordSuccess,
  resetLatency,
  updateLatency,
  updateThroughput,
  updateUptime,
} from '../../src/model/ConnectionQuality';
import { defaultConfig } from '../../src/model/LifelineConfig';
import { validQuality } from './arbitraries';

const quality = (figures: Partial<ConnectionQuality>): ConnectionQuality =>
  Object.freeze({ ...initialQuality, ...figures });

/**
 * A link measured at 0 ms: every figure perfect. Since issue 11 item 12 an unmeasured link scores 0
 * for latency and is never good, so the cases about the other figures start from a measured one.
 */
const measured = (figures: Partial<ConnectionQuality>): ConnectionQuality =>
  quality({ averageLatencyMs: 0, latencySamples: 1, ...figures });

/**
 * The latency part of the score (no longer exported): with every other figure perfect the score is
 * 0.3 × latencyScore + 70.
 */
const latencyScore = (averageLatencyMs: number): number => (overallScore(measured({ averageLatencyMs })) - 70) / 0.3;

describe('ConnectionQuality', () => {
  it('should start with no latency measured, nothing lost, fully stable and 100 % up', () => {
    expect(initialQuality).toEqual({
      averageLatencyMs: 0,
      latencySamples: 0,
      packetLossRate: 0,
      connectionStability: 100,
      dataThroughput: 0,
      errorRate: 0,
      uptimePercentage: 100,
    });
  });

  it('should default to threshold 70, latency warning 1000 ms and error-rate warning 10 %', () => {
    expect(defaultQualityThresholds).toEqual({ qualityThreshold: 70, latencyWarning: 1000, errorRateWarning: 0.1 });
  });

  describe('updateLatency', () => {
    it('should let the first sample set the average', () => {
      const next = updateLatency(initialQuality, 250);
      expect(next.averageLatencyMs).toBe(250);
      expect(next.latencySamples).toBe(1);
    });

    it('should weight later samples by 0.3', () => {
      const next = updateLatency(updateLatency(initialQuality, 100), 200);
      expect(next.averageLatencyMs).toBeCloseTo(130, 10);
      expect(updateLatency(next, 30).averageLatencyMs).toBeCloseTo(100, 10);
      expect(next.latencySamples).toBe(2);
    });

    it('should let the first sample after a reset set the average again', () => {
      const reset = resetLatency(updateLatency(quality({}), 900));
      expect(reset.averageLatencyMs).toBe(0);
      expect(reset.latencySamples).toBe(0);
      expect(updateLatency(reset, 40).averageLatencyMs).toBe(40);
    });

    it.each([NaN, -1, Infinity, -Infinity])('should ignore the invalid sample %p', (sample) => {
      const before = quality({ averageLatencyMs: 80, latencySamples: 3 });
      expect(updateLatency(before, sample)).toBe(before);
    });

    it('should accept a sample of 0 ms', () => {
      expect(updateLatency(quality({ averageLatencyMs: 100, latencySamples: 1 }), 0).averageLatencyMs).toBeCloseTo(70);
    });
  });

  describe('recordError', () => {
    it('should move the error rate 5 % of the way to 1 and take 5 % off the stability', () => {
      const once = recordError(initialQuality);
      expect(once.errorRate).toBeCloseTo(0.05, 12);
      expect(once.connectionStability).toBeCloseTo(95, 12);
      const twice = recordError(once);
      expect(twice.errorRate).toBeCloseTo(0.0975, 12);
      expect(twice.connectionStability).toBeCloseTo(90.25, 12);
    });
  });

  describe('recordSuccess', () => {
    it('should move the error rate 5 % of the way to 0 and heal 5 % of the stability gap', () => {
      const next = recordSuccess(quality({ errorRate: 0.2, connectionStability: 60 }));
      expect(next.errorRate).toBeCloseTo(0.19, 12);
      expect(next.connectionStability).toBeCloseTo(62, 12);
    });

    it('should keep a perfect link perfect', () => {
      expect(recordSuccess(initialQuality)).toEqual(initialQuality);
    });
  });

  describe('recordHeartbeatOutcome', () => {
    it('should move the packet loss rate 5 % of the way to 1 on a lost ping', () => {
      expect(recordHeartbeatOutcome(initialQuality, true).packetLossRate).toBeCloseTo(0.05, 12);
    });

    it('should move the packet loss rate 5 % of the way to 0 on an answered ping', () => {
      expect(recordHeartbeatOutcome(quality({ packetLossRate: 0.4 }), false).packetLossRate).toBeCloseTo(0.38, 12);
    });

    it('should change nothing but the packet loss rate', () => {
      const next = recordHeartbeatOutcome(initialQuality, true);
      expect({ ...next, packetLossRate: 0 }).toEqual(initialQuality);
    });
  });

  describe('recordDisconnect', () => {
    it('should take 30 % off the stability each time', () => {
      const once = recordDisconnect(initialQuality);
      expect(once.connectionStability).toBeCloseTo(70, 12);
      expect(recordDisconnect(once).connectionStability).toBeCloseTo(49, 12);
    });
  });

  describe('updateThroughput', () => {
    it('should weight sampled rates by 0.3 starting from 0', () => {
      const once = updateThroughput(initialQuality, 10);
      expect(once.dataThroughput).toBeCloseTo(3, 12);
      expect(updateThroughput(once, 10).dataThroughput).toBeCloseTo(5.1, 12);
    });

    it.each([NaN, -5, Infinity])('should ignore the invalid rate %p', (rate) => {
      const before = quality({ dataThroughput: 12 });
      expect(updateThroughput(before, rate)).toBe(before);
    });

    it('should return the same quality when the rate does not move the average', () => {
      expect(updateThroughput(initialQuality, 0)).toBe(initialQuality);
      const steady = quality({ dataThroughput: 12 });
      expect(updateThroughput(steady, 12)).toBe(steady);
    });
  });

  describe('updateUptime', () => {
    it('should take the percentage as given when in range', () => {
      expect(updateUptime(initialQuality, 98.7).uptimePercentage).toBe(98.7);
    });

    it('should clamp the percentage to 0–100', () => {
      expect(updateUptime(initialQuality, 150).uptimePercentage).toBe(100);
      expect(updateUptime(initialQuality, -5).uptimePercentage).toBe(0);
      expect(updateUptime(initialQuality, Infinity).uptimePercentage).toBe(100);
      expect(updateUptime(initialQuality, -Infinity).uptimePercentage).toBe(0);
    });

    it('should ignore NaN', () => {
      const before = quality({ uptimePercentage: 42 });
      expect(updateUptime(before, NaN)).toBe(before);
    });
  });

  describe('latencyScore', () => {
    it.each([
      [0, 100],
      [50, 100],
      [100, 100],
      [1050, 50],
      [1000, 100 * (1000 / 1900)],
      [2000, 0],
      [5000, 0],
    ])('should score %p ms as %p', (latency, score) => {
      expect(latencyScore(latency)).toBeCloseTo(score, 10);
    });

    it('should be 52.63 at 1000 ms', () => {
      expect(latencyScore(1000)).toBeCloseTo(52.6316, 4);
    });

    it('should be 0 while nothing is measured, whatever the average says (a link never seen is not good)', () => {
      expect(overallScore(quality({ averageLatencyMs: 0, latencySamples: 0 }))).toBe(70);
      expect(overallScore(quality({ averageLatencyMs: 0, latencySamples: 1 }))).toBe(100);
    });
  });

  describe('overallScore', () => {
    // Was 100: issue 11 item 12 gives an unmeasured link 0 for latency, so a fresh link scores 70.
    it('should be 70 for a fresh link, whose latency is not measured yet', () => {
      expect(overallScore(initialQuality)).toBe(70);
    });

    it('should be 100 for a measured link with every figure perfect', () => {
      expect(overallScore(measured({}))).toBe(100);
    });

    it('should weight latency 30 %, loss 20 %, stability 20 %, errors 20 % and uptime 10 %', () => {
      // 0.3 × 78.947 (500 ms) + 0.2 × 90 + 0.2 × 80 + 0.2 × 95 + 0.1 × 90 = 23.684 + 18 + 16 + 19 + 9
      const known = quality({
        averageLatencyMs: 500,
        latencySamples: 10,
        packetLossRate: 0.1,
        connectionStability: 80,
        errorRate: 0.05,
        uptimePercentage: 90,
      });
      expect(overallScore(known)).toBeCloseTo(85.6842, 4);
    });

    it('should not score throughput', () => {
      expect(overallScore(quality({ dataThroughput: 0 }))).toBe(overallScore(quality({ dataThroughput: 5000 })));
    });

    it('should be 0 for the worst link', () => {
      const worst = quality({
        averageLatencyMs: 3000,
        latencySamples: 1,
        packetLossRate: 1,
        connectionStability: 0,
        errorRate: 1,
        uptimePercentage: 0,
      });
      expect(overallScore(worst)).toBe(0);
    });

    it('should stay within 0–100 for any in-range figures (property)', () => {
      fc.assert(
        fc.property(validQuality, (q) => {
          const score = overallScore(q);
          expect(score).toBeGreaterThanOrEqual(0);
          expect(score).toBeLessThanOrEqual(100);
        }),
      );
    });
  });

  describe('qualityWarnings', () => {
    it('should warn about latency at exactly 1000 ms but not at 999 ms', () => {
      expect(qualityWarnings(quality({ averageLatencyMs: 1000, latencySamples: 1 }))).toEqual(['latency']);
      expect(qualityWarnings(quality({ averageLatencyMs: 999, latencySamples: 1 }))).toEqual([]);
    });

    it('should warn about the error rate at exactly 10 % but not below', () => {
      expect(qualityWarnings(quality({ errorRate: 0.1 }))).toEqual(['errorRate']);
      expect(qualityWarnings(quality({ errorRate: 0.0999 }))).toEqual([]);
    });

    it('should report both warnings, latency first', () => {
      expect(qualityWarnings(quality({ averageLatencyMs: 1500, latencySamples: 2, errorRate: 0.5 }))).toEqual([
        'latency',
        'errorRate',
      ]);
    });

    it('should not warn about latency before any sample is measured', () => {
      expect(qualityWarnings(quality({ averageLatencyMs: 1500, latencySamples: 0 }))).toEqual([]);
    });

    describe('with custom thresholds', () => {
      const thresholds = { qualityThreshold: 90, latencyWarning: 200, errorRateWarning: 0.02 };

      it('should judge against them', () => {
        expect(
          qualityWarnings(quality({ averageLatencyMs: 200, latencySamples: 1, errorRate: 0.02 }), thresholds),
        ).toEqual(['latency', 'errorRate']);
        expect(
          qualityWarnings(quality({ averageLatencyMs: 199, latencySamples: 1, errorRate: 0.019 }), thresholds),
        ).toEqual([]);
      });
    });
  });

  describe('isGood and isPoor', () => {
    // 0.3 × 100 + 20 + 0.2 × 0 + 20 + 0.1 × 0 = 70 exactly (measured: see `measured`).
    const exactly70 = measured({ connectionStability: 0, uptimePercentage: 0 });
    const justUnder70 = measured({ connectionStability: 0, uptimePercentage: 0, errorRate: 0.001 });

    it('should score the boundary link exactly 70', () => {
      expect(overallScore(exactly70)).toBe(70);
    });

    it('should be good at a score of exactly 70, and not poor', () => {
      expect(isGood(exactly70)).toBe(true);
      expect(isPoor(exactly70)).toBe(false);
    });

    it('should be poor and not good just under 70', () => {
      expect(overallScore(justUnder70)).toBeLessThan(70);
      expect(isGood(justUnder70)).toBe(false);
      expect(isPoor(justUnder70)).toBe(true);
    });

    it('should be poor when the latency warning holds even if the score is good', () => {
      const slow = quality({ averageLatencyMs: 1000, latencySamples: 5 });
      expect(overallScore(slow)).toBeCloseTo(85.7895, 4);
      expect(isGood(slow)).toBe(true);
      expect(isPoor(slow)).toBe(true);
    });

    it('should be poor when the error-rate warning holds even if the score is good', () => {
      const flaky = measured({ errorRate: 0.1 });
      expect(isGood(flaky)).toBe(true);
      expect(isPoor(flaky)).toBe(true);
    });

    it('should judge against a custom threshold', () => {
      const thresholds = { ...defaultQualityThresholds, qualityThreshold: 90 };
      const fair = measured({ connectionStability: 60 }); // 30 + 20 + 12 + 20 + 10 = 92
      expect(isGood(fair, thresholds)).toBe(true);
      expect(isGood(measured({ connectionStability: 40 }), thresholds)).toBe(false); // 88
      expect(isPoor(measured({ connectionStability: 40 }), thresholds)).toBe(true);
    });

    it('should never call an unmeasured link good, however well its other figures score', () => {
      expect(isGood(initialQuality)).toBe(false);
      expect(isGood(initialQuality, { ...defaultQualityThresholds, qualityThreshold: 0 })).toBe(false);
    });

    it('should not call an unmeasured link poor for the missing figure, only for a warning', () => {
      expect(isPoor(initialQuality)).toBe(false);
      expect(isPoor(quality({ connectionStability: 0, uptimePercentage: 0 }))).toBe(false); // scores 40
      expect(isPoor(quality({ errorRate: 0.1 }))).toBe(true);
    });

    // An unmeasured link with no warning is now neither good nor poor (issue 11 item 12), hence the middle case.
    it('should be poor exactly when not good, unless a warning holds or nothing is measured (property)', () => {
      fc.assert(
        fc.property(validQuality, (q) => {
          if (qualityWarnings(q).length > 0) expect(isPoor(q)).toBe(true);
          else if (q.latencySamples === 0) expect([isGood(q), isPoor(q)]).toEqual([false, false]);
          else expect(isPoor(q)).toBe(!isGood(q));
        }),
      );
    });
  });

  it('should never mutate the quality it is given', () => {
    const before = quality({ averageLatencyMs: 10, latencySamples: 1, errorRate: 0.3, connectionStability: 50 });
    const copy = { ...before };
    updateLatency(before, 20);
    recordError(before);
    recordSuccess(before);
    recordHeartbeatOutcome(before, true);
    recordDisconnect(before);
    updateThroughput(before, 4);
    updateUptime(before, 50);
    resetLatency(before);
    expect(before).toEqual(copy);
  });
});

// qualityThresholdsOf is gone: the thresholds carry the config's own field names, so a config is one.
describe('QualityThresholds', () => {
  it('should be met by a config as it is, with the same defaults', () => {
    const config: QualityThresholds = {
      ...defaultConfig,
      qualityThreshold: 80,
      latencyWarning: 250,
      errorRateWarning: 0.05,
    };
    expect(qualityWarnings(measured({ averageLatencyMs: 250, errorRate: 0.05 }), config)).toEqual([
      'latency',
      'errorRate',
    ]);
    expect(isGood(measured({ connectionStability: 50 }), config)).toBe(true); // 90
    expect({
      qualityThreshold: defaultConfig.qualityThreshold,
      latencyWarning: defaultConfig.latencyWarning,
      errorRateWarning: defaultConfig.errorRateWarning,
    }).toEqual(defaultQualityThresholds);
  });
});

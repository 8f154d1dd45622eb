import * as fc from 'fast-check';
import {
  HeartbeatClock,
  HeartbeatFeedback,
  HeartbeatTiming,
  HeartbeatTimingConfig,
  initialHeartbeatTiming,
  nextHeartbeatTiming,
} from '../../src/model/heartbeatTiming';
import { anyNumber } from './arbitraries';

const config: HeartbeatTimingConfig = {
  heartbeatInterval: 30_000,
  heartbeatTimeout: 60_000,
  adaptiveHeartbeat: true,
  dynamicTimeout: true,
  latencyWarning: 1_000,
};

const feed = (
  feedback: readonly HeartbeatFeedback[],
  cfg = config,
  from = initialHeartbeatTiming(cfg),
): HeartbeatTiming => feedback.reduce((timing, f) => nextHeartbeatTiming(timing, f, cfg), from);
const rtt = (rttMs: number): HeartbeatFeedback => ({ kind: 'rtt', rttMs });
const lost: HeartbeatFeedback = { kind: 'lost' };
const poor: HeartbeatFeedback = { kind: 'quality', poor: true };
const good: HeartbeatFeedback = { kind: 'quality', poor: false };

describe('heartbeatTiming', () => {
  it('should start at the configured interval and timeout, unmeasured and not poor', () => {
    expect(initialHeartbeatTiming(config)).toEqual({ intervalMs: 30_000, timeoutMs: 60_000, poor: false });
  });

  describe('RFC 6298 smoothing', () => {
    it('should set SRTT to the first sample and RTTVAR to half of it', () => {
      const timing = feed([rtt(100)]);
      expect(timing.srttMs).toBe(100);
      expect(timing.rttVarMs).toBe(50);
    });

    it('should update RTTVAR from the old SRTT, then SRTT, on later samples', () => {
      // RTTVAR = 0.75 × 50 + 0.25 × |100 − 200| = 62.5; SRTT = 0.875 × 100 + 0.125 × 200 = 112.5
      const timing = feed([rtt(100), rtt(200)]);
      expect(timing.rttVarMs).toBeCloseTo(62.5, 10);
      expect(timing.srttMs).toBeCloseTo(112.5, 10);
      // RTTVAR = 0.75 × 62.5 + 0.25 × |112.5 − 40| = 65; SRTT = 0.875 × 112.5 + 0.125 × 40 = 103.4375
      const third = nextHeartbeatTiming(timing, rtt(40), config);
      expect(third.rttVarMs).toBeCloseTo(65, 10);
      expect(third.srttMs).toBeCloseTo(103.4375, 10);
    });

    it.each([NaN, -1, Infinity, -Infinity])('should ignore the invalid rtt %p', (rttMs) => {
      const timing = feed([rtt(100), lost]);
      expect(nextHeartbeatTiming(timing, rtt(rttMs), config)).toBe(timing);
    });
  });

  describe('adaptive interval', () => {
    it('should halve on a round trip of at least half the latency warning, down to a quarter of the base', () => {
      expect(feed([rtt(500)]).intervalMs).toBe(15_000);
      expect(feed([rtt(500), rtt(600)]).intervalMs).toBe(7_500);
      expect(feed([rtt(500), rtt(600), rtt(900)]).intervalMs).toBe(7_500);
    });

    it('should hold on a round trip just under half the warning but not calm', () => {
      expect(feed([lost, rtt(499)]).intervalMs).toBe(15_000);
      expect(feed([lost, rtt(250)]).intervalMs).toBe(15_000);
    });

    it('should halve on a lost ping', () => {
      expect(feed([lost]).intervalMs).toBe(15_000);
      expect(feed([lost, lost, lost]).intervalMs).toBe(7_500);
    });

    it('should halve when quality turns poor, and only then', () => {
      expect(feed([poor]).intervalMs).toBe(15_000);
      expect(feed([poor, poor]).intervalMs).toBe(15_000);
      expect(feed([poor, good]).intervalMs).toBe(15_000);
      expect(feed([poor, good, poor]).intervalMs).toBe(7_500);
    });

    it('should relax by 1.5 on calm round trips, back to the base and no further', () => {
      const stressed = feed([lost, lost]);
      expect(stressed.intervalMs).toBe(7_500);
      const steps = [1, 2, 3, 4].map(
        (n) => feed(Array<HeartbeatFeedback>(n).fill(rtt(100)), config, stressed).intervalMs,
      );
      expect(steps).toEqual([11_250, 16_875, 25_312.5, 30_000]);
    });

    it('should not relax while quality is poor', () => {
      expect(feed([poor, rtt(100), rtt(100)]).intervalMs).toBe(15_000);
      expect(feed([poor, good, rtt(100)]).intervalMs).toBe(22_500);
    });

    it('should remember the quality judgement', () => {
      expect(feed([poor]).poor).toBe(true);
      expect(feed([poor, good]).poor).toBe(false);
    });

    describe('when adaptiveHeartbeat is off', () => {
      const fixed = { ...config, adaptiveHeartbeat: false };

      it('should keep the interval under stress and calm alike', () => {
        expect(feed([rtt(900), lost, poor], fixed).intervalMs).toBe(30_000);
        expect(feed([rtt(10)], fixed).intervalMs).toBe(30_000);
      });

      it('should still smooth the round trip', () => {
        expect(feed([rtt(900)], fixed).srttMs).toBe(900);
      });
    });
  });

  describe('dynamic timeout', () => {
    it('should stay at the floor while interval + SRTT + 4 × RTTVAR is under it', () => {
      // 30 000 + 100 + 4 × 50 = 30 300 < 60 000
      expect(feed([rtt(100)]).timeoutMs).toBe(60_000);
    });

    it('should grow to interval + SRTT + 4 × RTTVAR with measured latency', () => {
      // The first sample is stress: interval 15 000; 15 000 + 20 000 + 4 × 10 000 = 75 000.
      const timing = feed([rtt(20_000)]);
      expect(timing.intervalMs).toBe(15_000);
      expect(timing.timeoutMs).toBe(75_000);
    });

    it('should never grow past 10 × the floor, so absurd round trips cannot keep a dead link alive', () => {
      expect(feed([rtt(5_000_000)]).timeoutMs).toBe(600_000);
      expect(feed([rtt(6e307), rtt(6e307)]).timeoutMs).toBe(600_000);
    });

    it('should fall back to the floor as latency recovers', () => {
      let timing = feed([rtt(20_000)]);
      for (let i = 0; i < 60; i++) timing = nextHeartbeatTiming(timing, rtt(50), config);
      expect(timing.timeoutMs).toBe(60_000);
    });

    describe('when dynamicTimeout is off', () => {
      it('should keep the configured timeout whatever the latency', () => {
        const fixed = { ...config, dynamicTimeout: false };
        expect(feed([rtt(20_000), rtt(40_000)], fixed).timeoutMs).toBe(60_000);
      });
    });
  });

  it('should keep the interval within [base/4, base] and the timeout at or above the floor (property)', () => {
    const feedback: fc.Arbitrary<HeartbeatFeedback> = fc.oneof(
      anyNumber.map((rttMs): HeartbeatFeedback => ({ kind: 'rtt', rttMs })),
      fc.double({ min: 0, max: 5_000, noNaN: true }).map((rttMs): HeartbeatFeedback => ({ kind: 'rtt', rttMs })),
      fc.constant<HeartbeatFeedback>({ kind: 'lost' }),
      fc.boolean().map((isPoor): HeartbeatFeedback => ({ kind: 'quality', poor: isPoor })),
    );
    const anyConfig: fc.Arbitrary<HeartbeatTimingConfig> = fc
      .record({
        heartbeatInterval: fc.integer({ min: 1, max: 600_000 }),
        extraTimeout: fc.integer({ min: 0, max: 600_000 }),
        adaptiveHeartbeat: fc.boolean(),
        dynamicTimeout: fc.boolean(),
        latencyWarning: fc.integer({ min: 1, max: 10_000 }),
      })
      .map(({ extraTimeout, ...rest }) => ({ ...rest, heartbeatTimeout: rest.heartbeatInterval + extraTimeout }));
    fc.assert(
      fc.property(anyConfig, fc.array(feedback, { maxLength: 40 }), (cfg, sequence) => {
        let timing = initialHeartbeatTiming(cfg);
        for (const f of sequence) {
          timing = nextHeartbeatTiming(timing, f, cfg);
          expect(timing.intervalMs).toBeGreaterThanOrEqual(cfg.heartbeatInterval / 4);
          expect(timing.intervalMs).toBeLessThanOrEqual(cfg.heartbeatInterval);
          expect(timing.timeoutMs).toBeGreaterThanOrEqual(cfg.heartbeatTimeout);
          if (!cfg.dynamicTimeout) expect(timing.timeoutMs).toBe(cfg.heartbeatTimeout);
          if (!cfg.adaptiveHeartbeat) expect(timing.intervalMs).toBe(cfg.heartbeatInterval);
        }
      }),
    );
  });
});

describe('HeartbeatClock', () => {
  const feedback: fc.Arbitrary<HeartbeatFeedback> = fc.oneof(
    fc.record({ kind: fc.constant('rtt' as const), rttMs: anyNumber }),
    fc.constant({ kind: 'lost' as const }),
    fc.record({ kind: fc.constant('quality' as const), poor: fc.boolean() }),
  );

  it('should fold any feedback in place to what nextHeartbeatTiming returns (property)', () => {
    fc.assert(
      fc.property(fc.array(feedback, { maxLength: 40 }), fc.boolean(), fc.boolean(), (steps, adaptive, dynamic) => {
        const settings = { ...config, adaptiveHeartbeat: adaptive, dynamicTimeout: dynamic };
        const clock = new HeartbeatClock(settings);
        let timing = initialHeartbeatTiming(settings);
        for (const step of steps) {
          clock.feed(step, settings);
          timing = nextHeartbeatTiming(timing, step, settings);
          const { intervalMs, timeoutMs, srttMs, rttVarMs, poor } = clock;
          expect({ intervalMs, timeoutMs, srttMs, rttVarMs, poor }).toEqual({
            srttMs: undefined,
            rttVarMs: undefined,
            ...timing,
          });
        }
      }),
    );
  });
});

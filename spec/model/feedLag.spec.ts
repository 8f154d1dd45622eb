import * as fc from 'fast-check';
import { FeedLagConfig, FeedLagState, feedLag } from '../../src/model/feedLag';
import { feedLagFigures } from '../../src/model/feedLagFigures';
import { configErrorOf } from '../support/configErrorOf';

type Offset = { offsetMs: number; uncertaintyMs: number };

/** Folds lags (ms) arriving every `every` ms, returning every state. */
function series(
  lags: readonly number[],
  config: FeedLagConfig,
  every = 100,
  offset?: Offset,
  start = 0,
): FeedLagState[] {
  const states: FeedLagState[] = [];
  lags.forEach((lag, i) => {
    const receivedAt = start + i * every;
    // The event time that gives this lag on the exchange's clock, seen through the local clock.
    const eventTime = receivedAt + (offset?.offsetMs ?? 0) - lag;
    states.push(feedLag(states[states.length - 1], { receivedAt, eventTime }, config, offset));
  });
  return states;
}
const changes = (states: readonly FeedLagState[]): string => states.map((s) => s.change ?? '·').join(' ');

const diagram: FeedLagConfig = { maxLag: 1000, recoverLag: 500, minSamples: 3, sustain: 200 };

describe('feedLag', () => {
  it('should match the diagram in its doc comment', () => {
    const states = series([40, 2500, 40, 40, 2600, 2700, 2800, 2900, 300, 200, 100, 40], diagram);
    expect(changes(states)).toBe('· · · · · · stale · · · recovered ·');
    expect(states[6]?.staleSince).toBe(600);
    expect(states[11]?.stale).toBe(false);
  });

  it('should match the example in its doc comment', () => {
    let lag = feedLag(undefined, { receivedAt: 10_050, eventTime: 10_000 }, { maxLag: 1000 });
    expect(lag.lastMs).toBe(50);
    lag = feedLag(lag, { receivedAt: 12_100, eventTime: 10_050 }, {}, { offsetMs: -2000, uncertaintyMs: 5 });
    expect(lag.lastMs).toBe(50);
  });

  it('should smooth with an EWMA seeded by the first lag', () => {
    const states = series([100, 200, 200], {});
    expect(states.map((s) => s.smoothedMs)).toEqual([100, 120, 136]);
  });

  describe('must not fire', () => {
    it('on one spike, however large', () => {
      const states = series([20, 20, 60_000, 20, 20, 20, 20], { maxLag: 1000, sustain: 0, minSamples: 3 });
      expect(states.some((s) => s.stale)).toBe(false);
      expect(feedLagFigures(states[6])?.maxMs).toBe(60_000);
    });

    it('on two spikes in a row when three are needed', () => {
      const states = series([20, 5000, 5000, 20, 5000, 5000, 20], { maxLag: 1000, sustain: 0, minSamples: 3 });
      expect(states.some((s) => s.stale)).toBe(false);
    });

    it('on a run past the bound shorter than sustain', () => {
      const states = series([20, ...Array(10).fill(3000), 20], { maxLag: 1000, sustain: 1000, minSamples: 3 });
      expect(states.some((s) => s.stale)).toBe(false);
    });

    it('when the clock offset explains the lag (the local clock is 5 s fast)', () => {
      // Raw receive − event time is 5040 ms every time; on the exchange's clock it is 40 ms.
      const config = { maxLag: 1000, sustain: 500 };
      const samples = Array.from({ length: 50 }, (_, i) => ({ receivedAt: i * 100, eventTime: i * 100 - 5040 }));
      const fold = (offset?: Offset) =>
        samples.reduce<FeedLagState | undefined>((state, sample) => feedLag(state, sample, config, offset), undefined);
      const corrected = fold({ offsetMs: -5000, uncertaintyMs: 10 });
      expect(corrected?.stale).toBe(false);
      expect(corrected?.lastMs).toBe(40);
      // The same messages judged without the offset would be stale: the correction is what keeps it quiet.
      expect(fold()?.stale).toBe(true);
    });

    it('when the lag is within the clock uncertainty of the bound', () => {
      // 1100 ms measured, ± 200: it may be 900, so it is not judged past 1000.
      const states = series(Array(50).fill(1100), { maxLag: 1000, sustain: 500 }, 100, {
        offsetMs: 0,
        uncertaintyMs: 200,
      });
      expect(states.some((s) => s.stale)).toBe(false);
    });

    it('on an idle feed: isolated late messages minutes apart', () => {
      const states = series([5000, 5000, 5000, 5000, 5000], { maxLag: 1000, sustain: 3000, minSamples: 3 }, 120_000);
      expect(states.some((s) => s.stale)).toBe(false);
    });
  });

  describe('must fire', () => {
    it('when the lag stays past the bound for the sustained period, and recover with hysteresis', () => {
      const config = { maxLag: 1000, recoverLag: 500, sustain: 1000, minSamples: 3 };
      const behind = Array(15).fill(2000);
      // 800 is under maxLag but over recoverLag: still stale.
      const states = series([50, ...behind, 800, 800, 800, 800, 400, 300, 200], config);
      const staleAt = states.findIndex((s) => s.change === 'stale');
      expect(staleAt).toBe(11); // the run starts at index 1 (100 ms), 1000 ms later is index 11
      expect(states.slice(16, 20).every((s) => s.stale)).toBe(true);
      expect(states.findIndex((s) => s.change === 'recovered')).toBe(22);
      expect(states[22]?.staleSince).toBeUndefined();
    });

    it('when the local clock is slow and the corrected lag is past the bound', () => {
      // Raw receive − event is only 500 ms, but our clock is 2 s behind the exchange's: 2500 ms late.
      const offset = { offsetMs: 2000, uncertaintyMs: 5 };
      const states = series(Array(20).fill(2500), { maxLag: 1000, sustain: 500 }, 100, offset);
      expect(states.some((s) => s.change === 'stale')).toBe(true);
    });
  });

  it('should keep the last `window` lags for max and p95 (nearest rank)', () => {
    const lags = Array.from({ length: 40 }, (_, i) => i + 1);
    const states = series(lags, { window: 20 });
    const figures = feedLagFigures(states[39]);
    expect(figures).toEqual({
      lastMs: 40,
      smoothedMs: states[39]?.smoothedMs,
      maxMs: 40,
      p95Ms: 39,
      recent: 20,
      stale: false,
    });
  });

  it('should give no figures before the first valid message', () => {
    expect(feedLagFigures(undefined)).toBeUndefined();
    const invalid = feedLag(undefined, { receivedAt: 100, eventTime: NaN });
    expect(invalid.invalid).toBe(1);
    expect(feedLagFigures(invalid)).toBeUndefined();
  });

  it('should match the example in feedLagFigures', () => {
    const state = [10, 20, 30, 40].reduce<FeedLagState | undefined>(
      (s, lag, i) => feedLag(s, { receivedAt: i * 100 + lag, eventTime: i * 100 }),
      undefined,
    );
    const figures = feedLagFigures(state);
    expect(figures).toMatchObject({ lastMs: 40, maxMs: 40, p95Ms: 40, recent: 4, stale: false });
    expect(figures?.smoothedMs).toBeCloseTo(20.48, 10);
  });

  it.each([
    ['maxLag', { maxLag: 0 }],
    ['recoverLag', { maxLag: 1000, recoverLag: 1500 }],
    ['sustain', { sustain: -1 }],
    ['minSamples', { minSamples: 0 }],
    ['smoothing', { smoothing: 0 }],
    ['window', { window: 2.5 }],
  ])('should throw a ConfigError for a bad %s', (field, config) => {
    expect(configErrorOf(() => feedLag(undefined, { receivedAt: 1, eventTime: 0 }, config)).field).toBe(field);
  });

  describe('properties', () => {
    const config = { maxLag: 1000, recoverLag: 500, sustain: 300, minSamples: 3 };

    it('should never be stale while every judged lag stays at or under maxLag', () => {
      fc.assert(
        fc.property(fc.array(fc.double({ min: -100, max: 1000, noNaN: true }), { maxLength: 200 }), (lags) => {
          expect(series(lags, config).some((s) => s.stale)).toBe(false);
        }),
      );
    });

    it('should only go stale after minSamples consecutive messages past maxLag spanning sustain', () => {
      fc.assert(
        fc.property(
          fc.array(fc.oneof(fc.constant(50), fc.constant(5000)), { maxLength: 200 }),
          fc.integer({ min: 10, max: 400 }),
          (lags, every) => {
            const states = series(lags, config, every);
            states.forEach((state, i) => {
              if (state.change !== 'stale') return;
              const needed = Math.max(config.minSamples, Math.ceil(config.sustain / every) + 1);
              const run = lags.slice(Math.max(0, i + 1 - needed), i + 1);
              expect(run.length).toBe(needed);
              expect(run.every((lag) => lag > config.maxLag)).toBe(true);
            });
          },
        ),
      );
    });

    it('should alternate stale and recovered changes, matching the stale flag', () => {
      fc.assert(
        fc.property(fc.array(fc.double({ min: 0, max: 3000, noNaN: true }), { maxLength: 300 }), (lags) => {
          let stale = false;
          for (const state of series(lags, config)) {
            if (state.change === 'stale') expect(stale).toBe(false);
            if (state.change === 'recovered') expect(stale).toBe(true);
            if (state.change !== undefined) stale = !stale;
            expect(state.stale).toBe(stale);
          }
        }),
      );
    });
  });
});

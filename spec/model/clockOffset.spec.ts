import * as fc from 'fast-check';
import { ClockOffsetState, ClockSample, clockOffset } from '../../src/model/clockOffset';
import { configErrorOf } from '../support/configErrorOf';

/** One round trip to a server whose clock reads local time + `skew`, with the given one-way delays. */
function roundTrip(t0: number, skew: number, up: number, serverHold: number, down: number): ClockSample {
  const t1 = t0 + up + skew;
  const t2 = t1 + serverHold;
  return { t0, t1, t2, t3: t0 + up + serverHold + down };
}

const fold = (samples: readonly ClockSample[], config = {}): ClockOffsetState =>
  samples.reduce<ClockOffsetState | undefined>(
    (state, sample) => clockOffset(state, sample, config),
    undefined,
  ) as ClockOffsetState;

/** A trip: one-way delays in ms (any asymmetry, with an occasional queueing spike) and the server's hold time. */
const trip = fc.record({
  up: fc.oneof(fc.double({ min: 0, max: 50, noNaN: true }), fc.double({ min: 0, max: 5000, noNaN: true })),
  down: fc.oneof(fc.double({ min: 0, max: 50, noNaN: true }), fc.double({ min: 0, max: 5000, noNaN: true })),
  hold: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 20, noNaN: true })),
  gap: fc.double({ min: 0, max: 10_000, noNaN: true }),
});
const skew = fc.oneof(fc.integer({ min: -3_600_000, max: 3_600_000 }), fc.double({ min: -1e6, max: 1e6, noNaN: true }));

describe('clockOffset', () => {
  it('should match the example in its doc comment', () => {
    const state = clockOffset(undefined, { t0: 1000, t1: 1508, t2: 1508, t3: 1016 });
    expect(state.estimate).toEqual({
      offsetMs: 500,
      uncertaintyMs: 9,
      delayMs: 16,
      at: 1016,
      samples: 1,
      pastBound: false,
    });
  });

  it('should match the diagram in its doc comment: the smallest round trip wins and stays', () => {
    const a = { t0: 0, t1: 530, t2: 530, t3: 40 }; // delay 40, offset +510
    const b = { t0: 100, t1: 606, t2: 606, t3: 108 }; // delay 8, offset +502
    const c = { t0: 200, t1: 710, t2: 710, t3: 230 }; // delay 30, offset +495
    const states = [a, b, c].reduce<ClockOffsetState[]>(
      (all, sample) => [...all, clockOffset(all[all.length - 1], sample)],
      [],
    );
    expect(states.map((s) => [s.estimate?.offsetMs, s.estimate?.uncertaintyMs])).toEqual([
      [510, 21],
      [502, 5],
      [502, 5],
    ]);
  });

  it('should take NTP offset and delay from four timestamps, excluding the server hold time', () => {
    // Server 250 ms ahead; 10 ms up, 30 ms down, 5 ms inside the server.
    const state = clockOffset(undefined, roundTrip(10_000, 250, 10, 5, 30), { resolution: 0 });
    expect(state.window[0]).toMatchObject({ offsetMs: 250 - 10, delayMs: 40 });
    expect(state.estimate).toMatchObject({ offsetMs: 240, uncertaintyMs: 20, delayMs: 40 });
  });

  it('should keep only the last `window` samples, so an old best one ages out', () => {
    const best = roundTrip(0, 100, 1, 0, 1); // delay 2
    const later = [1, 2, 3].map((i) => roundTrip(i * 1000, 100, 10, 0, 10)); // delay 20
    const state = fold([best, ...later], { window: 3 });
    expect(state.window).toHaveLength(3);
    expect(state.estimate).toMatchObject({ delayMs: 20, samples: 3, at: 3020 });
  });

  it('should prefer the newest sample among equal round trips, so a stepped clock is followed', () => {
    const state = fold([roundTrip(0, 100, 5, 0, 5), roundTrip(1000, 400, 5, 0, 5)]);
    expect(state.estimate?.offsetMs).toBe(400);
  });

  it('should raise pastBound only when the offset is certainly beyond maxOffset', () => {
    // 1200 ± 6 against 1000: certainly beyond.
    expect(fold([roundTrip(0, 1200, 5, 0, 5)]).estimate?.pastBound).toBe(true);
    // 1100 ± 201 against 1000: might be within, so not raised.
    expect(fold([roundTrip(0, 1100, 200, 0, 200)]).estimate?.pastBound).toBe(false);
    // Behind works the same way.
    expect(fold([roundTrip(0, -5000, 5, 0, 5)], { maxOffset: 2000 }).estimate?.pastBound).toBe(true);
  });

  it('should count and ignore impossible samples', () => {
    const good = roundTrip(0, 100, 5, 0, 5);
    const state = fold([
      good,
      { t0: 100, t1: 300, t2: 300, t3: 90 }, // reply before request
      { t0: 200, t1: 400, t2: 390, t3: 220 }, // server sent before it received
      { t0: 300, t1: 400, t2: 480, t3: 310 }, // longer in the server than the whole round trip
      { t0: NaN, t1: 400, t2: 400, t3: 310 },
    ]);
    expect(state.rejected).toBe(4);
    expect(state.window).toHaveLength(1);
    expect(state.estimate?.offsetMs).toBe(100);
  });

  it('should leave the estimate undefined until a valid sample arrives', () => {
    expect(clockOffset(undefined, { t0: 5, t1: 0, t2: 0, t3: 1 }).estimate).toBeUndefined();
  });

  it.each([
    ['window', { window: 0 }],
    ['window', { window: 1.5 }],
    ['maxOffset', { maxOffset: -1 }],
    ['resolution', { resolution: -1 }],
    ['resolution', { resolution: Infinity }],
  ])('should throw a ConfigError for a bad %s', (field, config) => {
    expect(configErrorOf(() => clockOffset(undefined, roundTrip(0, 0, 1, 0, 1), config)).field).toBe(field);
  });

  describe('properties', () => {
    it('should hold the true skew within estimate ± uncertainty, for any asymmetric delays', () => {
      fc.assert(
        fc.property(
          skew,
          fc.array(trip, { minLength: 1, maxLength: 30 }),
          fc.integer({ min: 1, max: 16 }),
          (s, trips, window) => {
            let t = 1_700_000_000_000;
            let state: ClockOffsetState | undefined;
            for (const { up, down, hold, gap } of trips) {
              state = clockOffset(state, roundTrip(t, s, up, hold, down), { window, resolution: 0 });
              const estimate = state.estimate;
              expect(estimate).toBeDefined();
              // A hair of slack for floating-point sums of epoch-sized numbers.
              expect(Math.abs((estimate?.offsetMs as number) - s)).toBeLessThanOrEqual(
                (estimate?.uncertaintyMs as number) + 1e-3,
              );
              t += up + hold + down + gap;
            }
          },
        ),
      );
    });

    it('should hold it with integer-millisecond timestamps at both ends and the default resolution', () => {
      fc.assert(
        fc.property(skew, fc.array(trip, { minLength: 1, maxLength: 20 }), (s, trips) => {
          let t = 1_700_000_000_000.5;
          let state: ClockOffsetState | undefined;
          for (const { up, down, hold, gap } of trips) {
            const exact = roundTrip(t, s, up, hold, down);
            const floored = {
              t0: Math.floor(exact.t0),
              t1: Math.floor(exact.t1),
              t2: Math.floor(exact.t2),
              t3: Math.floor(exact.t3),
            };
            state = clockOffset(state, floored);
            if (state.estimate !== undefined) {
              expect(Math.abs(state.estimate.offsetMs - s)).toBeLessThanOrEqual(state.estimate.uncertaintyMs + 1e-3);
            }
            t += up + hold + down + gap;
          }
        }),
      );
    });

    it('should choose the sample with the smallest delay in the window', () => {
      fc.assert(
        fc.property(
          skew,
          fc.array(trip, { minLength: 1, maxLength: 30 }),
          fc.integer({ min: 1, max: 16 }),
          (s, trips, window) => {
            let t = 0;
            const samples = trips.map(({ up, down, hold, gap }) => {
              const sample = roundTrip(t, s, up, hold, down);
              t += up + hold + down + gap;
              return sample;
            });
            const state = fold(samples, { window });
            const smallest = Math.min(...state.window.map((m) => m.delayMs));
            expect(state.window.length).toBe(Math.min(window, samples.length));
            expect(state.estimate?.delayMs).toBe(smallest);
          },
        ),
      );
    });
  });
});

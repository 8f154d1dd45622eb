import { TestScheduler } from 'rxjs/testing';
import { HeartbeatFeedback, HeartbeatTiming, HeartbeatTimingConfig } from '../../src/model/heartbeatTiming';
import { adaptiveHeartbeat } from '../../src/operators/adaptiveHeartbeat';

/** Base 1600 ms so that halving (800, 400) and relaxing (600, 900, 1350) stay whole numbers. */
const config: HeartbeatTimingConfig = {
  heartbeatInterval: 1600,
  heartbeatTimeout: 5000,
  adaptiveHeartbeat: true,
  dynamicTimeout: false,
  latencyWarning: 1000,
};

const rtt = (rttMs: number): HeartbeatFeedback => ({ kind: 'rtt', rttMs });
const lost: HeartbeatFeedback = { kind: 'lost' };
const quality = (poor: boolean): HeartbeatFeedback => ({ kind: 'quality', poor });

/** A timing with only interval and timeout pinned; the RTT estimators are checked where they matter. */
const timing = (intervalMs: number, timeoutMs = 5000): HeartbeatTiming =>
  expect.objectContaining({ intervalMs, timeoutMs }) as HeartbeatTiming;

describe('adaptiveHeartbeat', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('should match the marble diagram in its doc comment', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const diagramConfig: HeartbeatTimingConfig = {
        heartbeatInterval: 1000,
        heartbeatTimeout: 1000,
        adaptiveHeartbeat: true,
        dynamicTimeout: true,
        latencyWarning: 1000,
      };
      const feedback = cold('----r----l-----q----', { r: rtt(100), l: lost, q: quality(true) });
      const unsub = '        ^-------------------!';
      const expected = '     i---a----b-----c----';
      expectObservable(feedback.pipe(adaptiveHeartbeat(diagramConfig)), unsub).toBe(expected, {
        i: { intervalMs: 1000, timeoutMs: 1000, poor: false },
        // A calm 100 ms round trip keeps the interval; the timeout grows to 1000 + 100 + 4 × 50.
        a: { intervalMs: 1000, timeoutMs: 1300, srttMs: 100, rttVarMs: 50, poor: false },
        // A lost ping halves the interval; 500 + 300 is under the floor, so the timeout is the floor again.
        b: { intervalMs: 500, timeoutMs: 1000, srttMs: 100, rttVarMs: 50, poor: false },
        // Quality turning poor halves it again; the timeout stays at the floor but the interval moved.
        c: { intervalMs: 250, timeoutMs: 1000, srttMs: 100, rttVarMs: 50, poor: true },
      });
    });
  });

  it('should emit the configured timing at once, before any feedback', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('-----r', { r: rtt(300) }).pipe(adaptiveHeartbeat(config)), '^ 9ms !').toBe('i', {
        i: { intervalMs: 1600, timeoutMs: 5000, poor: false },
      });
    });
  });

  it('should halve the interval on round trips of at least half the latency warning, down to a quarter', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const feedback = cold('-a-b-c-d|', { a: rtt(500), b: rtt(700), c: rtt(2000), d: rtt(900) });
      const expected = '     iA-B----|';
      expectObservable(feedback.pipe(adaptiveHeartbeat(config))).toBe(expected, {
        i: timing(1600),
        A: timing(800),
        B: timing(400),
      });
    });
  });

  it('should not treat a round trip just under half the latency warning as stress', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const feedback = cold('-a-|', { a: rtt(499) });
      expectObservable(feedback.pipe(adaptiveHeartbeat(config))).toBe('i--|', { i: timing(1600) });
    });
  });

  it('should halve the interval on a lost ping', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const feedback = cold('-l-l-l|', { l: lost });
      expectObservable(feedback.pipe(adaptiveHeartbeat(config))).toBe('iA-B--|', {
        i: timing(1600),
        A: timing(800),
        B: timing(400),
      });
    });
  });

  it('should relax the interval by half again on calm round trips, up to the base interval', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const feedback = cold('-ll-ccccc|', { l: lost, c: rtt(100) });
      const expected = '     iAB-CDEF-|';
      expectObservable(feedback.pipe(adaptiveHeartbeat(config))).toBe(expected, {
        i: timing(1600),
        A: timing(800),
        B: timing(400),
        C: timing(600),
        D: timing(900),
        E: timing(1350),
        F: timing(1600),
      });
    });
  });

  it('should count a round trip just under a quarter of the latency warning as calm', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const feedback = cold('-l-c|', { l: lost, c: rtt(249) });
      expectObservable(feedback.pipe(adaptiveHeartbeat(config))).toBe('iA-B|', {
        i: timing(1600),
        A: timing(800),
        B: timing(1200),
      });
    });
  });

  it('should hold the interval on round trips between a quarter and half the latency warning', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const feedback = cold('-l-mn|', { l: lost, m: rtt(250), n: rtt(499) });
      expectObservable(feedback.pipe(adaptiveHeartbeat(config))).toBe('iA---|', { i: timing(1600), A: timing(800) });
    });
  });

  it('should halve the interval when quality turns poor, and not again while it stays poor', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const feedback = cold('-ppg|', { p: quality(true), g: quality(false) });
      expectObservable(feedback.pipe(adaptiveHeartbeat(config))).toBe('iA--|', { i: timing(1600), A: timing(800) });
    });
  });

  it('should not relax the interval on calm round trips while quality is poor', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const feedback = cold('-pc-gc|', { p: quality(true), c: rtt(100), g: quality(false) });
      expectObservable(feedback.pipe(adaptiveHeartbeat(config))).toBe('iA---B|', {
        i: timing(1600),
        A: timing(800),
        B: timing(1200),
      });
    });
  });

  it('should ignore round trips that are negative or not finite', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const feedback = cold('-abc|', { a: rtt(-1), b: rtt(NaN), c: rtt(Infinity) });
      expectObservable(feedback.pipe(adaptiveHeartbeat(config))).toBe('i---|', { i: timing(1600) });
    });
  });

  it('should emit only when the interval or the timeout moves', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      // Each round trip moves the smoothed RTT, but with a fixed timeout and a held interval nothing moves.
      const feedback = cold('-abcg|', { a: rtt(300), b: rtt(400), c: rtt(350), g: quality(false) });
      expectObservable(feedback.pipe(adaptiveHeartbeat(config))).toBe('i----|', { i: timing(1600) });
    });
  });

  describe('with adaptiveHeartbeat false', () => {
    const fixed: HeartbeatTimingConfig = { ...config, adaptiveHeartbeat: false };

    it('should never change the interval', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const feedback = cold('-abpl|', { a: rtt(2000), b: rtt(10), p: quality(true), l: lost });
        expectObservable(feedback.pipe(adaptiveHeartbeat(fixed))).toBe('i----|', { i: timing(1600) });
      });
    });
  });

  describe('with dynamicTimeout true', () => {
    const dynamic: HeartbeatTimingConfig = { ...config, heartbeatTimeout: 2000, dynamicTimeout: true };

    it('should grow the timeout to interval + SRTT + 4 × RTTVAR', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const feedback = cold('-a-b|', { a: rtt(600), b: rtt(200) });
        expectObservable(feedback.pipe(adaptiveHeartbeat(dynamic))).toBe('iA-B|', {
          i: { intervalMs: 1600, timeoutMs: 2000, poor: false },
          // SRTT 600, RTTVAR 300: 800 + 600 + 1200.
          A: { intervalMs: 800, timeoutMs: 2600, srttMs: 600, rttVarMs: 300, poor: false },
          // RTTVAR 0.75 × 300 + 0.25 × 400 = 325, SRTT 0.875 × 600 + 0.125 × 200 = 550: 1200 + 550 + 1300.
          B: { intervalMs: 1200, timeoutMs: 3050, srttMs: 550, rttVarMs: 325, poor: false },
        });
      });
    });

    it('should never go below the configured timeout', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const feedback = cold('-a|', { a: rtt(10) });
        expectObservable(feedback.pipe(adaptiveHeartbeat(dynamic))).toBe('i-|', { i: timing(1600, 2000) });
      });
    });
  });

  describe('with dynamicTimeout false', () => {
    it('should keep the configured timeout whatever the latency', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const feedback = cold('-a|', { a: rtt(4000) });
        expectObservable(feedback.pipe(adaptiveHeartbeat(config))).toBe('iA|', {
          i: timing(1600, 5000),
          A: timing(800, 5000),
        });
      });
    });
  });

  it('should keep state per subscription', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const feedback = hot('-l--l--l-', { l: lost });
      const result = feedback.pipe(adaptiveHeartbeat(config));
      expectObservable(result, '^-------!').toBe('iA--B---', { i: timing(1600), A: timing(800), B: timing(400) });
      // A later subscriber starts from the configured timing, not from the first one's.
      expectObservable(result, '---^----!').toBe('---iA--B', { i: timing(1600), A: timing(800), B: timing(400) });
    });
  });

  describe('the RxJS checklist', () => {
    it('should emit only the configured timing and never complete for a source that never emits', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        expectObservable(cold<HeartbeatFeedback>('-').pipe(adaptiveHeartbeat(config)), '^ 99ms !').toBe('i', {
          i: timing(1600),
        });
      });
    });

    it('should emit the configured timing and complete for an empty source', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        expectObservable(cold<HeartbeatFeedback>('|').pipe(adaptiveHeartbeat(config))).toBe('(i|)', {
          i: timing(1600),
        });
      });
    });

    it('should complete when the source completes', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const feedback = cold('--l--|', { l: lost });
        expectObservable(feedback.pipe(adaptiveHeartbeat(config))).toBe('i-A--|', {
          i: timing(1600),
          A: timing(800),
        });
        expectSubscriptions(feedback.subscriptions).toBe('^----!');
      });
    });

    it('should pass an error through', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const feedback = cold('-l-#', { l: lost }, new Error('feedback failed'));
        expectObservable(feedback.pipe(adaptiveHeartbeat(config))).toBe(
          'iA-#',
          { i: timing(1600), A: timing(800) },
          new Error('feedback failed'),
        );
      });
    });

    it('should unsubscribe from the source when the consumer unsubscribes early', () => {
      testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
        const feedback = hot('-l---l--|', { l: lost });
        expectObservable(feedback.pipe(adaptiveHeartbeat(config)), '^--!').toBe('iA-', {
          i: timing(1600),
          A: timing(800),
        });
        expectSubscriptions(feedback.subscriptions).toBe('^--!');
      });
    });

    // There is no user callback to throw: the reducer is the model's pure nextHeartbeatTiming.
  });
});

import { EMPTY, NEVER, Observable, throwError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ProbeSample, latencyProbe } from '../../src/streams/latencyProbe';

const ok = (latencyMs: number, initial = false): ProbeSample => ({ ok: true, latencyMs, initial });
const failed = (error: string, initial = false): ProbeSample => ({ ok: false, error, initial });

describe('latencyProbe', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  /** A probe that answers with each observable in turn, then with the last one for ever. */
  function probes(...runs: Array<Observable<unknown>>): () => Observable<unknown> {
    let run = 0;
    return () => runs[Math.min(run++, runs.length - 1)] as Observable<unknown>;
  }

  it('should match the marble diagram in its doc comment', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const probe = cold('--x|');
      const unsub = '     ^-----------------!';
      const expected = '  --a--------b------';
      expectObservable(
        latencyProbe(() => probe, { checkInterval: 9 }, testScheduler),
        unsub,
      ).toBe(expected, {
        a: ok(2, true),
        b: ok(2),
      });
    });
  });

  it('should run the probe at once and then every checkInterval', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const probe = cold('--x|');
      expectObservable(
        latencyProbe(() => probe, { checkInterval: 9 }, testScheduler),
        '^ 20ms !',
      ).toBe('--a 8ms b 8ms b', { a: ok(2, true), b: ok(2) });
      expectSubscriptions(probe.subscriptions).toBe(['^-!', '9ms ^-!', '18ms ^-!']);
    });
  });

  it('should measure each run in virtual time, from its start to its first value', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const probe = probes(cold('--x|'), cold('-----x|'), cold('x|'));
      expectObservable(latencyProbe(probe, { checkInterval: 10 }, testScheduler), '^ 25ms !').toBe('--a 12ms b 4ms c', {
        a: ok(2, true),
        b: ok(5),
        c: ok(0),
      });
    });
  });

  it('should take only the first value of a probe that emits several', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const probe = cold('--xyz|');
      expectObservable(
        latencyProbe(() => probe, { checkInterval: 10 }, testScheduler),
        '^ 8ms !',
      ).toBe('--a', {
        a: ok(2, true),
      });
      expectSubscriptions(probe.subscriptions).toBe('^-!');
    });
  });

  it('should report an erroring run as not ok with its message, and keep going', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const probe = probes(cold('---#', undefined, new Error('exchange down')), cold('-x|'));
      expectObservable(latencyProbe(probe, { checkInterval: 10 }, testScheduler), '^ 25ms !').toBe('---a 7ms b 9ms b', {
        a: failed('exchange down', true),
        b: ok(1),
      });
    });
  });

  it('should give a readable message for errors that are not Error instances', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const probe = probes(
        cold('#', undefined, 'rate limited'),
        throwError(() => ({ code: 429 })),
      );
      expectObservable(latencyProbe(probe, { checkInterval: 10 }, testScheduler), '^ 15ms !').toBe('a 9ms b', {
        a: failed('rate limited', true),
        b: failed('{"code":429}'),
      });
    });
  });

  it('should fail a run that takes longer than probeTimeout, and keep going', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const slow = cold('-----x|');
      const fast = cold('-x|');
      const probe = probes(slow, fast);
      expectObservable(latencyProbe(probe, { checkInterval: 10, probeTimeout: 3 }, testScheduler), '^ 15ms !').toBe(
        '3ms a 7ms b',
        { a: failed('probe timed out after 3 ms', true), b: ok(1) },
      );
      // The timed-out run is unsubscribed when its time is up.
      expectSubscriptions(slow.subscriptions).toBe('^--!');
      expectSubscriptions(fast.subscriptions).toBe('10ms ^!');
    });
  });

  it('should accept a run that answers just within probeTimeout', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const probe = cold('--x|');
      expectObservable(
        latencyProbe(() => probe, { checkInterval: 10, probeTimeout: 3 }, testScheduler),
        '^ 5ms !',
      ).toBe('--a', { a: ok(2, true) });
    });
  });

  it('should mark only the first run as initial', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const probe = probes(cold('#', undefined, new Error('down')), cold('x|'));
      expectObservable(latencyProbe(probe, { checkInterval: 5 }, testScheduler), '^ 12ms !').toBe('a 4ms b 4ms b', {
        a: failed('down', true),
        b: ok(0),
      });
    });
  });

  it('should use a check every 60 s with a 10 s timeout by default', () => {
    testScheduler.run(({ expectObservable }) => {
      expectObservable(
        latencyProbe(() => NEVER, {}, testScheduler),
        '^ 130s !',
      ).toBe('10s a 59999ms b 59999ms b', {
        a: failed('probe timed out after 10000 ms', true),
        b: failed('probe timed out after 10000 ms'),
      });
    });
  });

  it('should not start a run while the previous one is still pending', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      // Each run takes 5; ticks every 3: the ticks at 3, 9 and 15 find a run pending and are dropped.
      const probe = cold('-----x|');
      expectObservable(
        latencyProbe(() => probe, { checkInterval: 3 }, testScheduler),
        '^ 19ms !',
      ).toBe('5ms a 5ms b 5ms b', { a: ok(5, true), b: ok(5) });
      expectSubscriptions(probe.subscriptions).toBe(['^ 4ms !', '6ms ^ 4ms !', '12ms ^ 4ms !', '18ms ^ 1ms !']);
    });
  });

  describe('the RxJS checklist', () => {
    it('should count a probe that never answers as a timeout on every run', () => {
      testScheduler.run(({ expectObservable }) => {
        expectObservable(
          latencyProbe(() => NEVER, { checkInterval: 10, probeTimeout: 4 }, testScheduler),
          '^ 15ms !',
        ).toBe('4ms a 9ms b', {
          a: failed('probe timed out after 4 ms', true),
          b: failed('probe timed out after 4 ms'),
        });
      });
    });

    it('should count a probe that completes without a value as a success at completion', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        expectObservable(
          latencyProbe(() => cold('---|'), { checkInterval: 10 }, testScheduler),
          '^ 15ms !',
        ).toBe('3ms a 9ms b', { a: ok(3, true), b: ok(3) });
        expectObservable(
          latencyProbe(() => EMPTY, { checkInterval: 10 }, testScheduler),
          '^ 15ms !',
        ).toBe('a 9ms b', { a: ok(0, true), b: ok(0) });
      });
    });

    it('should unsubscribe a pending run and leave nothing scheduled when the consumer unsubscribes', () => {
      let pending = -1;
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const probe = cold('-----x|');
        expectObservable(
          latencyProbe(() => probe, { checkInterval: 10 }, testScheduler),
          '^ 2ms !',
        ).toBe('');
        expectSubscriptions(probe.subscriptions).toBe('^--!');
        testScheduler.schedule(() => (pending = testScheduler.actions.length), 4);
      });
      expect(pending).toBe(0);
    });

    it('should report a probe that throws synchronously as a failed run, and keep going', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        let runs = 0;
        const probe = (): Observable<unknown> => {
          if (runs++ === 0) throw new Error('no client yet');
          return cold('-x|');
        };
        expectObservable(latencyProbe(probe, { checkInterval: 10 }, testScheduler), '^ 15ms !').toBe('a 10ms b', {
          a: failed('no client yet', true),
          b: ok(1),
        });
      });
    });
  });
});

import { EMPTY, NEVER, Observable, SchedulerLike, Subject, map, take, tap } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { HeartbeatOptions, HeartbeatSample, HeartbeatTarget, heartbeat } from '../../src/streams/heartbeat';

/**
 * A link under test: records ping times, takes pongs from a marble (a number value is an echoed ping
 * id, anything else an id-less application pong), and has a liveness clock the spec sets.
 */
interface FakeTarget extends HeartbeatTarget {
  pongs$: Observable<number | undefined>;
  /** Scheduler times of the pings sent. */
  readonly pingTimes: number[];
  /** What `lastActivityAt` answers; pongs move it, specs move it for data. */
  lastActivity: number;
}

/** Fixed spacing, fixed timeout: the adaptive maths is switched off unless a spec turns it on. */
const fixed: HeartbeatOptions = {
  heartbeatInterval: 10,
  heartbeatTimeout: 25,
  adaptiveHeartbeat: false,
  dynamicTimeout: false,
  latencyWarning: 1000,
};

/** Ends a run even if the stream under test never completes, so a broken heartbeat fails instead of hanging. */
const guard = '^ 999ms !';

const timingWith = (intervalMs: number, timeoutMs?: number): unknown => ({ intervalMs, timeoutMs });

describe('heartbeat', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  const asPong = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

  function fakeTarget(pongs$: Observable<unknown>): FakeTarget {
    const target: FakeTarget = {
      pingTimes: [],
      lastActivity: 0,
      ping: () => void target.pingTimes.push(testScheduler.now()),
      pongs$: pongs$.pipe(
        map(asPong),
        tap(() => (target.lastActivity = testScheduler.now())),
      ),
      lastActivityAt: () => target.lastActivity,
    };
    return target;
  }

  /** A link that answers ping n, echoing its id, after `delays[n - 1]` ms (never when undefined). */
  function answering(delays: ReadonlyArray<number | undefined>): FakeTarget {
    const pongs = new Subject<number | undefined>();
    const target = fakeTarget(pongs);
    target.ping = (id) => {
      target.pingTimes.push(testScheduler.now());
      const delay = delays[id - 1];
      if (delay !== undefined) testScheduler.schedule(() => pongs.next(id), delay);
    };
    return target;
  }

  /** Runs `work` at `frame`; inside `run` only. */
  const at = (frame: number, work: () => void): void => void testScheduler.schedule(work, frame);

  /** At `frame`, counts the actions still scheduled (other than this check), then cancels them so run() ends. */
  function pendingActionsAt(frame: number): { count: number } {
    const pending = { count: -1 };
    at(frame, () => {
      pending.count = testScheduler.actions.length;
      testScheduler.actions.slice().forEach((action) => action.unsubscribe());
    });
    return pending;
  }

  // The timing travelled with every sample, read by nothing: the adaptive interval shows in the ping spacing.
  const rtt = (rttMs: number, _timing?: unknown): HeartbeatSample => ({ kind: 'rtt', rttMs });
  const lost = (_timing?: unknown): HeartbeatSample => ({ kind: 'lost' });
  const timeout = (silentMs: number, timeoutMs = 25): HeartbeatSample => ({
    kind: 'timeout',
    silentMs,
    timeoutMs,
    direction: 'inbound',
  });

  it('should match the marble diagram in its doc comment', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const options: HeartbeatOptions = { ...fixed, heartbeatInterval: 4, heartbeatTimeout: 10 };
      const pongs = '         -----1-------3---------';
      const pingsUnsub = '    ^----------------------!';
      const expectedPings = ' ----1---2---3---4---5--';
      const expected = '      -----r-------(lr)------(t|)';
      const pings = new Subject<number>();
      const target = fakeTarget(cold(pongs, { 1: 1, 3: 3 }));
      target.ping = (id) => pings.next(id);
      expectObservable(pings, pingsUnsub).toBe(expectedPings, { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5 });
      expectObservable(heartbeat(target, options, testScheduler), guard).toBe(expected, {
        r: rtt(1, timingWith(4)),
        l: lost(timingWith(4)),
        t: timeout(10, 10),
      });
    });
  });

  it('should send the first ping after one interval, then one every interval', () => {
    const target = fakeTarget(NEVER);
    testScheduler.run(({ cold, expectObservable }) => {
      target.pongs$ = cold('12ms a 9ms a 9ms a').pipe(
        map(asPong),
        tap(() => (target.lastActivity = testScheduler.now())),
      );
      expectObservable(heartbeat(target, fixed, testScheduler), '^ 34ms !').toBe('12ms a 9ms a 9ms a', {
        a: rtt(2),
      });
    });
    expect(target.pingTimes).toEqual([10, 20, 30]);
  });

  it('should measure the round trip as pong time minus ping time', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      // Pings at 10 and 20; pongs at 13 and 27.
      const target = fakeTarget(cold('13ms a 13ms a'));
      expectObservable(heartbeat(target, fixed, testScheduler), '^ 28ms !').toBe('13ms a 13ms b', {
        a: rtt(3),
        b: rtt(7),
      });
    });
  });

  it('should ignore a pong when no ping is outstanding', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      // A pong before the first ping, then two pongs for the ping at 10: only the first one counts.
      const target = fakeTarget(cold('5ms a 6ms a 1ms a'));
      expectObservable(heartbeat(target, fixed, testScheduler), '^ 18ms !').toBe('12ms a', { a: rtt(2) });
    });
  });

  describe('matching pongs to pings', () => {
    const patient = { ...fixed, heartbeatTimeout: 1000 };

    it('should measure a round trip longer than the interval exactly, by the echoed id', () => {
      testScheduler.run(({ expectObservable }) => {
        // Pings at 10 and 20 answered after 15 and 7 ms: at 25 and 27, both in flight at once.
        const target = answering([15, 7]);
        expectObservable(heartbeat(target, patient, testScheduler), '^ 29ms !').toBe('25ms a 1ms b', {
          a: rtt(15),
          b: rtt(7),
        });
      });
    });

    it('should count a ping as lost when a later one is answered first', () => {
      testScheduler.run(({ expectObservable }) => {
        // The ping at 10 is never answered; the one at 20 is, at 25: pongs come back in order.
        const target = answering([undefined, 5]);
        expectObservable(heartbeat(target, patient, testScheduler), '^ 29ms !').toBe('25ms (la)', {
          l: lost(),
          a: rtt(5),
        });
      });
    });

    it('should match an application pong, which carries no id, to the oldest ping in flight', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const target = fakeTarget(cold('25ms a 1ms a'));
        expectObservable(heartbeat(target, patient, testScheduler), '^ 29ms !').toBe('25ms a 1ms b', {
          a: rtt(15),
          b: rtt(7),
        });
      });
    });

    it('should ignore a pong echoing an id it does not know', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const target = fakeTarget(cold('12ms x 1ms y', { x: 99, y: 1 }));
        expectObservable(heartbeat(target, patient, testScheduler), '^ 19ms !').toBe('14ms a', { a: rtt(4) });
      });
    });

    it('should give up on a ping unanswered for the timeout', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        // Data keeps the link alive; at the ping due at 40 the ping sent at 10 is 30 >= 25 old.
        const target = fakeTarget(NEVER);
        cold('5ms d 4ms d 4ms d 4ms d 4ms d 4ms d 4ms d 4ms d').subscribe(
          () => (target.lastActivity = testScheduler.now()),
        );
        expectObservable(heartbeat(target, fixed, testScheduler), '^ 44ms !').toBe('40ms l', { l: lost() });
      });
    });
  });

  describe('timeout', () => {
    it('should emit a timeout at exactly lastActivityAt + timeoutMs, then complete', () => {
      const target = fakeTarget(NEVER);
      testScheduler.run(({ cold, expectObservable }) => {
        target.pongs$ = cold('12ms a').pipe(
          map(asPong),
          tap(() => (target.lastActivity = testScheduler.now())),
        );
        // The pong at 12 is the last sign of life: 12 + 25 = 37.
        expectObservable(heartbeat(target, fixed, testScheduler), guard).toBe('12ms r 24ms (t|)', {
          r: rtt(2),
          t: timeout(25),
        });
      });
      expect(target.pingTimes).toEqual([10, 20, 30]);
    });

    it('should push the deadline back with every sign of life', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const target = fakeTarget(NEVER);
        // Data at 11 and 35: checks at 25 and 36 find life, so the deadline is 35 + 25 = 60.
        cold('11ms d 23ms d').subscribe(() => (target.lastActivity = testScheduler.now()));
        expectObservable(heartbeat(target, { ...fixed, heartbeatInterval: 1000 }, testScheduler), guard).toBe(
          '60ms (t|)',
          {
            t: timeout(25),
          },
        );
      });
    });

    it('should count inbound data as activity and stay alive with no pongs at all', () => {
      const target = fakeTarget(NEVER);
      testScheduler.run(({ cold, expectObservable }) => {
        // Data every 10 ms from 3 to 53; each ping is given up 25 ms on, but the link is alive until 53 + 25 = 78.
        cold('3ms d 9ms d 9ms d 9ms d 9ms d 9ms d').subscribe(() => (target.lastActivity = testScheduler.now()));
        expectObservable(heartbeat(target, fixed, testScheduler), guard).toBe('40ms l 9ms l 9ms l 9ms l 7ms (t|)', {
          l: lost(),
          t: timeout(25),
        });
      });
      expect(target.pingTimes).toEqual([10, 20, 30, 40, 50, 60, 70]);
    });

    it('should count pongs as activity while data is quiet', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        // Each ping answered after 2 ms until the one at 90; the timeout (15) is shorter than two intervals.
        const target = fakeTarget(cold('12ms a 9ms a 9ms a 9ms a 9ms a 9ms a 9ms a 9ms a 9ms a'));
        expectObservable(heartbeat(target, { ...fixed, heartbeatTimeout: 15 }, testScheduler), guard).toBe(
          '12ms a 9ms a 9ms a 9ms a 9ms a 9ms a 9ms a 9ms a 9ms a 14ms (t|)',
          { a: rtt(2), t: timeout(15, 15) },
        );
      });
    });

    it('should time out at lastActivityAt + the grown dynamic timeout', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        // RTT 8: SRTT 8, RTTVAR 4, so the timeout grows from 20 to 10 + 8 + 16 = 34; silence from 18 ends at 52.
        const target = fakeTarget(cold('18ms a'));
        const options: HeartbeatOptions = { ...fixed, heartbeatTimeout: 20, dynamicTimeout: true };
        expectObservable(heartbeat(target, options, testScheduler), guard).toBe('18ms r 33ms (t|)', {
          r: rtt(8, timingWith(10, 34)),
          t: timeout(34, 34),
        });
      });
    });

    it('should leave nothing scheduled once it has timed out', () => {
      let pending = { count: -1 };
      testScheduler.run(({ expectObservable }) => {
        const target = fakeTarget(NEVER);
        expectObservable(heartbeat(target, fixed, testScheduler)).toBe('25ms (t|)', { t: timeout(25) });
        pending = pendingActionsAt(26);
      });
      expect(pending.count).toBe(0);
    });
  });

  describe('a stalled process', () => {
    /** The test scheduler, with a clock that can jump ahead as a process stalled for `lag` ms sees it. */
    function laggy(): { scheduler: SchedulerLike; lag: (ms: number) => void } {
      let lag = 0;
      return {
        scheduler: {
          now: () => testScheduler.now() + lag,
          schedule: testScheduler.schedule.bind(testScheduler) as SchedulerLike['schedule'],
        },
        lag: (ms) => (lag += ms),
      };
    }

    it('should ping afresh and wait an interval before declaring a late-checked link dead', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const { scheduler, lag } = laggy();
        // The pong for the fresh ping (sent at the late look, frame 30) comes back at 32.
        const target = fakeTarget(cold('32ms p', { p: 1 }));
        target.pongs$ = target.pongs$.pipe(tap(() => (target.lastActivity = scheduler.now())));
        testScheduler.schedule(() => lag(40), 20);
        const options = { ...fixed, heartbeatInterval: 1000, heartbeatTimeout: 30 };
        expectObservable(heartbeat(target, options, scheduler), '^ 60ms !').toBe('32ms r', {
          r: { kind: 'rtt', rttMs: 2 },
        });
        testScheduler.schedule(() => expect(target.pingTimes).toEqual([30]), 59);
      });
    });

    it('should still time out one interval after the fresh ping when the link is really silent', () => {
      testScheduler.run(({ expectObservable }) => {
        const { scheduler, lag } = laggy();
        const target = fakeTarget(NEVER);
        testScheduler.schedule(() => lag(40), 20);
        const options = { ...fixed, heartbeatInterval: 10, heartbeatTimeout: 30, adaptiveHeartbeat: false };
        // The stall also makes the ping from 10 look lost at 20. The ping's tick at 20 runs "at 60": late,
        // so the ping it sends is the fresh one, and one more look an interval on, at 30 ("70"), is still silent.
        expectObservable(heartbeat(target, options, scheduler), guard).toBe('20ms l 9ms (t|)', {
          l: lost(),
          t: timeout(70, 30),
        });
      });
    });

    it('should not wait when the look is only a little late', () => {
      testScheduler.run(({ expectObservable }) => {
        const { scheduler, lag } = laggy();
        const target = fakeTarget(NEVER);
        testScheduler.schedule(() => lag(5), 20);
        const options = { ...fixed, heartbeatInterval: 1000, heartbeatTimeout: 30 };
        expectObservable(heartbeat(target, options, scheduler), guard).toBe('30ms (t|)', { t: timeout(35, 30) });
      });
    });
  });

  describe('adaptive interval', () => {
    // Stress: an RTT >= 16 or a lost ping halves the interval (floor 8); calm: an RTT < 8 relaxes it × 1.5.
    const adaptive: HeartbeatOptions = {
      heartbeatInterval: 32,
      heartbeatTimeout: 1000,
      adaptiveHeartbeat: true,
      dynamicTimeout: false,
      latencyWarning: 32,
    };

    it('should halve the ping spacing under stress, down to a quarter of the base', () => {
      const target = answering([17, 17, 17, 17, 17]);
      testScheduler.run(({ expectObservable }) => {
        // Every round trip is stressed (17 >= 16): 32 → 16 → 8, and never below 8.
        expectObservable(heartbeat(target, adaptive, testScheduler), '^ 125ms !').toBe(
          '49ms a 31ms b 15ms c 15ms d 7ms e',
          {
            a: rtt(17, timingWith(16)),
            b: rtt(17, timingWith(8)),
            c: rtt(17, timingWith(8)),
            d: rtt(17, timingWith(8)),
            e: rtt(17, timingWith(8)),
          },
        );
      });
      // A new interval applies from the ping scheduled after it.
      expect(gaps(target.pingTimes)).toEqual([32, 16, 16, 8, 8, 8]);
    });

    it('should relax the ping spacing back to the base when calm', () => {
      const target = answering([16, 17, 2, 1, 1, 1, 1]);
      testScheduler.run(({ expectObservable }) => {
        // Two stressed round trips (32 → 16 → 8), then calm ones (< 8) relax it × 1.5: 12, 18, 27, 32.
        expectObservable(heartbeat(target, adaptive, testScheduler), '^ 190ms !').toBe(
          '48ms a 32ms bc 14ms d 11ms e 17ms f 26ms g',
          {
            a: rtt(16, timingWith(16)),
            b: rtt(17, timingWith(8)),
            c: rtt(2, timingWith(12)),
            d: rtt(1, timingWith(18)),
            e: rtt(1, timingWith(27)),
            f: rtt(1, timingWith(32)),
            g: rtt(1, timingWith(32)),
          },
        );
      });
      expect(target.pingTimes).toEqual([32, 64, 80, 96, 108, 126, 153, 185]);
      expect(gaps(target.pingTimes)).toEqual([32, 16, 16, 12, 18, 27, 32]);
    });

    it('should shorten the ping spacing when poor$ turns true', () => {
      const answered = (): FakeTarget => fakeTarget(NEVER);
      const withPoor = answered();
      const without = answered();
      testScheduler.run(({ cold, hot }) => {
        // Every ping answered after 10 ms: neither stress nor calm, so only the quality moves the interval.
        for (const target of [withPoor, without]) {
          target.pongs$ = cold('42ms a 31ms a 15ms a 15ms a 15ms a').pipe(map(asPong));
        }
        const poor$ = hot('40ms t', { t: true });
        const a = heartbeat(withPoor, { ...adaptive, poor$ }, testScheduler).subscribe();
        const b = heartbeat(without, adaptive, testScheduler).subscribe();
        at(130, () => {
          a.unsubscribe();
          b.unsubscribe();
        });
      });
      expect(without.pingTimes).toEqual([32, 64, 96, 128]);
      expect(withPoor.pingTimes).toEqual([32, 64, 80, 96, 112, 128]);
      expect(gaps(withPoor.pingTimes)).toEqual([32, 16, 16, 16, 16]);
    });

    it('should never change the ping spacing when adaptiveHeartbeat is false', () => {
      const target = fakeTarget(NEVER);
      testScheduler.run(({ cold, hot, expectObservable }) => {
        // Stressed round trips (16, 48) and poor quality: all ignored for the spacing.
        target.pongs$ = cold('48ms a 31ms a 63ms a 31ms a').pipe(map(asPong));
        const poor$ = hot('10ms t', { t: true });
        const options: HeartbeatOptions = { ...adaptive, adaptiveHeartbeat: false, poor$ };
        expectObservable(heartbeat(target, options, testScheduler), '^ 169ms !').toBe('48ms a 31ms a 63ms b', {
          a: rtt(16, timingWith(32)),
          b: rtt(48, timingWith(32)),
        });
      });
      expect(target.pingTimes).toEqual([32, 64, 96, 128, 160]);
    });
  });

  describe('the RxJS checklist', () => {
    it('should time out when pongs$ never emits', () => {
      testScheduler.run(({ expectObservable }) => {
        const target = fakeTarget(NEVER);
        expectObservable(heartbeat(target, { ...fixed, heartbeatTimeout: 35 }, testScheduler), guard).toBe(
          '35ms (t|)',
          { t: timeout(35, 35) },
        );
      });
    });

    it('should keep pinging when pongs$ is empty', () => {
      const target = fakeTarget(EMPTY);
      testScheduler.run(({ expectObservable }) => {
        expectObservable(heartbeat(target, { ...fixed, heartbeatTimeout: 35 }, testScheduler), guard).toBe(
          '35ms (t|)',
          { t: timeout(35, 35) },
        );
      });
      expect(target.pingTimes).toEqual([10, 20, 30]);
    });

    it('should keep pinging after pongs$ completes', () => {
      const target = fakeTarget(NEVER);
      testScheduler.run(({ cold, expectObservable }) => {
        target.pongs$ = cold('12ms a|').pipe(
          map(asPong),
          tap(() => (target.lastActivity = testScheduler.now())),
        );
        expectObservable(heartbeat(target, { ...fixed, heartbeatTimeout: 35 }, testScheduler), guard).toBe(
          '12ms r 34ms (t|)',
          { r: rtt(2), t: timeout(35, 35) },
        );
      });
      expect(target.pingTimes).toEqual([10, 20, 30, 40]);
    });

    it('should error with the error of pongs$ and stop pinging', () => {
      const target = fakeTarget(NEVER);
      let pending = { count: -1 };
      testScheduler.run(({ cold, expectObservable }) => {
        target.pongs$ = cold('12ms #', undefined, new Error('pong stream broke'));
        expectObservable(heartbeat(target, fixed, testScheduler)).toBe(
          '12ms #',
          undefined,
          new Error('pong stream broke'),
        );
        pending = pendingActionsAt(13);
      });
      expect(pending.count).toBe(0);
      expect(target.pingTimes).toEqual([10]);
    });

    it('should error with the error of poor$', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const target = fakeTarget(NEVER);
        const poor$ = cold<boolean>('5ms #', undefined, new Error('quality stream broke'));
        expectObservable(heartbeat(target, { ...fixed, poor$ }, testScheduler), guard).toBe(
          '5ms #',
          undefined,
          new Error('quality stream broke'),
        );
      });
    });

    it('should stop pings and deadlines when the consumer unsubscribes early', () => {
      const target = fakeTarget(NEVER);
      let pending = { count: -1 };
      testScheduler.run(({ cold, expectObservable }) => {
        target.pongs$ = cold('12ms a').pipe(
          map(asPong),
          tap(() => (target.lastActivity = testScheduler.now())),
        );
        expectObservable(heartbeat(target, fixed, testScheduler), '^ 24ms !').toBe('12ms a', { a: rtt(2) });
        pending = pendingActionsAt(26);
      });
      expect(pending.count).toBe(0);
      expect(target.pingTimes).toEqual([10, 20]);
    });

    it('should error, and ping no more, when the target ping throws', () => {
      const target = fakeTarget(NEVER);
      target.ping = () => {
        target.pingTimes.push(testScheduler.now());
        throw new Error('socket gone');
      };
      let pending = { count: -1 };
      testScheduler.run(({ expectObservable }) => {
        expectObservable(heartbeat(target, fixed, testScheduler)).toBe('10ms #', undefined, new Error('socket gone'));
        pending = pendingActionsAt(11);
      });
      expect(pending.count).toBe(0);
      expect(target.pingTimes).toEqual([10]);
    });

    it('should error at the deadline check when the target lastActivityAt throws', () => {
      const target = fakeTarget(NEVER);
      target.lastActivityAt = () => {
        throw new Error('clock unavailable');
      };
      let pending = { count: -1 };
      testScheduler.run(({ expectObservable }) => {
        // Each ping's tick looks at the deadlines first: the first one, at 10, finds the clock broken, so no ping.
        expectObservable(heartbeat(target, fixed, testScheduler)).toBe(
          '10ms #',
          undefined,
          new Error('clock unavailable'),
        );
        pending = pendingActionsAt(26);
      });
      expect(pending.count).toBe(0);
      expect(target.pingTimes).toEqual([]);
    });

    it('should send no further ping once the consumer unsubscribes from inside a lost sample', () => {
      const target = fakeTarget(NEVER);
      testScheduler.run(({ cold, expectObservable }) => {
        // Data keeps it alive; the ping from 10 is given up when the one due at 40 would go.
        cold('5ms d 4ms d 4ms d 4ms d 4ms d 4ms d 4ms d 4ms d').subscribe(
          () => (target.lastActivity = testScheduler.now()),
        );
        const firstLost = heartbeat(target, fixed, testScheduler).pipe(take(1));
        expectObservable(firstLost, guard).toBe('40ms (l|)', { l: lost() });
      });
      expect(target.pingTimes).toEqual([10, 20, 30]);
    });

    it('should stop at once when the consumer unsubscribes on a lost sample found by a pong', () => {
      const target = answering([undefined, undefined, 5]);
      testScheduler.run(({ expectObservable }) => {
        // The pong at 35 answers the ping from 30: both older pings are lost, but the consumer takes one.
        const firstLost = heartbeat(target, { ...fixed, heartbeatTimeout: 1000 }, testScheduler).pipe(take(1));
        expectObservable(firstLost, guard).toBe('35ms (l|)', { l: lost() });
      });
      expect(target.pingTimes).toEqual([10, 20, 30]);
    });

    it('should keep state per subscription', () => {
      testScheduler.run(({ hot, expectObservable }) => {
        const target = fakeTarget(hot('12ms a 5ms b'));
        const heartbeat$ = heartbeat(target, { ...fixed, heartbeatTimeout: 1000 }, testScheduler);
        // The first subscriber pings at 10 and 20: the pong at 12 is its answer, the one at 18 finds nothing
        // in flight. The second pings at 15 and 25: the pong at 12 comes before its first ping, 18 answers it.
        expectObservable(heartbeat$, '^ 27ms !').toBe('12ms a', { a: rtt(2) });
        expectObservable(heartbeat$, '5ms ^ 22ms !').toBe('18ms b', { b: rtt(3) });
      });
    });
  });
});

function gaps(times: readonly number[]): number[] {
  return times.slice(1).map((time, i) => time - (times[i] as number));
}

import { NEVER, Observable, Unsubscribable, map, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  ConfigError,
  ConnectionQuality,
  ConnectionStatus,
  Deadman,
  DeadmanEvent,
  DeadmanState,
  deadman,
  tradeGate,
} from '../../src/index';
import { GateState } from '../../src/model/gateState';
import { configErrorOf } from '../support/configErrorOf';
import { goodQuality } from './fixtures';

const readiness = { t: true, f: false };
const gates: Record<string, GateState> = {
  o: { open: true, reason: 'healthy', since: 0 },
  s: { open: false, reason: 'settling', since: 0 },
  d: { open: false, reason: 'deadman', since: 0 },
  q: { open: false, reason: 'quality', since: 0 },
  r: { open: false, reason: 'Reconnecting', since: 0 },
};
const event = (type: DeadmanEvent['type'], fields: Partial<DeadmanEvent> = {}): DeadmanEvent =>
  expect.objectContaining({ type, ...fields }) as DeadmanEvent;

describe('deadman', () => {
  let testScheduler: TestScheduler;
  let running: Deadman[];

  /** Stops the switch at frame `at` (virtual time). */
  const stopAt = (dms: Unsubscribable, at: number): void => {
    testScheduler.schedule(() => dms.unsubscribe(), at);
  };
  /**
   * A switch on the test scheduler (every 10, failAfter 30), stopped at frame 200 at the latest: it
   * arms forever, and TestScheduler.run flushes until nothing is scheduled.
   */
  const start = (ready$: Observable<boolean>, arm: () => Observable<unknown>, options = {}): Deadman => {
    const started = deadman({ ready$ }, { every: 10, failAfter: 30, arm, scheduler: testScheduler, ...options });
    running.push(started);
    stopAt(started, 200);
    return started;
  };

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    running = [];
  });

  afterEach(() => running.forEach((each) => each.unsubscribe()));

  describe('alone (no gate follows it)', () => {
    it('should arm at once when the link is ready, then every `every` from each arm’s start', () => {
      testScheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const answer = cold('--a|');
        const dms = start(hot('t', readiness), () => answer);
        stopAt(dms, 35);
        expectObservable(dms.armed$).toBe('f-t 32ms (f|)', readiness);
        expectSubscriptions(answer.subscriptions).toBe(['^-!', '10ms ^-!', '20ms ^-!', '30ms ^-!']);
      });
    });

    it('should wait for the link to be ready, and stop re-arming the moment it is not, abandoning the arm in flight', () => {
      testScheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const answer = cold('------a|');
        const dms = start(hot('f 4ms t 14ms f', readiness), () => answer);
        expectObservable(dms.events$, '^ 40ms !').toBe('11ms A 8ms S', {
          A: event('deadmanArmed', { at: 11, severity: 1, failures: 0 }),
          S: event('deadmanStopped', {
            at: 20,
            reason: 'notReady',
            description:
              "dead-man's switch stopped re-arming: the link is not ready; the exchange cancels resting orders when its timer runs out unless it is armed again in time",
          }),
        });
        // Armed at 11 (an arm of 6 started at 5); the arm started at 15 is abandoned at 20.
        expectSubscriptions(answer.subscriptions).toBe(['5ms ^-----!', '15ms ^----!']);
      });
    });

    it('should stay armed for failAfter after it stops, then lapse quietly (severity 2): the exchange still holds the arm until then', () => {
      testScheduler.run(({ cold, hot, expectObservable }) => {
        const dms = start(hot('t 14ms f', readiness), () => cold('a|'));
        expectObservable(dms.armed$, '^ 60ms !').toBe('(ft) 36ms f', readiness);
        expectObservable(dms.events$, '^ 60ms !').toBe('A 14ms S 24ms L', {
          A: event('deadmanArmed'),
          S: event('deadmanStopped'),
          L: event('deadmanLapsed', { at: 40, severity: 2 }),
        });
      });
    });

    it('should count failed arms as events, keep armed until failAfter from the last success, then lapse (severity 4) and keep trying', () => {
      testScheduler.run(({ cold, hot, expectObservable }) => {
        const ok = cold('a|');
        const refused = cold('#', undefined, new Error('refused'));
        const dms = start(hot('t', readiness), () => (testScheduler.now() < 5 ? ok : refused), { failAfter: 25 });
        expectObservable(dms.armed$, '^ 45ms !').toBe('(ft) 21ms f', readiness);
        expectObservable(dms.events$, '^ 45ms !').toBe('A 9ms F 9ms G 4ms L 4ms H 9ms I', {
          A: event('deadmanArmed', { at: 0 }),
          F: event('deadmanArmFailed', {
            at: 10,
            severity: 3,
            failures: 1,
            errorMessage: 'refused',
            description: "dead-man's switch: arm failed (1 in a row): refused; still armed for 15ms",
          }),
          G: event('deadmanArmFailed', {
            at: 20,
            failures: 2,
            description: expect.stringContaining('still armed for 5ms'),
          }),
          L: event('deadmanLapsed', {
            at: 25,
            severity: 4,
            failures: 2,
            description:
              "dead-man's switch lapsed: no successful arm for 25ms (2 failed); it no longer protects resting orders, and trading stays paused until an arm succeeds",
          }),
          H: event('deadmanArmFailed', {
            at: 30,
            failures: 3,
            description: "dead-man's switch: arm failed (3 in a row): refused; not armed until an arm succeeds",
          }),
          I: event('deadmanArmFailed', { at: 40, failures: 4 }),
        });
      });
    });

    it('should count an arm() that throws as a failed arm, and go on', () => {
      testScheduler.run(({ hot, expectObservable }) => {
        const dms = start(hot('t', readiness), () => {
          throw new Error('no key');
        });
        expectObservable(dms.events$, '^ 25ms !').toBe('F 9ms G 9ms H', {
          F: event('deadmanArmFailed', { at: 0, failures: 1, errorMessage: 'no key' }),
          G: event('deadmanArmFailed', { at: 10, failures: 2 }),
          H: event('deadmanArmFailed', { at: 20, failures: 3 }),
        });
        expectObservable(dms.armed$, '^ 25ms !').toBe('f', readiness);
      });
    });

    it('should time out a hung arm (unsubscribing it), count it as failed, and start the next on time', () => {
      testScheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const hung = cold('-');
        const dms = start(hot('t', readiness), () => hung, { timeout: 4 });
        stopAt(dms, 18);
        expectObservable(dms.events$, '^ 16ms !').toBe('4ms F 9ms G', {
          F: event('deadmanArmFailed', { at: 4, errorMessage: 'no answer within 4ms' }),
          G: event('deadmanArmFailed', { at: 14, failures: 2 }),
        });
        expectSubscriptions(hung.subscriptions).toBe(['^---!', '10ms ^---!']);
      });
    });

    it('should start the next arm at once when a hung arm times out after a whole period (the default timeout)', () => {
      testScheduler.run(({ cold, hot, expectSubscriptions }) => {
        const hung = cold('-');
        const dms = start(hot('t', readiness), () => hung);
        stopAt(dms, 25);
        expectSubscriptions(hung.subscriptions).toBe(['^---------!', '10ms ^---------!', '20ms ^----!']);
      });
    });

    it('should count an Observable that completes without a value as armed, and take only the first value of one that goes on', () => {
      testScheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const chatty = cold('-a-b-c');
        const empty = start(hot('t', readiness), () => cold('-|'));
        const first = start(hot('t', readiness), () => chatty);
        expectObservable(empty.armed$, '^ 5ms !').toBe('ft', readiness);
        expectObservable(first.armed$, '^ 5ms !').toBe('ft', readiness);
        stopAt(first, 10);
        expectSubscriptions(chatty.subscriptions).toBe(['^!']);
      });
    });

    it('should run one loop however many subscribe to it', () => {
      testScheduler.run(({ cold, hot, expectSubscriptions }) => {
        const answer = cold('a|');
        const dms = start(hot('t', readiness), () => answer);
        const streams: Observable<unknown>[] = [dms.armed$, dms.state$, dms.events$, dms.armed$];
        const watchers = streams.map((each$) => each$.subscribe());
        stopAt(dms, 15);
        testScheduler.schedule(() => watchers.forEach((each) => each.unsubscribe()), 15);
        expectSubscriptions(answer.subscriptions).toBe(['(^!)', '10ms (^!)']);
      });
    });

    it('should disarm and complete when unsubscribed, and when the link’s ready$ completes', () => {
      testScheduler.run(({ cold, hot, expectObservable }) => {
        const stopped = start(hot('t', readiness), () => cold('a|'));
        stopAt(stopped, 12);
        expectObservable(stopped.armed$).toBe('(ft) 8ms (f|)', readiness);
        expectObservable(stopped.events$).toBe('A 11ms (S|)', {
          A: event('deadmanArmed'),
          S: event('deadmanStopped', {
            at: 12,
            reason: 'closed',
            description: expect.stringContaining('the switch was stopped'),
          }),
        });
        const closed = start(hot('t 7ms |', readiness), () => cold('a|'));
        expectObservable(closed.armed$).toBe('(ft) 4ms (f|)', readiness);
        // The state at each step: idle (i), arming (a), in flight (f), armed (r), ended (e).
        const phase = (state: DeadmanState): string =>
          state.ended ? 'e' : state.inFlight ? 'f' : state.armed ? 'r' : state.arming ? 'a' : 'i';
        expectObservable(closed.state$.pipe(map(phase))).toBe('(iafr) 2ms (e|)');
      });
    });
  });

  describe('following a gate', () => {
    it('should stop re-arming the moment the gate closes for another reason, and restart without a burst', () => {
      testScheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const answer = cold('----a|');
        const dms = start(hot('t', readiness), () => answer);
        dms.follow(hot('o 11ms q 3ms s', gates));
        // Open: arms at 0 and 10; closed (quality) at 12: the arm in flight is abandoned. Settling at 16:
        // the next arm waits for 20, a period after the last start, not 16.
        expectSubscriptions(answer.subscriptions).toBe(['^---!', '10ms ^-!', '20ms ^---!', '30ms ^---!']);
        expectObservable(dms.events$, '^ 35ms !').toBe('4ms A 7ms S', {
          A: event('deadmanArmed', { at: 4 }),
          S: event('deadmanStopped', {
            at: 12,
            reason: 'quality',
            description: expect.stringContaining('the trade gate closed (quality'),
          }),
        });
        stopAt(dms, 40);
      });
    });

    it('should keep arming while the gate is closed by the switch itself, or only settling', () => {
      testScheduler.run(({ cold, hot, expectSubscriptions }) => {
        const answer = cold('#', undefined, new Error('refused'));
        const dms = start(hot('t', readiness), () => answer);
        dms.follow(hot('d 14ms s', gates));
        stopAt(dms, 25);
        expectSubscriptions(answer.subscriptions).toBe(['(^!)', '10ms (^!)', '20ms (^!)']);
      });
    });

    it('should not arm while the link is not ready, even under a gate that stays open (closeOn a list)', () => {
      testScheduler.run(({ cold, hot, expectSubscriptions }) => {
        const answer = cold('a|');
        const dms = start(hot('t 4ms f 9ms t', readiness), () => answer);
        dms.follow(hot('o', gates));
        stopAt(dms, 20);
        expectSubscriptions(answer.subscriptions).toBe(['(^!)', '15ms (^!)']);
      });
    });

    it('should take a gate that ends, or stops being followed, as closed', () => {
      testScheduler.run(({ cold, hot, expectObservable }) => {
        const dms = start(hot('t', readiness), () => cold('a|'));
        dms.follow(hot('o 4ms |', gates));
        expectObservable(dms.events$, '^ 9ms !').toBe('A 4ms S', {
          A: event('deadmanArmed'),
          S: event('deadmanStopped', { at: 5, reason: 'closed' }),
        });
      });
    });

    it('should refuse a second gate while one follows it, and take another once the first has ended', () => {
      const dms = deadman({ ready$: NEVER }, { every: 10, arm: () => of(true) });
      running.push(dms);
      const first = dms.follow(NEVER);
      expect(configErrorOf(() => dms.follow(NEVER)).field).toBe('deadman');
      first.unsubscribe();
      expect(() => dms.follow(NEVER).unsubscribe()).not.toThrow();
    });
  });

  describe('with tradeGate(link, { deadman })', () => {
    const statuses = { k: ConnectionStatus.Connected, r: ConnectionStatus.Reconnecting };
    const qualities: Record<string, ConnectionQuality> = { g: goodQuality };

    it('should match the marble diagram in its doc comment: the gate opens once armed, closes when the switch lapses, and reopens once an arm succeeds', () => {
      testScheduler.run(({ cold, hot, expectObservable }) => {
        // Arms answer in 5; the exchange refuses those made from 30 to 70.
        const refusing = (): boolean => testScheduler.now() >= 30 && testScheduler.now() < 70;
        const link = { status$: hot('k', statuses), quality$: hot('g', qualities), ready$: hot('t', readiness) };
        const dms = start(link.ready$, () => (refusing() ? cold('-----#') : cold('-----a|')), { failAfter: 35 });
        const { gate$, riskEvents$ } = tradeGate(link, { settle: 5, deadman: dms }, testScheduler);
        expectObservable(gate$, '^ 90ms !').toBe('(cd) 1ms s 4ms o 49ms d 14ms s 4ms o', {
          c: { open: false, reason: 'Connecting', since: 0 },
          d: expect.objectContaining({ open: false, reason: 'deadman' }),
          s: expect.objectContaining({ open: false, reason: 'settling' }),
          o: expect.objectContaining({ open: true, reason: 'healthy' }),
        });
        expectObservable(dms.armed$, '^ 90ms !').toBe('f 4ms t 54ms f 14ms t', readiness);
        expectObservable(dms.events$, '^ 85ms !').toBe('5ms A 29ms F 9ms F 9ms F 4ms L 4ms F 9ms B', {
          A: event('deadmanArmed', { severity: 1 }),
          F: event('deadmanArmFailed'),
          L: event('deadmanLapsed', { at: 60, severity: 4, failures: 3 }),
          B: event('deadmanArmed', {
            at: 75,
            severity: 2,
            description: "dead-man's switch armed again after 4 failed arms",
          }),
        });
        expectObservable(riskEvents$, '^ 90ms !').toBe('60ms P 19ms R', {
          P: expect.objectContaining({
            type: 'tradingPaused',
            reason: 'deadman',
            description: "trading paused: the dead-man's switch is not armed",
          }),
          R: expect.objectContaining({
            type: 'tradingResumed',
            downtimeMs: 20,
            description:
              "trading resumed after 20ms: the link has been ready with good quality and the dead-man's switch armed for 5ms",
          }),
        });
        stopAt(dms, 95);
      });
    });

    it('should stop arming while the link reconnects, and settle at once when it is back while the switch still holds', () => {
      testScheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const answer = cold('a|');
        const link = {
          status$: hot('k 11ms r 3ms k', statuses),
          quality$: hot('g', qualities),
          ready$: hot('t 11ms f 3ms t', readiness),
        };
        const dms = start(link.ready$, () => answer);
        const { gate$ } = tradeGate(link, { settle: 5, deadman: dms }, testScheduler);
        expectObservable(gate$, '^ 30ms !').toBe('(cds) o 6ms r 3ms (ns) 1ms o', {
          c: expect.objectContaining({ reason: 'Connecting' }),
          n: expect.objectContaining({ reason: 'notReady' }),
          d: expect.objectContaining({ reason: 'deadman' }),
          s: expect.objectContaining({ reason: 'settling' }),
          o: expect.objectContaining({ open: true }),
          r: expect.objectContaining({ reason: 'Reconnecting' }),
        });
        // Arms at 0 and 10; none while Reconnecting (12 to 16); still armed when it is back, so it
        // settles at once, and arms again at 20, a period after the last start.
        expectSubscriptions(answer.subscriptions).toBe(['(^!)', '10ms (^!)', '20ms (^!)', '30ms (^!)']);
        stopAt(dms, 40);
      });
    });

    it('should close the gate for good when the switch is stopped', () => {
      testScheduler.run(({ cold, hot, expectObservable }) => {
        const link = { status$: hot('k', statuses), quality$: hot('g', qualities), ready$: hot('t', readiness) };
        const dms = start(link.ready$, () => cold('a|'));
        const { gate$ } = tradeGate(link, { settle: 0, deadman: dms }, testScheduler);
        stopAt(dms, 10);
        expectObservable(gate$, '^ 20ms !').toBe('(cdo) 5ms d', {
          c: expect.objectContaining({ reason: 'Connecting' }),
          d: expect.objectContaining({ reason: 'deadman' }),
          o: expect.objectContaining({ open: true }),
        });
      });
    });

    it('should refuse something that is not a switch', () => {
      const link = { status$: NEVER, quality$: NEVER };
      expect(configErrorOf(() => tradeGate(link, { deadman: {} as never })).field).toBe('deadman');
    });
  });

  describe('options', () => {
    const link = { ready$: NEVER };

    it('should refuse a missing or bad every, arm, failAfter, timeout or source with a ConfigError naming it', () => {
      const arm = (): Observable<unknown> => of(true);
      expect(configErrorOf(() => deadman(link, { arm } as never)).field).toBe('every');
      expect(configErrorOf(() => deadman(link, { every: 0, arm })).field).toBe('every');
      expect(configErrorOf(() => deadman(link, { every: '10s' } as never)).field).toBe('arm');
      expect(configErrorOf(() => deadman(link, { every: '10s', arm, failAfter: '10s' })).field).toBe('failAfter');
      expect(configErrorOf(() => deadman(link, { every: '10s', arm, failAfter: 'soon' })).field).toBe('failAfter');
      expect(configErrorOf(() => deadman(link, { every: '10s', arm, timeout: 0 })).field).toBe('timeout');
      expect(configErrorOf(() => deadman({} as never, { every: '10s', arm })).field).toBe('source');
      expect(configErrorOf(() => deadman(link, { every: '10s', arm, failAfter: '5s' })).message).toMatch(
        /longer than every \(10s\)/,
      );
      expect(() => deadman(link, null as never)).toThrow(ConfigError);
    });

    it('should default failAfter to three periods', () => {
      testScheduler.run(({ cold, hot, expectObservable }) => {
        const dms = deadman(
          { ready$: hot('t', readiness) },
          { every: 10, arm: () => (testScheduler.now() < 5 ? cold('a|') : cold('#')), scheduler: testScheduler },
        );
        running.push(dms);
        stopAt(dms, 50);
        expectObservable(dms.armed$, '^ 40ms !').toBe('(ft) 26ms f', readiness);
      });
    });
  });
});

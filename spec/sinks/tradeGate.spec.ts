import { BehaviorSubject, NEVER, SchedulerLike, Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ConfigError, ConnectionQuality, ConnectionStatus, connect } from '../../src/index';
import { GateState } from '../../src/model/gateState';
import { NetworkRiskEvent } from '../../src/sinks/NetworkRiskEvent';
import { tradeGate } from '../../src/sinks/tradeGate';
import { MarbleTransport } from '../../src/testing';
import { goodQuality, poorQuality, seedQuality } from './fixtures';

const statuses = {
  c: ConnectionStatus.Connecting,
  k: ConnectionStatus.Connected,
  u: ConnectionStatus.Unstable,
  d: ConnectionStatus.Disconnected,
  r: ConnectionStatus.Reconnecting,
  f: ConnectionStatus.Failed,
};
const qualities: Record<string, ConnectionQuality> = { g: goodQuality, p: poorQuality };
const closed = (reason: GateState['reason'], since: number): GateState => ({ open: false, reason, since });
const open = (since: number): GateState => ({ open: true, reason: 'healthy', since });

describe('tradeGate', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('should start closed and open once the link has been Connected and good for the settle time', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const { gate$ } = tradeGate(
        { status$: cold('c-k', statuses), quality$: cold('g', qualities) },
        { settle: 5 },
        testScheduler,
      );
      expectObservable(gate$, '^ 20ms !').toBe('a-b----c', {
        a: closed('Connecting', 0),
        b: closed('settling', 0),
        c: open(7),
      });
    });
  });

  it('should open at once with a settle time of 0', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const { gate$ } = tradeGate(
        { status$: cold('--k', statuses), quality$: cold('g', qualities) },
        { settle: 0 },
        testScheduler,
      );
      expectObservable(gate$, '^ 9ms !').toBe('a-b', { a: closed('Connecting', 0), b: open(2) });
    });
  });

  it('should match the marble diagram in its doc comment', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const { gate$, riskEvents$ } = tradeGate(
        { status$: cold('c-k-----d-r-k----------f--r--k---', statuses), quality$: cold('g', qualities) },
        { settle: 5 },
        testScheduler,
      );
      expectObservable(gate$, '^ 40ms !').toBe('c-s----od-r-s----o-----f--r--s----o', {
        c: closed('Connecting', 0),
        s: expect.objectContaining({ open: false, reason: 'settling' }),
        o: expect.objectContaining({ open: true }),
        d: closed('Disconnected', 8),
        r: expect.objectContaining({ open: false, reason: 'Reconnecting' }),
        f: closed('Failed', 23),
      });
      expectObservable(riskEvents$, '^ 40ms !').toBe('8ms P 8ms o 5ms P 10ms o', {
        P: expect.objectContaining({ type: 'tradingPaused' }),
        o: expect.objectContaining({ type: 'tradingResumed' }),
      });
    });
  });

  it('should open when the settle timer fires a millisecond before the clock says it is due, as real timers may', () => {
    let clock = 0;
    const due: Array<() => void> = [];
    const early = {
      now: () => clock,
      schedule: (work: () => void) => {
        due.push(work);
        return new Subscription();
      },
    } as unknown as SchedulerLike;
    const states: GateState[] = [];
    const { gate$ } = tradeGate(
      { status$: new BehaviorSubject(statuses.k), quality$: new BehaviorSubject(goodQuality) },
      { settle: 200 },
      early,
    );
    const subscription = gate$.subscribe((state) => states.push(state));
    clock = 199;
    due.shift()?.();
    subscription.unsubscribe();
    expect(states).toEqual([closed('Connecting', 0), closed('settling', 0), open(199)]);
  });

  describe('with the default closeOn (notReady)', () => {
    // The default changed on purpose (issues 10.6 and 13.3): the seed's gate stayed open through a drop
    // and a reconnect (see "with closeOn Failed" below); now any status but Connected closes it.
    it('should close when the link drops, stay closed while it reconnects, and reopen after the settle time', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const { gate$, riskEvents$ } = tradeGate(
          { status$: cold('k 9ms drk 5ms drf', statuses), quality$: cold('g', qualities) },
          { settle: 5 },
          testScheduler,
        );
        expectObservable(gate$, '^ 30ms !').toBe('(ab) 1ms c 4ms def 4ms ghij', {
          a: closed('Connecting', 0),
          b: closed('settling', 0),
          c: open(5),
          d: closed('Disconnected', 10),
          e: closed('Reconnecting', 10),
          f: closed('settling', 10),
          g: open(17),
          h: closed('Disconnected', 18),
          i: closed('Reconnecting', 18),
          j: closed('Failed', 18),
        });
        expectObservable(riskEvents$, '^ 30ms !').toBe('10ms p 6ms rq', {
          p: {
            type: 'tradingPaused',
            at: 10,
            severity: 4,
            reason: 'Disconnected',
            description: 'trading paused: the link is Disconnected',
          },
          r: expect.objectContaining({ type: 'tradingResumed', at: 17, downtimeMs: 7 }),
          q: expect.objectContaining({ type: 'tradingPaused', at: 18, reason: 'Disconnected' }),
        });
      });
    });

    it('should close when the link turns Unstable', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const { gate$ } = tradeGate(
          { status$: cold('k 9ms u 4ms k', statuses), quality$: cold('g', qualities) },
          { settle: 5 },
          testScheduler,
        );
        expectObservable(gate$, '^ 30ms !').toBe('(ab) 1ms c 4ms d 4ms e 4ms f', {
          a: closed('Connecting', 0),
          b: closed('settling', 0),
          c: open(5),
          d: closed('Unstable', 10),
          e: closed('settling', 10),
          f: open(20),
        });
      });
    });

    it('should close when the quality turns poor while Connected, and reopen once it is good for the settle time', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const { gate$, riskEvents$ } = tradeGate(
          { status$: cold('k', statuses), quality$: cold('g 9ms p 4ms g', qualities) },
          { settle: 5 },
          testScheduler,
        );
        expectObservable(gate$, '^ 30ms !').toBe('(ab) 1ms c 4ms d 4ms e 4ms f', {
          a: closed('Connecting', 0),
          b: closed('settling', 0),
          c: open(5),
          d: closed('quality', 10),
          e: closed('settling', 10),
          f: open(20),
        });
        expectObservable(riskEvents$, '^ 30ms !').toBe('10ms p 9ms r', {
          p: expect.objectContaining({ type: 'tradingPaused', reason: 'quality', at: 10 }),
          r: expect.objectContaining({ type: 'tradingResumed', at: 20, downtimeMs: 10 }),
        });
      });
    });

    it('should say notReady as an explicit closeOn too', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const { gate$ } = tradeGate(
          { status$: cold('k 9ms r', statuses), quality$: cold('g', qualities) },
          { closeOn: 'notReady', settle: 5 },
          testScheduler,
        );
        expectObservable(gate$, '^ 30ms !').toBe('(ab) 1ms c 4ms d', {
          a: closed('Connecting', 0),
          b: closed('settling', 0),
          c: open(5),
          d: closed('Reconnecting', 10),
        });
      });
    });
  });

  describe('with a source that has ready$', () => {
    const readiness = { t: true, f: false };

    it('should open on ready, not on open: Connected alone leaves it closed (notReady)', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const { gate$ } = tradeGate(
          {
            status$: cold('k', statuses),
            quality$: cold('g', qualities),
            ready$: cold('f 9ms t', readiness),
          },
          { settle: 5 },
          testScheduler,
        );
        expectObservable(gate$, '^ 30ms !').toBe('(ab) 6ms c 4ms d', {
          a: closed('Connecting', 0),
          b: closed('notReady', 0),
          c: closed('settling', 0),
          d: open(15),
        });
      });
    });

    it('should wait for the first ready value before it judges anything', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const { gate$ } = tradeGate(
          { status$: cold('k', statuses), quality$: cold('g', qualities), ready$: cold('5ms t', readiness) },
          { settle: 0 },
          testScheduler,
        );
        expectObservable(gate$, '^ 30ms !').toBe('a 4ms b', { a: closed('Connecting', 0), b: open(5) });
      });
    });

    it('should close with reason notReady when ready$ turns false while Connected, and say ready when it resumes', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const { gate$, riskEvents$ } = tradeGate(
          { status$: cold('k', statuses), quality$: cold('g', qualities), ready$: cold('t 9ms f 4ms t', readiness) },
          { settle: 5 },
          testScheduler,
        );
        expectObservable(gate$, '^ 30ms !').toBe('(ab) 1ms c 4ms d 4ms e 4ms f', {
          a: closed('Connecting', 0),
          b: closed('settling', 0),
          c: open(5),
          d: closed('notReady', 10),
          e: closed('settling', 10),
          f: open(20),
        });
        expectObservable(riskEvents$, '^ 30ms !').toBe('10ms p 9ms r', {
          p: {
            type: 'tradingPaused',
            at: 10,
            severity: 4,
            reason: 'notReady',
            description: 'trading paused: the link is up but not ready to trade on yet',
          },
          r: expect.objectContaining({
            type: 'tradingResumed',
            description: 'trading resumed after 10ms: the link has been ready with good quality for 5ms',
          }),
        });
      });
    });

    it('should close on a status but Connected even while ready$ says true', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const { gate$ } = tradeGate(
          { status$: cold('k 9ms u', statuses), quality$: cold('g', qualities), ready$: cold('t', readiness) },
          { settle: 5 },
          testScheduler,
        );
        expectObservable(gate$, '^ 30ms !').toBe('(ab) 1ms c 4ms d', {
          a: closed('Connecting', 0),
          b: closed('settling', 0),
          c: open(5),
          d: closed('Unstable', 10),
        });
      });
    });

    it('with closeOn Failed, should still open on ready but stay open when ready$ turns false', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const { gate$ } = tradeGate(
          {
            status$: cold('k 19ms f', statuses),
            quality$: cold('g', qualities),
            ready$: cold('f 4ms t 9ms f', readiness),
          },
          { closeOn: ['Failed'], settle: 5 },
          testScheduler,
        );
        expectObservable(gate$, '^ 30ms !').toBe('(ab) 1ms c 4ms d 9ms e', {
          a: closed('Connecting', 0),
          b: closed('notReady', 0),
          c: closed('settling', 0),
          d: open(10),
          e: closed('Failed', 20),
        });
      });
    });
  });

  describe('with a source that has state$ as well as ready$ (a Connection)', () => {
    const states = {
      f: { status: ConnectionStatus.Connected, ready: false },
      t: { status: ConnectionStatus.Connected, ready: true },
      u: { status: ConnectionStatus.Unstable, ready: false },
      x: { status: ConnectionStatus.Connected, ready: true, attempt: 3 },
    };

    it('should hear status and readiness from state$ alone, as it would from status$ and ready$', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const status$ = cold<ConnectionStatus>('k', statuses);
        const ready$ = cold<boolean>('t');
        const { gate$, riskEvents$ } = tradeGate(
          { status$, ready$, state$: cold('t 9ms f 4ms t 9ms u', states), quality$: cold('g', qualities) },
          { settle: 5 },
          testScheduler,
        );
        expectObservable(gate$, '^ 30ms !').toBe('(ab) 1ms c 4ms d 4ms e 4ms f 4ms g', {
          a: closed('Connecting', 0),
          b: closed('settling', 0),
          c: open(5),
          d: closed('notReady', 10),
          e: closed('settling', 10),
          f: open(20),
          g: closed('Unstable', 25),
        });
        expectObservable(riskEvents$, '^ 30ms !').toBe('10ms p 9ms r 4ms q', {
          p: expect.objectContaining({ type: 'tradingPaused', at: 10, reason: 'notReady' }),
          r: expect.objectContaining({ type: 'tradingResumed', at: 20, downtimeMs: 10 }),
          q: expect.objectContaining({ type: 'tradingPaused', at: 25, reason: 'Unstable' }),
        });
        expectSubscriptions(status$.subscriptions).toBe([]);
        expectSubscriptions(ready$.subscriptions).toBe([]);
      });
    });

    it('should gate a Connection: closed until it is ready and measured, open after settling, closed for good when closed', () => {
      const log: string[] = [];
      testScheduler.run(({ cold }) => {
        const transport = new MarbleTransport(testScheduler, [cold('-o', { o: MarbleTransport.OPEN })], {
          autoPongMs: 4,
        });
        const link = connect({
          url: 'ws://exchange.test',
          transport,
          scheduler: testScheduler,
          heartbeatInterval: 100,
        });
        const { gate$, riskEvents$ } = tradeGate(link, { settle: 300 }, testScheduler);
        gate$.subscribe({
          next: (state) =>
            log.push(`${testScheduler.now()} ${state.open ? 'open' : state.reason} since ${state.since}`),
          complete: () => log.push(`${testScheduler.now()} complete`),
        });
        riskEvents$.subscribe((risk) => log.push(`${testScheduler.now()} ${risk.type}`));
        testScheduler.schedule(() => void link.close(), 1000);
      });
      expect(log).toEqual([
        '0 Connecting since 0',
        '1 notReady since 0',
        '1 quality since 0',
        '5 settling since 0',
        '305 open since 305',
        '1000 Disconnected since 1000',
        '1000 tradingPaused',
        '1000 closed since 1000',
        '1000 complete',
      ]);
    });

    it('should not move on a state that changes neither status nor readiness', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const { gate$ } = tradeGate(
          { status$: NEVER, ready$: NEVER, state$: cold('t 6ms x', states), quality$: cold('g', qualities) },
          { settle: 5 },
          testScheduler,
        );
        expectObservable(gate$, '^ 30ms !').toBe('(ab) 1ms c', {
          a: closed('Connecting', 0),
          b: closed('settling', 0),
          c: open(5),
        });
      });
    });

    it('should close for good when state$ completes', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const { gate$ } = tradeGate(
          { status$: NEVER, ready$: NEVER, state$: cold('t 9ms |', states), quality$: cold('g', qualities) },
          { settle: 5 },
          testScheduler,
        );
        expectObservable(gate$).toBe('(ab) 1ms c 4ms (d|)', {
          a: closed('Connecting', 0),
          b: closed('settling', 0),
          c: open(5),
          d: closed('closed', 10),
        });
      });
    });
  });

  describe('with closeOn Failed (the seed’s "pause only on Failed")', () => {
    // Was the default until issues 10.6 and 13.3; the same assertions, now with closeOn given.
    it('should stay open while the link drops and reconnects, and close when it fails', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const { gate$, riskEvents$ } = tradeGate(
          { status$: cold('k 9ms drk 5ms drf', statuses), quality$: cold('g', qualities) },
          { closeOn: ['Failed'], settle: 5 },
          testScheduler,
        );
        expectObservable(gate$, '^ 30ms !').toBe('(ab) 1ms c 14ms d', {
          a: closed('Connecting', 0),
          b: closed('settling', 0),
          c: open(5),
          d: closed('Failed', 20),
        });
        expectObservable(riskEvents$, '^ 30ms !').toBe('20ms p', {
          p: {
            type: 'tradingPaused',
            at: 20,
            severity: 4,
            reason: 'Failed',
            description: 'trading paused: the link has Failed',
          },
        });
      });
    });

    it('should stay open while the quality dips', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const { gate$ } = tradeGate(
          { status$: cold('k', statuses), quality$: cold('g 9ms p 4ms g', qualities) },
          { closeOn: ['Failed'], settle: 5 },
          testScheduler,
        );
        expectObservable(gate$, '^ 30ms !').toBe('(ab) 1ms c', {
          a: closed('Connecting', 0),
          b: closed('settling', 0),
          c: open(5),
        });
      });
    });
  });

  describe('with closeOn Disconnected and Reconnecting', () => {
    it('should not reopen on a flapping link until it has stayed up for the settle time (hysteresis)', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const { gate$, riskEvents$ } = tradeGate(
          { status$: cold('k 9ms drk-drk-rk', statuses), quality$: cold('g', qualities) },
          { closeOn: ['Disconnected', 'Reconnecting'], settle: 5 },
          testScheduler,
        );
        expectObservable(gate$, '^ 30ms !').toBe('(ab) 1ms c 4ms def 1ms ghi 1ms jk 4ms l', {
          a: closed('Connecting', 0),
          b: closed('settling', 0),
          c: open(5),
          d: closed('Disconnected', 10),
          e: closed('Reconnecting', 10),
          f: closed('settling', 10),
          g: closed('Disconnected', 10),
          h: closed('Reconnecting', 10),
          i: closed('settling', 10),
          j: closed('Reconnecting', 10),
          k: closed('settling', 10),
          l: open(24),
        });
        expectObservable(riskEvents$, '^ 30ms !').toBe('10ms p 13ms r', {
          p: expect.objectContaining({ type: 'tradingPaused', at: 10, reason: 'Disconnected', severity: 4 }),
          r: {
            type: 'tradingResumed',
            at: 24,
            severity: 2,
            reason: 'healthy',
            downtimeMs: 14,
            description: 'trading resumed after 14ms: the link has been Connected with good quality for 5ms',
          },
        });
      });
    });
  });

  describe('with closeOn Unstable', () => {
    it('should close when the link turns Unstable and settle again once it is Connected', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const { gate$ } = tradeGate(
          { status$: cold('k 9ms u 4ms k', statuses), quality$: cold('g', qualities) },
          { closeOn: ['Unstable'], settle: 5 },
          testScheduler,
        );
        expectObservable(gate$, '^ 30ms !').toBe('(ab) 1ms c 4ms d 4ms e 4ms f', {
          a: closed('Connecting', 0),
          b: closed('settling', 0),
          c: open(5),
          d: closed('Unstable', 10),
          e: closed('settling', 10),
          f: open(20),
        });
      });
    });
  });

  it('should stay closed while Connected with poor quality and settle once it is good', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const { gate$ } = tradeGate(
        { status$: cold('k', statuses), quality$: cold('p 9ms g', qualities) },
        { settle: 5 },
        testScheduler,
      );
      expectObservable(gate$, '^ 30ms !').toBe('(ab) 6ms c 4ms d', {
        a: closed('Connecting', 0),
        b: closed('quality', 0),
        c: closed('settling', 0),
        d: open(15),
      });
    });
  });

  it('should restart the settle time when the quality dips while settling', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const { gate$ } = tradeGate(
        { status$: cold('k', statuses), quality$: cold('g---pg', qualities) },
        { settle: 5 },
        testScheduler,
      );
      expectObservable(gate$, '^ 30ms !').toBe('(ab)cd 4ms e', {
        a: closed('Connecting', 0),
        b: closed('settling', 0),
        c: closed('quality', 0),
        d: closed('settling', 0),
        e: open(10),
      });
    });
  });

  it('should take the quality threshold from the source config', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const { gate$ } = tradeGate(
        {
          status$: cold('k', statuses),
          quality$: cold('s', { s: seedQuality }),
          config: { qualityThreshold: 90, latencyWarning: 1000, errorRateWarning: 0.1 },
        },
        { settle: 5 },
        testScheduler,
      );
      expectObservable(gate$, '^ 30ms !').toBe('(ab)', { a: closed('Connecting', 0), b: closed('quality', 0) });
    });
  });

  it('should emit closed and complete when the status stream completes, pausing trading', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const { gate$, riskEvents$ } = tradeGate(
        { status$: cold('k 9ms |', statuses), quality$: cold('g', qualities) },
        { settle: 5 },
        testScheduler,
      );
      expectObservable(gate$).toBe('(ab) 1ms c 4ms (d|)', {
        a: closed('Connecting', 0),
        b: closed('settling', 0),
        c: open(5),
        d: closed('closed', 10),
      });
      expectObservable(riskEvents$).toBe('10ms (p|)', {
        p: expect.objectContaining({ type: 'tradingPaused', reason: 'closed' }),
      });
    });
  });

  it('should not open after completion even while settling', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const { gate$ } = tradeGate(
        { status$: cold('-k-|', statuses), quality$: cold('g', qualities) },
        { settle: 5 },
        testScheduler,
      );
      expectObservable(gate$).toBe('ab-(c|)', {
        a: closed('Connecting', 0),
        b: closed('settling', 0),
        c: closed('closed', 0),
      });
    });
  });

  it('should error when the status or the quality stream errors', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const failing = tradeGate(
        { status$: cold('-k#', statuses), quality$: cold('g', qualities) },
        { settle: 5 },
        testScheduler,
      );
      expectObservable(failing.gate$).toBe('ab#', { a: closed('Connecting', 0), b: closed('settling', 0) });
      const poorly = tradeGate(
        { status$: cold('-k', statuses), quality$: cold('g--#', qualities) },
        { settle: 5 },
        testScheduler,
      );
      expectObservable(poorly.gate$).toBe('ab-#', { a: closed('Connecting', 0), b: closed('settling', 0) });
    });
  });

  it('should be shared and replay the current state to a late subscriber', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const status$ = cold('k', statuses);
      const { gate$ } = tradeGate({ status$, quality$: cold('g', qualities) }, { settle: 5 }, testScheduler);
      expectObservable(gate$, '^ 20ms !').toBe('(ab) 1ms c', {
        a: closed('Connecting', 0),
        b: closed('settling', 0),
        c: open(5),
      });
      expectObservable(gate$, '7ms ^ 5ms !').toBe('7ms c', { c: open(5) });
      expectSubscriptions(status$.subscriptions).toBe('^ 20ms !');
    });
  });

  it('should replay its final state and complete to a subscriber that comes after the end', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const status$ = cold('k 4ms |', statuses);
      const { gate$, riskEvents$ } = tradeGate(
        { status$, quality$: cold('g', qualities) },
        { settle: 0 },
        testScheduler,
      );
      expectObservable(gate$).toBe('(ab) 1ms (c|)', { a: closed('Connecting', 0), b: open(0), c: closed('closed', 5) });
      expectObservable(gate$, '8ms ^').toBe('8ms (c|)', { c: closed('closed', 5) });
      expectObservable(riskEvents$, '8ms ^').toBe('8ms |');
      expectSubscriptions(status$.subscriptions).toBe('^ 4ms !');
    });
  });

  it('should start afresh for a subscriber that comes after an error', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const status$ = cold('-k#', statuses);
      const { gate$ } = tradeGate({ status$, quality$: cold('g', qualities) }, { settle: 5 }, testScheduler);
      expectObservable(gate$).toBe('ab#', { a: closed('Connecting', 0), b: closed('settling', 0) });
      expectObservable(gate$, '5ms ^').toBe('5ms ab#', { a: closed('Connecting', 5), b: closed('settling', 5) });
      expectSubscriptions(status$.subscriptions).toBe(['^-!', '5ms ^-!']);
    });
  });

  it('should let go of its source when the last subscriber leaves, and start afresh on the next', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const status$ = cold('k', statuses);
      const { gate$, riskEvents$ } = tradeGate(
        { status$, quality$: cold('g', qualities) },
        { settle: 5 },
        testScheduler,
      );
      expectObservable(gate$, '^ 3ms !').toBe('(ab)', { a: closed('Connecting', 0), b: closed('settling', 0) });
      expectObservable(riskEvents$, '2ms ^ 3ms !').toBe('');
      expectObservable(gate$, '10ms ^ 9ms !').toBe('10ms (ab) 1ms c', {
        a: closed('Connecting', 10),
        b: closed('settling', 10),
        c: open(15),
      });
      expectSubscriptions(status$.subscriptions).toBe(['^ 5ms !', '10ms ^ 9ms !']);
    });
  });

  it('should run when only the risk events are subscribed', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const { riskEvents$ } = tradeGate(
        { status$: cold('k 9ms f', statuses), quality$: cold('g', qualities) },
        { settle: 5 },
        testScheduler,
      );
      expectObservable(riskEvents$, '^ 20ms !').toBe('10ms p', {
        p: expect.objectContaining({ type: 'tradingPaused', reason: 'Failed', at: 10 }),
      });
    });
  });

  describe('hooks', () => {
    it('should call onOpen before the gate opens and onClose after it closes, once however many subscribe', () => {
      const log: string[] = [];
      const risks: Array<NetworkRiskEvent | undefined> = [];
      testScheduler.run(({ cold }) => {
        const { gate$ } = tradeGate(
          { status$: cold('k 9ms f 4ms k', statuses), quality$: cold('g', qualities) },
          {
            settle: 5,
            onOpen: (state, risk) => {
              log.push(`onOpen ${state.open} at ${testScheduler.now()}`);
              risks.push(risk);
            },
            onClose: (state, risk) => {
              log.push(`onClose ${state.reason} at ${testScheduler.now()}`);
              risks.push(risk);
            },
          },
          testScheduler,
        );
        const subscription = new Subscription();
        subscription.add(gate$.subscribe((state) => log.push(`gate ${state.open ? 'open' : state.reason}`)));
        subscription.add(gate$.subscribe());
        testScheduler.schedule(() => subscription.unsubscribe(), 30);
      });
      expect(log).toEqual([
        'gate Connecting',
        'gate settling',
        'onOpen true at 5',
        'gate open',
        'gate Failed',
        'onClose Failed at 10',
        'gate settling',
        'onOpen true at 20',
        'gate open',
      ]);
      expect(risks).toEqual([
        undefined,
        expect.objectContaining({ type: 'tradingPaused', at: 10 }),
        expect.objectContaining({ type: 'tradingResumed', at: 20, downtimeMs: 10 }),
      ]);
    });

    it('should fail closed when onOpen throws: stay closed, raise hookFailed, go on, and try again after settle', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        let calls = 0;
        const { gate$, riskEvents$ } = tradeGate(
          { status$: cold('k', statuses), quality$: cold('g', qualities) },
          {
            settle: 5,
            onOpen: () => {
              calls++;
              if (calls === 1) throw new Error('cannot arm the dead-man switch');
            },
          },
          testScheduler,
        );
        expectObservable(gate$, '^ 20ms !').toBe('(ab) 1ms c 4ms d', {
          a: closed('Connecting', 0),
          b: closed('settling', 0),
          c: closed('hook', 0),
          d: open(10),
        });
        expectObservable(riskEvents$, '^ 20ms !').toBe('5ms h', {
          h: {
            type: 'hookFailed',
            at: 5,
            severity: 4,
            reason: 'hook',
            description:
              'onOpen hook threw: Error: cannot arm the dead-man switch; the gate stays closed and tries again in 5ms',
            errorMessage: 'Error: cannot arm the dead-man switch',
          },
        });
      });
    });

    it('should keep the gate closed while onOpen keeps throwing, and follow the link meanwhile', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const { gate$, riskEvents$ } = tradeGate(
          { status$: cold('k 11ms f', statuses), quality$: cold('g', qualities) },
          {
            settle: 5,
            onOpen: (_state, risk) => {
              // The README's old example: `risk` is undefined on the first opening.
              void (risk as NetworkRiskEvent).description;
            },
          },
          testScheduler,
        );
        expectObservable(gate$, '^ 30ms !').toBe('(ab) 1ms c 6ms d', {
          a: closed('Connecting', 0),
          b: closed('settling', 0),
          c: closed('hook', 0),
          d: closed('Failed', 0),
        });
        expectObservable(riskEvents$, '^ 30ms !').toBe('5ms a 4ms b', {
          a: expect.objectContaining({ type: 'hookFailed', at: 5, reason: 'hook' }),
          b: expect.objectContaining({ type: 'hookFailed', at: 10, reason: 'hook' }),
        });
      });
    });

    it('should retry a throwing onOpen after 1 s when the settle time is 0', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        let calls = 0;
        const { gate$ } = tradeGate(
          { status$: cold('k', statuses), quality$: cold('g', qualities) },
          {
            settle: 0,
            onOpen: () => {
              if (++calls === 1) throw new Error('not yet');
            },
          },
          testScheduler,
        );
        expectObservable(gate$, '^ 2s !').toBe('(ab) 996ms c', {
          a: closed('Connecting', 0),
          b: closed('hook', 0),
          c: open(1000),
        });
      });
    });

    it('should stay closed and raise hookFailed when onClose throws, and reopen when the link is back', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const { gate$, riskEvents$ } = tradeGate(
          { status$: cold('k 9ms f 4ms k', statuses), quality$: cold('g', qualities) },
          {
            settle: 5,
            onClose: () => {
              throw new Error('cancel-all failed');
            },
          },
          testScheduler,
        );
        expectObservable(gate$, '^ 30ms !').toBe('(ab) 1ms c 4ms d 4ms e 4ms f', {
          a: closed('Connecting', 0),
          b: closed('settling', 0),
          c: open(5),
          d: closed('Failed', 10),
          e: closed('settling', 10),
          f: open(20),
        });
        expectObservable(riskEvents$, '^ 30ms !').toBe('10ms (ph) 6ms r', {
          p: expect.objectContaining({ type: 'tradingPaused', at: 10 }),
          h: expect.objectContaining({
            type: 'hookFailed',
            at: 10,
            severity: 4,
            reason: 'Failed',
            description: 'onClose hook threw: Error: cancel-all failed; the gate is closed',
          }),
          r: expect.objectContaining({ type: 'tradingResumed', at: 20 }),
        });
      });
    });
  });

  describe('config', () => {
    const source = { status$: NEVER, quality$: NEVER };

    it('should reject Connected or an unknown status in closeOn with a ConfigError naming the statuses allowed', () => {
      expect(() => tradeGate(source, { closeOn: ['Connected'] as never })).toThrow(ConfigError);
      expect(() => tradeGate(source, { closeOn: ['Down' as never] })).toThrow(
        /closeOn.*"Down".*Unstable, Disconnected, Connecting, Reconnecting, Failed/,
      );
    });

    it('should reject a settle time that is not a duration', () => {
      expect(() => tradeGate(source, { settle: 'soon' })).toThrow(/Invalid settle: "soon"/);
      expect(() => tradeGate(source, { settle: -1 })).toThrow(ConfigError);
    });

    it('should reject hooks that are not functions', () => {
      expect(() => tradeGate(source, { onOpen: 'x' as never })).toThrow(/onOpen/);
    });
  });
});

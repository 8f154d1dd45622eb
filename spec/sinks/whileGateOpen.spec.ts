import { NEVER } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { SendError } from '../../src/index';
import { GateClosedError } from '../../src/sinks/GateClosedError';
import { GateState } from '../../src/model/gateState';
import { whileGateOpen } from '../../src/sinks/whileGateOpen';

const gates: Record<string, GateState> = {
  c: { open: false, reason: 'Failed', since: 0 },
  o: { open: true, reason: 'healthy', since: 4 },
  s: { open: false, reason: 'settling', since: 0 },
};

describe('whileGateOpen', () => {
  let testScheduler: TestScheduler;
  let rejected: Array<[string, GateClosedError, number]>;
  const onRejected = (order: string, error: GateClosedError): void => {
    rejected.push([order, error, testScheduler.now()]);
  };

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    rejected = [];
  });

  it('should pass orders while the gate is open and reject each one while it is closed, at once', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const gate$ = hot('c---o--------c-----', gates);
      const orders = hot('-a----b--c----d--e-');
      const subs = '^------------------!';
      expectObservable(orders.pipe(whileGateOpen(gate$, onRejected)), subs).toBe('------b--c---------');
      expectSubscriptions(orders.subscriptions).toBe(subs);
      expectSubscriptions(gate$.subscriptions).toBe(subs);
    });
    expect(rejected.map(([order, error, at]) => [order, error.gate.reason, at])).toEqual([
      ['a', 'Failed', 1],
      ['d', 'Failed', 14],
      ['e', 'Failed', 17],
    ]);
  });

  it('should reject with a GateClosedError, a SendError with reason gate that says why', () => {
    testScheduler.run(({ hot, cold, expectObservable }) => {
      expectObservable(cold('-a|').pipe(whileGateOpen(hot('s', gates), onRejected))).toBe('--|');
    });
    const [, error] = rejected[0] as [string, GateClosedError, number];
    expect(error).toBeInstanceOf(GateClosedError);
    expect(error).toBeInstanceOf(SendError);
    expect(error.reason).toBe('gate');
    expect(error.code).toBe('LIFELINE_SEND');
    expect(error.gate).toEqual(gates.s);
    expect(error.message).toBe(
      'trade gate closed (settling: the link is back; waiting out the settle time); order rejected, not sent',
    );
  });

  it('should never send a rejected order late when the gate opens', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const gate$ = hot('c-----o---', gates);
      const orders = hot('-ab-------');
      expectObservable(orders.pipe(whileGateOpen(gate$, onRejected)), '^ 9ms !').toBe('----------');
    });
    expect(rejected.map(([order]) => order)).toEqual(['a', 'b']);
  });

  it('should reject orders before the gate has reported, with reason unknown', () => {
    testScheduler.run(({ hot, cold, expectObservable }) => {
      expectObservable(cold('a-b|').pipe(whileGateOpen(hot('-o', gates), onRejected))).toBe('--b|');
    });
    expect(rejected.map(([order, error]) => [order, error.gate.reason])).toEqual([['a', 'unknown']]);
  });

  it('should fail closed once the gate completes, with reason closed', () => {
    testScheduler.run(({ hot, cold, expectObservable }) => {
      expectObservable(cold('-a-b|').pipe(whileGateOpen(hot('o-|', gates), onRejected))).toBe('-a--|');
    });
    expect(rejected.map(([order, error]) => [order, error.gate.reason])).toEqual([['b', 'closed']]);
  });

  it('should error when the gate errors', () => {
    testScheduler.run(({ hot, cold, expectObservable }) => {
      expectObservable(cold('-a-b').pipe(whileGateOpen(hot('o-#', gates), onRejected))).toBe('-a#');
    });
  });

  it('should error when onRejected throws', () => {
    testScheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const orders = cold('-a-b');
      const thrower = (): void => {
        throw new Error('strategy bug');
      };
      expectObservable(orders.pipe(whileGateOpen(hot('c', gates), thrower))).toBe(
        '-#',
        undefined,
        new Error('strategy bug'),
      );
      expectSubscriptions(orders.subscriptions).toBe('^!');
    });
  });

  describe('the RxJS checklist', () => {
    it('should never emit for a source that never emits', () => {
      testScheduler.run(({ hot, cold, expectObservable }) => {
        expectObservable(cold('-').pipe(whileGateOpen(hot('o', gates), onRejected)), '^ 9ms !').toBe('-');
      });
    });

    it('should complete with an empty source', () => {
      testScheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
        const gate$ = hot('o', gates);
        expectObservable(cold('|').pipe(whileGateOpen(gate$, onRejected))).toBe('|');
        expectSubscriptions(gate$.subscriptions).toBe('(^!)');
      });
    });

    it('should pass values then complete', () => {
      testScheduler.run(({ hot, cold, expectObservable }) => {
        expectObservable(cold('-a-b-|').pipe(whileGateOpen(hot('o', gates), onRejected))).toBe('-a-b-|');
      });
    });

    it('should pass the source error on', () => {
      testScheduler.run(({ hot, cold, expectObservable }) => {
        expectObservable(cold('-a-#').pipe(whileGateOpen(hot('o', gates), onRejected))).toBe('-a-#');
      });
    });

    it('should unsubscribe from the orders and the gate on early unsubscribe', () => {
      testScheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
        const orders = cold('-a-b-c-d|');
        const gate$ = hot('o', gates);
        expectObservable(orders.pipe(whileGateOpen(gate$, onRejected)), '^--!').toBe('-a-');
        expectSubscriptions(orders.subscriptions).toBe('^--!');
        expectSubscriptions(gate$.subscriptions).toBe('^--!');
      });
    });
  });

  it('should insist on an onRejected callback', () => {
    expect(() => whileGateOpen(NEVER, undefined as never)).toThrow(/onRejected/);
  });
});

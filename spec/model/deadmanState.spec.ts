import fc from 'fast-check';
import {
  DeadmanInput,
  DeadmanRules,
  DeadmanState,
  gateLetsArm,
  initialDeadmanState,
  nextDeadmanState,
} from '../../src/model/deadmanState';
import { GateReason } from '../../src/model/gateState';

/** An input without its time. */
type Step = { [K in DeadmanInput['type']]: Omit<Extract<DeadmanInput, { type: K }>, 'at'> }[DeadmanInput['type']];

const rules: DeadmanRules = { everyMs: 10, failAfterMs: 30 };

/** Folds the inputs from the initial state. */
function fold(...inputs: DeadmanInput[]): DeadmanState {
  return inputs.reduce((state, input) => nextDeadmanState(state, input, rules), initialDeadmanState);
}

const ready = (value: boolean, at: number): DeadmanInput => ({ type: 'ready', ready: value, at });
const gate = (open: boolean, reason: GateReason, at: number): DeadmanInput => ({
  type: 'gate',
  gate: { open, reason },
  at,
});
const unfollowed = (at: number): DeadmanInput => ({ type: 'gate', gate: undefined, at });
const due = (at: number): DeadmanInput => ({ type: 'due', at });
const armed = (at: number): DeadmanInput => ({ type: 'armed', at });
const failed = (at: number, error = 'refused'): DeadmanInput => ({ type: 'armFailed', error, at });
const lapse = (at: number): DeadmanInput => ({ type: 'lapse', at });

describe('nextDeadmanState', () => {
  it('should start neither armed nor arming', () => {
    expect(initialDeadmanState).toEqual({
      armed: false,
      arming: false,
      ready: false,
      inFlight: false,
      failures: 0,
      ended: false,
    });
  });

  it('should arm at once when the link is ready and no gate follows it', () => {
    expect(fold(ready(true, 5))).toMatchObject({ arming: true, nextArmAt: 5, inFlight: false });
  });

  it('should start an arm when it is due, and count a success as armed for failAfter', () => {
    const started = fold(ready(true, 0), due(0));
    expect(started).toMatchObject({ inFlight: true, lastStartAt: 0, nextArmAt: undefined });
    expect(nextDeadmanState(started, armed(4), rules)).toMatchObject({
      armed: true,
      inFlight: false,
      lastArmedAt: 4,
      armedUntil: 34,
      nextArmAt: 10,
      failures: 0,
    });
  });

  it('should keep the cadence from the start of each arm, and start the next at once when an arm took longer', () => {
    expect(fold(ready(true, 0), due(0), armed(3), due(10), armed(12))).toMatchObject({ nextArmAt: 20 });
    expect(fold(ready(true, 0), due(0), failed(14))).toMatchObject({ nextArmAt: 14, failures: 1 });
  });

  it('should count failures since the last success, keep the latest error, and clear both on a success', () => {
    const failing = fold(ready(true, 0), due(0), armed(1), due(10), failed(11, 'a'), due(20), failed(21, 'b'));
    expect(failing).toMatchObject({ armed: true, failures: 2, lastError: 'b', armedUntil: 31 });
    const back = nextDeadmanState(nextDeadmanState(failing, due(30), rules), armed(30), rules);
    expect(back).toMatchObject({ armed: true, failures: 0, armedUntil: 60 });
    expect(back.lastError).toBeUndefined();
  });

  it('should stop counting as armed when failAfter passes without a success, and keep arming', () => {
    const lapsed = fold(ready(true, 0), due(0), armed(0), due(10), failed(11), due(20), failed(21), lapse(30));
    expect(lapsed).toMatchObject({ armed: false, arming: true, armedUntil: undefined, failures: 2 });
    expect(nextDeadmanState(lapsed, lapse(31), rules)).toBe(lapsed);
  });

  it('should ignore an answer when no arm is in flight', () => {
    const idle = fold(ready(true, 0));
    expect(nextDeadmanState(idle, armed(1), rules)).toBe(idle);
    expect(nextDeadmanState(idle, failed(1), rules)).toBe(idle);
  });

  it('should ignore a due timer while an arm is in flight or while not arming', () => {
    const inFlight = fold(ready(true, 0), due(0));
    expect(nextDeadmanState(inFlight, due(1), rules)).toBe(inFlight);
    expect(nextDeadmanState(initialDeadmanState, due(1), rules)).toBe(initialDeadmanState);
  });

  it('should return the state itself for a fact that changes nothing', () => {
    const state = fold(ready(true, 0), gate(true, 'healthy', 0));
    expect(nextDeadmanState(state, ready(true, 1), rules)).toBe(state);
    expect(nextDeadmanState(state, gate(true, 'healthy', 1), rules)).toBe(state);
  });

  describe('following a gate', () => {
    it('should arm while the gate is open, settling, closed by the switch, or retrying a throwing onOpen', () => {
      for (const [open, reason] of [
        [true, 'healthy'],
        [false, 'settling'],
        [false, 'deadman'],
        [false, 'hook'],
      ] as const) {
        expect(fold(ready(true, 0), gate(open, reason, 0)).arming).toBe(true);
      }
    });

    it('should stop the moment the gate closes for anything else, abandoning the arm in flight', () => {
      const inFlight = fold(ready(true, 0), gate(true, 'healthy', 0), due(0));
      for (const reason of ['quality', 'notReady', 'Disconnected', 'Failed', 'closed', 'Connecting'] as const) {
        expect(nextDeadmanState(inFlight, gate(false, reason, 3), rules)).toMatchObject({
          arming: false,
          inFlight: false,
          nextArmAt: undefined,
        });
      }
    });

    it('should stop when the link is not ready, even under a gate that stays open (closeOn a list)', () => {
      expect(fold(ready(true, 0), gate(true, 'healthy', 0), ready(false, 4))).toMatchObject({ arming: false });
    });

    it('should stay armed after it stops, until failAfter from the last success: the exchange still holds the arm', () => {
      const stopped = fold(ready(true, 0), gate(true, 'healthy', 0), due(0), armed(2), gate(false, 'quality', 5));
      expect(stopped).toMatchObject({ armed: true, arming: false, armedUntil: 32 });
      expect(nextDeadmanState(stopped, lapse(32), rules)).toMatchObject({ armed: false, arming: false });
    });

    it('should restart after a pause at once when a period has passed since the last start, else when it has', () => {
      const paused = fold(ready(true, 0), gate(true, 'healthy', 0), due(0), armed(1), gate(false, 'quality', 3));
      expect(nextDeadmanState(paused, gate(false, 'settling', 4), rules)).toMatchObject({
        arming: true,
        nextArmAt: 10,
      });
      expect(nextDeadmanState(paused, gate(false, 'deadman', 40), rules)).toMatchObject({
        arming: true,
        nextArmAt: 40,
      });
    });

    it('should go back to arming on readiness alone when the gate stops following', () => {
      const closed = fold(ready(true, 0), gate(false, 'quality', 0));
      expect(closed.arming).toBe(false);
      expect(nextDeadmanState(closed, unfollowed(1), rules)).toMatchObject({ arming: true, gate: undefined });
    });
  });

  it('should end disarmed, and hear nothing after', () => {
    const ended = fold(ready(true, 0), due(0), armed(0), { type: 'end', at: 5 });
    expect(ended).toMatchObject({ ended: true, armed: false, arming: false, inFlight: false, armedUntil: undefined });
    expect(nextDeadmanState(ended, ready(true, 6), rules)).toBe(ended);
    expect(nextDeadmanState(ended, due(6), rules)).toBe(ended);
  });

  it('gateLetsArm should say which gates let the switch arm', () => {
    expect(gateLetsArm(undefined)).toBe(true);
    expect(gateLetsArm({ open: true, reason: 'healthy' })).toBe(true);
    expect(gateLetsArm({ open: false, reason: 'deadman' })).toBe(true);
    expect(gateLetsArm({ open: false, reason: 'quality' })).toBe(false);
  });

  describe('for any sequence of inputs', () => {
    const input = fc.oneof(
      fc.boolean().map((value): Step => ({ type: 'ready', ready: value })),
      fc
        .constantFrom<GateReason>('healthy', 'settling', 'deadman', 'quality', 'Disconnected', 'hook')
        .map((reason): Step => ({ type: 'gate', gate: { open: reason === 'healthy', reason } })),
      fc.constantFrom<Step>({ type: 'due' }, { type: 'armed' }, { type: 'armFailed', error: 'x' }, { type: 'lapse' }),
    );
    const runs = fc.array(fc.tuple(input, fc.integer({ min: 0, max: 15 })), { maxLength: 60 });

    it('should arm only while the link is ready and the gate lets it, never start two arms, never burst, and hold an arm for failAfter from its success', () => {
      fc.assert(
        fc.property(runs, (steps) => {
          let state = initialDeadmanState;
          let now = 0;
          for (const [partial, gap] of steps) {
            now += gap;
            const before = state;
            state = nextDeadmanState(state, { ...partial, at: now } as DeadmanInput, rules);
            expect(state.arming).toBe(state.ready && gateLetsArm(state.gate));
            if (state.inFlight) expect(state.arming).toBe(true);
            if (state.arming && !state.inFlight) expect(state.nextArmAt).toBeDefined();
            if (!state.arming) expect(state.nextArmAt).toBeUndefined();
            if (before.inFlight && state.inFlight) expect(state.lastStartAt).toBe(before.lastStartAt);
            if (state.armed) expect(state.armedUntil).toBe((state.lastArmedAt as number) + rules.failAfterMs);
            if (state.nextArmAt !== undefined && before.lastStartAt !== undefined) {
              expect(state.nextArmAt).toBeGreaterThanOrEqual(before.lastStartAt + rules.everyMs);
            }
          }
        }),
      );
    });
  });
});

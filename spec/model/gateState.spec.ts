import fc from 'fast-check';
import { ConnectionStatus as S } from '../../src/model/ConnectionStatus';
import { GateInput, GateModel, GateRules, initialGateModel, nextGateState } from '../../src/model/gateState';

const notReady: GateRules = { closeOn: 'notReady', settleMs: 5, hookRetryMs: 5, readiness: false };
const seed: GateRules = { ...notReady, closeOn: ['Failed'] };
const withReady: GateRules = { ...notReady, readiness: true };
const guarded: GateRules = { ...notReady, deadman: true };

/** Folds the inputs from the initial model at 0. */
function fold(rules: GateRules, ...inputs: GateInput[]): GateModel {
  return inputs.reduce((model, input) => nextGateState(model, input, rules), initialGateModel(0));
}

const status = (value: S, at: number): GateInput => ({ type: 'status', status: value, at });
const quality = (good: boolean, at: number): GateInput => ({ type: 'quality', good, at });
const ready = (value: boolean, at: number): GateInput => ({ type: 'ready', ready: value, at });
const wake = (at: number): GateInput => ({ type: 'wake', at });
const armed = (value: boolean, at: number): GateInput => ({ type: 'deadman', armed: value, at });

describe('nextGateState', () => {
  it('should start closed (Connecting) and judge nothing before it has heard the status and the quality', () => {
    expect(initialGateModel(3).gate).toEqual({ open: false, reason: 'Connecting', since: 3 });
    expect(fold(notReady, status(S.Connected, 1)).gate.reason).toBe('Connecting');
    expect(fold(notReady, status(S.Connected, 1)).wakeAt).toBeUndefined();
  });

  it('should settle once fit, and open on the wake at the end of the settle time', () => {
    const settling = fold(notReady, quality(true, 0), status(S.Connected, 2));
    expect(settling).toMatchObject({ gate: { open: false, reason: 'settling', since: 0 }, wakeAt: 7 });
    expect(nextGateState(settling, wake(7), notReady).gate).toEqual({ open: true, reason: 'healthy', since: 7 });
    // A real timer may fire a millisecond before the wall clock says it is due: the wake still counts.
    expect(nextGateState(settling, wake(6), notReady).gate).toEqual({ open: true, reason: 'healthy', since: 6 });
    // A wake the gate did not ask for changes nothing.
    const waiting = initialGateModel(0);
    expect(nextGateState(waiting, wake(6), notReady)).toBe(waiting);
  });

  it('should open at once with a settle time of 0', () => {
    const rules = { ...notReady, settleMs: 0 };
    expect(fold(rules, quality(true, 0), status(S.Connected, 2)).gate).toEqual({
      open: true,
      reason: 'healthy',
      since: 2,
    });
  });

  it('should return the model itself for an input that changes nothing', () => {
    const model = fold(notReady, quality(true, 0), status(S.Connected, 2));
    expect(nextGateState(model, status(S.Connected, 3), notReady)).toBe(model);
    expect(nextGateState(model, quality(true, 3), notReady)).toBe(model);
    expect(nextGateState(model, ready(false, 3), notReady)).toBe(model); // readiness off: ignored
  });

  it('should close an open gate on any unfit fact by default, and record the pause', () => {
    const open = fold(notReady, quality(true, 0), status(S.Connected, 0), wake(5));
    expect(nextGateState(open, status(S.Reconnecting, 9), notReady)).toMatchObject({
      gate: { open: false, reason: 'Reconnecting', since: 9 },
      pausedAt: 9,
      closedSince: 9,
    });
    expect(nextGateState(open, quality(false, 9), notReady).gate).toEqual({ open: false, reason: 'quality', since: 9 });
  });

  it('with closeOn a list, should close an open gate only on those statuses and Failed', () => {
    const rules: GateRules = { ...seed, closeOn: ['Unstable'] };
    const open = fold(rules, quality(true, 0), status(S.Connected, 0), wake(5));
    expect(nextGateState(open, status(S.Reconnecting, 9), rules)).toMatchObject({ gate: { open: true } });
    expect(nextGateState(open, quality(false, 9), rules)).toMatchObject({ gate: { open: true } });
    expect(nextGateState(open, status(S.Unstable, 9), rules).gate).toEqual({
      open: false,
      reason: 'Unstable',
      since: 9,
    });
    expect(nextGateState(open, status(S.Failed, 9), rules).gate).toEqual({ open: false, reason: 'Failed', since: 9 });
  });

  it('with readiness, should wait for ready, say notReady, and close on ready false by default', () => {
    const waiting = fold(withReady, quality(true, 0), status(S.Connected, 0));
    expect(waiting.gate.reason).toBe('Connecting');
    const notYet = nextGateState(waiting, ready(false, 1), withReady);
    expect(notYet.gate).toEqual({ open: false, reason: 'notReady', since: 0 });
    const open = [ready(true, 2), wake(7)].reduce((model, input) => nextGateState(model, input, withReady), notYet);
    expect(open.gate).toEqual({ open: true, reason: 'healthy', since: 7 });
    expect(nextGateState(open, ready(false, 9), withReady).gate).toEqual({ open: false, reason: 'notReady', since: 9 });
  });

  describe('with a dead-man’s switch', () => {
    it('should wait for the switch before it judges anything, then say deadman while it is not armed', () => {
      const waiting = fold(guarded, quality(true, 0), status(S.Connected, 0));
      expect(waiting.gate.reason).toBe('Connecting');
      const unarmed = nextGateState(waiting, armed(false, 1), guarded);
      expect(unarmed.gate).toEqual({ open: false, reason: 'deadman', since: 0 });
      expect(unarmed.wakeAt).toBeUndefined();
      const settling = nextGateState(unarmed, armed(true, 2), guarded);
      expect(settling).toMatchObject({ gate: { open: false, reason: 'settling' }, wakeAt: 7 });
      expect(nextGateState(settling, wake(7), guarded).gate).toEqual({ open: true, reason: 'healthy', since: 7 });
    });

    it('should say the link’s own reason before the switch’s: the switch only arms once nothing else blocks', () => {
      const model = fold(guarded, armed(false, 0), quality(false, 0), status(S.Connected, 0));
      expect(model.gate.reason).toBe('quality');
      expect(nextGateState(model, quality(true, 1), guarded).gate.reason).toBe('deadman');
    });

    it('should close an open gate when the switch lapses, whatever closeOn says, and record the pause', () => {
      for (const rules of [guarded, { ...guarded, closeOn: ['Failed'] } as GateRules]) {
        const open = fold(rules, armed(true, 0), quality(true, 0), status(S.Connected, 0), wake(5));
        expect(open.gate.open).toBe(true);
        expect(nextGateState(open, armed(false, 9), rules)).toMatchObject({
          gate: { open: false, reason: 'deadman', since: 9 },
          pausedAt: 9,
        });
      }
    });

    it('should stop the settle wait when the switch lapses meanwhile', () => {
      const settling = fold(guarded, armed(true, 0), quality(true, 0), status(S.Connected, 0));
      expect(nextGateState(settling, armed(false, 3), guarded)).toMatchObject({
        gate: { reason: 'deadman' },
        wakeAt: undefined,
      });
    });

    it('should ignore the switch without the deadman rule', () => {
      const model = fold(notReady, quality(true, 0), status(S.Connected, 0));
      expect(nextGateState(model, armed(false, 1), notReady)).toBe(model);
    });
  });

  it('should undo an opening whose onOpen threw: closed (hook) since the last close, and wake after the retry wait', () => {
    const open = fold(notReady, quality(true, 0), status(S.Connected, 0), wake(5));
    expect(nextGateState(open, { type: 'onOpenFailed', at: 5 }, notReady)).toMatchObject({
      gate: { open: false, reason: 'hook', since: 0 },
      wakeAt: 10,
    });
  });

  it('should stop the settle wait when the link turns unfit, and start it afresh', () => {
    const settling = fold(notReady, quality(true, 0), status(S.Connected, 0));
    const dipped = nextGateState(settling, quality(false, 3), notReady);
    expect(dipped).toMatchObject({ gate: { reason: 'quality' }, wakeAt: undefined });
    expect(nextGateState(dipped, quality(true, 4), notReady).wakeAt).toBe(9);
  });

  it('should close for good at the end', () => {
    const open = fold(notReady, quality(true, 0), status(S.Connected, 0), wake(5));
    const ended = nextGateState(open, { type: 'end', at: 8 }, notReady);
    expect(ended).toMatchObject({ gate: { open: false, reason: 'closed', since: 8 }, ended: true, pausedAt: 8 });
    expect(nextGateState(ended, status(S.Connected, 9), notReady)).toBe(ended);
  });

  describe('properties', () => {
    const fact = fc.oneof(
      fc.constantFrom(...Object.values(S)).map((value) => ({ kind: 'status' as const, value })),
      fc.boolean().map((value) => ({ kind: 'quality' as const, value })),
      fc.boolean().map((value) => ({ kind: 'ready' as const, value })),
      fc.boolean().map((value) => ({ kind: 'armed' as const, value })),
    );
    const steps = fc.array(fc.record({ dt: fc.integer({ min: 0, max: 8 }), fact }), { maxLength: 60 });
    const rulesArb = fc.record({
      closeOn: fc.constantFrom<GateRules['closeOn']>('notReady', ['Failed'], ['Disconnected', 'Unstable']),
      settleMs: fc.integer({ min: 0, max: 10 }),
      hookRetryMs: fc.integer({ min: 1, max: 10 }),
      readiness: fc.boolean(),
      deadman: fc.boolean(),
    });

    it('should open only after the link has been fit for the settle time, by default stay open only while fit, and never while its switch is unarmed', () => {
      fc.assert(
        fc.property(rulesArb, steps, (rules, list) => {
          let model = initialGateModel(0);
          let at = 0;
          const facts: { status?: S; good?: boolean; ready?: boolean; armed?: boolean } = {};
          let fitSince: number | undefined;
          const fitNow = (): boolean =>
            facts.status === S.Connected &&
            facts.good === true &&
            (!rules.readiness || facts.ready === true) &&
            (!rules.deadman || facts.armed === true);
          const apply = (input: GateInput): void => {
            const before = model;
            model = nextGateState(model, input, rules);
            if (!before.gate.open && model.gate.open) {
              expect(fitNow()).toBe(true);
              expect(input.at - (fitSince as number)).toBeGreaterThanOrEqual(rules.settleMs);
            }
            if (rules.closeOn === 'notReady' && model.gate.open) expect(fitNow()).toBe(true);
            if (rules.deadman && model.gate.open) expect(facts.armed).toBe(true);
          };
          for (const { dt, fact: f } of list) {
            const next = at + dt;
            // The stream delivers the wake the model asked for before any later input.
            while (model.wakeAt !== undefined && model.wakeAt <= next) apply(wake(model.wakeAt));
            at = next;
            if (f.kind === 'status') facts.status = f.value;
            else if (f.kind === 'quality') facts.good = f.value;
            else if (f.kind === 'ready') facts.ready = f.value;
            else facts.armed = f.value;
            const wasFit = fitSince !== undefined;
            if (!fitNow()) fitSince = undefined;
            else if (!wasFit) fitSince = at;
            apply(
              f.kind === 'status'
                ? status(f.value, at)
                : f.kind === 'quality'
                  ? quality(f.value, at)
                  : f.kind === 'ready'
                    ? ready(f.value, at)
                    : armed(f.value, at),
            );
          }
        }),
      );
    });
  });
});

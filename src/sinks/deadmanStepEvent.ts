import { DeadmanInput, DeadmanRules, DeadmanState } from '../model/deadmanState';
import { GateReason } from '../model/gateState';
import { DeadmanEvent } from './DeadmanEvent';
import { compactDuration } from './compactDuration';
import { gateReasonText } from './describeGate';

const CANCELS = 'the exchange cancels resting orders when its timer runs out';

/**
 * The event one step of the dead-man's switch raises: armed (again), an arm that failed, the switch
 * lapsing, or its stopping; none for any other step (a routine re-arm included: one every `every`
 * would drown the log).
 *
 * @example
 * deadmanStepEvent(armedState, lapsedState, { type: 'lapse', at: 30_000 }, { everyMs: 10_000, failAfterMs: 30_000 });
 * // { type: 'deadmanLapsed', at: 30000, severity: 4, failures: 2, description: "dead-man's switch lapsed: no successful arm for 30s (2 failed) …" }
 *
 * @param before The switch before the step.
 * @param after The switch after it.
 * @param input The step.
 * @param rules `failAfter`, for the descriptions.
 * @returns The event, or undefined.
 */
export function deadmanStepEvent(
  before: DeadmanState,
  after: DeadmanState,
  input: DeadmanInput,
  rules: DeadmanRules,
): DeadmanEvent | undefined {
  const { at } = input;
  const { failures } = after;
  if (input.type === 'armFailed' && after.failures > before.failures) {
    const outlook =
      after.armed && after.armedUntil !== undefined
        ? `still armed for ${compactDuration(after.armedUntil - at, 'en')}`
        : 'not armed until an arm succeeds';
    return {
      type: 'deadmanArmFailed',
      at,
      severity: 3,
      failures,
      errorMessage: input.error,
      description: `dead-man's switch: arm failed (${failures} in a row): ${input.error}; ${outlook}`,
    };
  }
  if (!before.armed && after.armed) {
    const again = before.lastArmedAt !== undefined || before.failures > 0;
    const after_ = before.failures > 0 ? ` after ${before.failures} failed arm${before.failures === 1 ? '' : 's'}` : '';
    return {
      type: 'deadmanArmed',
      at,
      severity: again ? 2 : 1,
      failures,
      description: again ? `dead-man's switch armed again${after_}` : "dead-man's switch armed",
    };
  }
  if (input.type === 'lapse' && before.armed && !after.armed) {
    const span = compactDuration(rules.failAfterMs, 'en');
    if (after.arming) {
      return {
        type: 'deadmanLapsed',
        at,
        severity: 4,
        failures,
        description: `dead-man's switch lapsed: no successful arm for ${span} (${failures} failed); it no longer protects resting orders, and trading stays paused until an arm succeeds`,
      };
    }
    return {
      type: 'deadmanLapsed',
      at,
      severity: 2,
      failures,
      description: `dead-man's switch lapsed: not re-armed for ${span} since it stopped; ${CANCELS}`,
    };
  }
  if (before.arming && !after.arming) {
    const reason: GateReason = after.ended ? 'closed' : !after.ready ? 'notReady' : (after.gate?.reason ?? 'unknown');
    const why = after.ended
      ? 'the switch was stopped'
      : !after.ready
        ? 'the link is not ready'
        : `the trade gate closed (${reason}: ${gateReasonText(reason, 'en')})`;
    return {
      type: 'deadmanStopped',
      at,
      severity: 2,
      failures,
      reason,
      description: `dead-man's switch stopped re-arming: ${why}; ${CANCELS} unless it is armed again in time`,
    };
  }
  return undefined;
}

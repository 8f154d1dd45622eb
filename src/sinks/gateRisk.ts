import { GateModel } from '../model/gateState';
import { NetworkRiskEvent } from './NetworkRiskEvent';
import { compactDuration } from './compactDuration';
import { gateReasonText } from './describeGate';

/**
 * The risk event a transition of the gate raises: `tradingPaused` when an open gate closes,
 * `tradingResumed` (with the downtime) when a paused gate opens again; none for any other step,
 * the first opening included.
 *
 * @example
 * gateRisk(openModel, closedByFailedModel, { settleMs: 5000, readiness: false });
 * // { type: 'tradingPaused', at: 20, severity: 4, reason: 'Failed', description: 'trading paused: the link has Failed' }
 *
 * @param before The gate before the step.
 * @param after The gate after it.
 * @param rules The settle time, whether readiness counts and whether a dead-man's switch guards the
 *   gate, for the resume event's description.
 * @returns The risk event, or undefined.
 */
export function gateRisk(
  before: GateModel,
  after: GateModel,
  rules: { readonly settleMs: number; readonly readiness: boolean; readonly deadman?: boolean },
): NetworkRiskEvent | undefined {
  const { gate } = after;
  if (before.gate.open && !gate.open) {
    return {
      type: 'tradingPaused',
      at: gate.since,
      severity: 4,
      reason: gate.reason,
      description: `trading paused: ${gateReasonText(gate.reason, 'en')}`,
    };
  }
  if (before.gate.open || !gate.open || before.pausedAt === undefined) return undefined;
  const downtimeMs = gate.since - before.pausedAt;
  const fit = rules.readiness ? 'ready' : 'Connected';
  const guarded = rules.deadman === true ? " and the dead-man's switch armed" : '';
  return {
    type: 'tradingResumed',
    at: gate.since,
    severity: 2,
    reason: 'healthy',
    description: `trading resumed after ${compactDuration(downtimeMs, 'en')}: the link has been ${fit} with good quality${guarded} for ${compactDuration(rules.settleMs, 'en')}`,
    downtimeMs,
  };
}

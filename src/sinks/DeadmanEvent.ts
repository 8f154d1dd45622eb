import { Severity } from '../model/ConnectionEventType';
import { GateReason } from '../model/gateState';

/**
 * Something the dead-man's switch did, on the connection events' severity scale, for the same
 * audience (`logSink(merge(link.events$, gate.riskEvents$, switch.events$), logger)`).
 *
 * - `deadmanArmed` (1; 2 when armed again after it lapsed or failed): an arm succeeded and the switch
 *   counts as armed again.
 * - `deadmanArmFailed` (3): an arm rejected, threw or timed out; `failures` counts them since the last success.
 * - `deadmanLapsed` (4 while it was still trying; 2 after it had stopped): no successful arm for
 *   `failAfter`: the switch no longer protects resting orders, and the gate it guards closes.
 * - `deadmanStopped` (2): it stopped re-arming, because the gate closed for another reason, the link is
 *   not ready, or the switch was stopped: the exchange cancels resting orders when its timer runs out.
 */
export interface DeadmanEvent {
  readonly type: 'deadmanArmed' | 'deadmanArmFailed' | 'deadmanLapsed' | 'deadmanStopped';
  /** Scheduler time, ms. */
  readonly at: number;
  readonly severity: Severity;
  readonly description: string;
  /** Failed arms since the last success. */
  readonly failures: number;
  /** Arm failed: what the arm threw, rejected with, or that it timed out. */
  readonly errorMessage?: string;
  /** Stopped: the reason of the gate that stopped it (`notReady` when the link is not ready, `closed` when the switch was stopped). */
  readonly reason?: GateReason;
}

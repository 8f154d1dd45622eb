import { Severity } from '../model/ConnectionEventType';
import { GateReason } from '../model/gateState';

/**
 * A network risk event (seed: "记录网络风险事件"): trading was paused because the link failed, or
 * resumed once it proved healthy again; or a gate hook (`onOpen`, `onClose`) threw, so the gate
 * failed closed.
 */
export interface NetworkRiskEvent {
  readonly type: 'tradingPaused' | 'tradingResumed' | 'hookFailed';
  /** Scheduler time, ms. */
  readonly at: number;
  /**
   * `tradingPaused` and `hookFailed` 4 (critical, as ErrorOccurred), `tradingResumed` 2 (notice), on
   * the connection events' scale.
   */
  readonly severity: Severity;
  /** Paused: what closed the gate. Resumed: `healthy`. Hook failed: the gate's reason after it. */
  readonly reason: GateReason;
  readonly description: string;
  /** Resumed: how long trading was paused, ms. */
  readonly downtimeMs?: number;
  /** Hook failed: what the hook threw, as text. */
  readonly errorMessage?: string;
}

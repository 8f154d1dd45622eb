import { Severity } from '../model/ConnectionEventType';
import { ConnectionStatus } from '../model/ConnectionStatus';

/**
 * Why the trade gate is as it is.
 *
 * - `healthy`: open; the link has been Connected with good quality for the settle time.
 * - `settling`: closed; Connected and good, waiting out the settle time (hysteresis).
 * - `quality`: closed; Connected, but the quality score is under the threshold.
 * - a status (`Connecting`, `Disconnected`, `Reconnecting`, `Unstable`, `Failed`): closed; the link is in it.
 * - `hook`: closed; the `onOpen` hook threw (fail closed); it tries again after the settle time.
 * - `closed`: closed; the source ended (the application closed the link). Final.
 * - `unknown`: closed; the gate has not reported yet (only seen by `whileGateOpen` on a silent gate).
 */
export type GateReason =
  'healthy' | 'settling' | 'quality' | Exclude<ConnectionStatus, 'Connected'> | 'hook' | 'closed' | 'unknown';

/** The trade gate: may orders go out now? */
export interface GateState {
  readonly open: boolean;
  readonly reason: GateReason;
  /** When the gate last opened or closed (scheduler time, ms); a change of reason alone keeps it. */
  readonly since: number;
}

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

import { isObservable } from 'rxjs';
import { ConfigError } from '../model/ConfigError';
import { ConnectionStatus, connectionStatuses } from '../model/ConnectionStatus';
import { QualityThresholds } from '../model/ConnectionQuality';
import { ClosingStatus, GateRules, GateState } from '../model/gateState';
import { Duration, parseDuration } from '../model/parseDuration';
import { NetworkRiskEvent } from './NetworkRiskEvent';
import type { Deadman } from './deadman';

/** When the trade gate closes and reopens, and the hooks it calls as it does. */
export interface TradeGateConfig {
  /**
   * What closes an open gate.
   *
   * - `'notReady'` (the default): whatever keeps it from opening. Any status but Connected, the
   *   source's `ready$` false (reason `notReady`: a `Connection` whose handshake, acknowledged
   *   subscriptions or resync hook are pending after a reconnect, or whose outbound path is
   *   unconfirmed), or quality under the threshold. Orders never go out on a link that is down.
   * - a list of statuses: only those close an open gate, and `Failed` always does. `['Failed']` is
   *   the seed's "pause trading while the connection has failed": an open gate rides out a reconnect
   *   or a quality dip. Add `Disconnected`, `Reconnecting`, `Unstable` (or `Connecting`) to close sooner.
   *
   * Either way a closed gate opens only once the link is Connected (and ready, with `ready$`) with
   * good quality for `settle`. Defaults to `'notReady'`.
   */
  readonly closeOn?: 'notReady' | readonly ClosingStatus[];
  /**
   * How long the link must stay Connected (and ready) with good quality before a closed gate opens:
   * the hysteresis that keeps a flapping link from toggling trading. `0` opens at once. Defaults to `'5s'`.
   */
  readonly settle?: Duration;
  /** The quality threshold for "good" (`isGood`). Defaults to the source's `config`, else `defaultQualityThresholds`. */
  readonly thresholds?: QualityThresholds;
  /**
   * Called synchronously when the gate opens, before the open state is emitted: arm the exchange's
   * cancel-all-after dead-man's switch, resume quoting. `risk` is the resume event, absent on the
   * first opening. If it throws, the gate fails closed: it stays closed (reason `'hook'`), a
   * `hookFailed` risk event (severity 4) carries the error, and it tries to open again after the
   * settle time (1 s when `settle` is 0). `gate$` goes on.
   */
  readonly onOpen?: (state: GateState, risk: NetworkRiskEvent | undefined) => void;
  /**
   * Called synchronously when an open gate closes, after the closed state is emitted: cancel resting
   * orders now. If it throws, the gate stays closed and a `hookFailed` risk event (severity 4)
   * carries the error; `gate$` goes on.
   */
  readonly onClose?: (state: GateState, risk: NetworkRiskEvent) => void;
  /**
   * A dead-man's switch (`deadman(link, { every, arm })`) that guards the gate: the gate opens only
   * while the switch is armed (reason `deadman` while it is not), and closes when it lapses, whatever
   * `closeOn` says; the switch in turn follows the gate, arming only while it is open, settling or closed
   * by the switch, so it stops re-arming the moment the gate closes for anything else. Optional.
   */
  readonly deadman?: Pick<Deadman, 'armed$' | 'follow'>;
}

/** A `TradeGateConfig` checked, with its defaults: the reducer's rules (but `readiness`) and the hooks. */
export interface ResolvedTradeGateConfig {
  readonly rules: Omit<GateRules, 'readiness'>;
  readonly thresholds?: QualityThresholds;
  readonly onOpen?: TradeGateConfig['onOpen'];
  readonly onClose?: TradeGateConfig['onClose'];
  readonly deadman?: TradeGateConfig['deadman'];
}

const CLOSABLE = connectionStatuses.filter((status): status is ClosingStatus => status !== ConnectionStatus.Connected);
/** How long a gate whose `onOpen` threw waits before it tries again when `settle` is 0. */
const HOOK_RETRY_MS = 1000;

/**
 * Checks a `TradeGateConfig` and applies its defaults, starting nothing: what `tradeGate` runs with,
 * and what the CLI checks its `--close-on` and `--settle` with.
 *
 * @example
 * resolveTradeGateConfig({ closeOn: ['Failed'], settle: '2s' }).rules;
 * // { closeOn: ['Failed'], settleMs: 2000, hookRetryMs: 2000 }
 *
 * @param config The gate's options.
 * @returns The rules for `nextGateState` (without `readiness`, which comes from the source) and the hooks.
 * @throws ConfigError naming the first bad option.
 */
export function resolveTradeGateConfig(config: TradeGateConfig = {}): ResolvedTradeGateConfig {
  const { closeOn = 'notReady', settle = '5s', thresholds, onOpen, onClose, deadman } = config;
  if (
    closeOn !== 'notReady' &&
    (!Array.isArray(closeOn) || !closeOn.every((status: ClosingStatus) => CLOSABLE.includes(status)))
  ) {
    throw new ConfigError('closeOn', closeOn, `'notReady', or a list of statuses from ${CLOSABLE.join(', ')}`);
  }
  const settleMs = parseDuration(settle, 'settle');
  if (onOpen !== undefined && typeof onOpen !== 'function') throw new ConfigError('onOpen', onOpen, 'a function');
  if (onClose !== undefined && typeof onClose !== 'function') throw new ConfigError('onClose', onClose, 'a function');
  if (
    deadman !== undefined &&
    (typeof deadman !== 'object' ||
      deadman === null ||
      !isObservable(deadman.armed$) ||
      typeof deadman.follow !== 'function')
  ) {
    throw new ConfigError('deadman', deadman, "a dead-man's switch, as deadman(link, { every, arm }) returns");
  }
  return {
    rules: { closeOn, settleMs, hookRetryMs: settleMs > 0 ? settleMs : HOOK_RETRY_MS },
    ...(thresholds !== undefined ? { thresholds } : {}),
    ...(onOpen !== undefined ? { onOpen } : {}),
    ...(onClose !== undefined ? { onClose } : {}),
    ...(deadman !== undefined ? { deadman } : {}),
  };
}

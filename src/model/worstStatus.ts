import { ConnectionStatus } from './ConnectionStatus';

/**
 * The statuses from worst to best, as a pool (or any group of links) ranks them:
 * Failed > Disconnected > Reconnecting > Connecting > Unstable > Connected.
 *
 * Failed is worst: nothing will happen without a recovery probe or `reconnect()`. Disconnected is
 * a link that was just lost. Reconnecting and Connecting are attempts under way (a reconnect has
 * already lost a link; a first connect has not had one yet). Unstable is up but poor; Connected is
 * the only healthy one.
 */
export const statusesWorstFirst: readonly ConnectionStatus[] = [
  ConnectionStatus.Failed,
  ConnectionStatus.Disconnected,
  ConnectionStatus.Reconnecting,
  ConnectionStatus.Connecting,
  ConnectionStatus.Unstable,
  ConnectionStatus.Connected,
];

/**
 * The worst of several statuses (see `statusesWorstFirst`); `Connected` for an empty list.
 *
 * @example
 * worstStatus(['Connected', 'Reconnecting', 'Unstable']); // 'Reconnecting'
 */
export function worstStatus(statuses: Iterable<ConnectionStatus>): ConnectionStatus {
  let worst = statusesWorstFirst.length - 1;
  for (const status of statuses) {
    const rank = statusesWorstFirst.indexOf(status);
    if (rank >= 0 && rank < worst) worst = rank;
  }
  return statusesWorstFirst[worst] as ConnectionStatus;
}

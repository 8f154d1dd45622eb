/**
 * The six states of a managed connection.
 *
 * | status       | zh         | healthy | needs reconnect | connecting |
 * |--------------|------------|---------|-----------------|------------|
 * | Connected    | 已连接     | yes     | no              | no         |
 * | Unstable     | 连接不稳定 | no      | yes             | no         |
 * | Disconnected | 已断开     | no      | yes             | no         |
 * | Connecting   | 连接中     | no      | no              | yes        |
 * | Reconnecting | 重连中     | no      | no              | yes        |
 * | Failed       | 连接失败   | no      | yes             | no         |
 */
export const ConnectionStatus = {
  Connected: 'Connected',
  Unstable: 'Unstable',
  Disconnected: 'Disconnected',
  Connecting: 'Connecting',
  Reconnecting: 'Reconnecting',
  Failed: 'Failed',
} as const;

export type ConnectionStatus = (typeof ConnectionStatus)[keyof typeof ConnectionStatus];

/** Every status, in the order of the table above. */
export const connectionStatuses: readonly ConnectionStatus[] = Object.values(ConnectionStatus);

interface StatusTraits {
  readonly zh: string;
  readonly healthy: boolean;
  readonly needsReconnect: boolean;
  readonly connecting: boolean;
}

const traits: Readonly<Record<ConnectionStatus, StatusTraits>> = {
  Connected: { zh: '已连接', healthy: true, needsReconnect: false, connecting: false },
  Unstable: { zh: '连接不稳定', healthy: false, needsReconnect: true, connecting: false },
  Disconnected: { zh: '已断开', healthy: false, needsReconnect: true, connecting: false },
  Connecting: { zh: '连接中', healthy: false, needsReconnect: false, connecting: true },
  Reconnecting: { zh: '重连中', healthy: false, needsReconnect: false, connecting: true },
  Failed: { zh: '连接失败', healthy: false, needsReconnect: true, connecting: false },
};

/** The Chinese label (seed: `as_str`), e.g. `已连接`. */
export function statusLabelZh(status: ConnectionStatus): string {
  return traits[status].zh;
}

/** The English label (seed: `as_english`), e.g. `Connected`. */
export function statusLabelEn(status: ConnectionStatus): string {
  return status;
}

/** True only for `Connected`: the link can carry orders. */
export function isHealthy(status: ConnectionStatus): boolean {
  return traits[status].healthy;
}

/** True for `Unstable`, `Disconnected` and `Failed`: something should re-establish the link. */
export function needsReconnect(status: ConnectionStatus): boolean {
  return traits[status].needsReconnect;
}

/** True for `Connecting` and `Reconnecting`: an attempt is under way or scheduled. */
export function isConnecting(status: ConnectionStatus): boolean {
  return traits[status].connecting;
}

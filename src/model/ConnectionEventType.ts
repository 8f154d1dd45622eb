/**
 * The kinds of connection event: the seed's ten, and three for the session and the process (a step
 * of the session set up, the session ready, the process itself stalled). Each has a fixed severity
 * from 1 (info) to 4 (critical).
 */
export const ConnectionEventType = {
  Connected: 'Connected',
  Disconnected: 'Disconnected',
  ReconnectAttempt: 'ReconnectAttempt',
  ReconnectSuccess: 'ReconnectSuccess',
  ReconnectFailed: 'ReconnectFailed',
  HeartbeatTimeout: 'HeartbeatTimeout',
  DataReceived: 'DataReceived',
  ErrorOccurred: 'ErrorOccurred',
  QualityDegraded: 'QualityDegraded',
  QualityImproved: 'QualityImproved',
  SessionStep: 'SessionStep',
  SessionReady: 'SessionReady',
  ProcessStalled: 'ProcessStalled',
} as const;

export type ConnectionEventType = (typeof ConnectionEventType)[keyof typeof ConnectionEventType];

/** 1 info · 2 notice · 3 warning · 4 critical. */
export type Severity = 1 | 2 | 3 | 4;

/** Every event type: the seed's, in its order, then the session's and the process's. */
export const connectionEventTypes: readonly ConnectionEventType[] = Object.values(ConnectionEventType);

const table: Readonly<Record<ConnectionEventType, { severity: Severity; zh: string }>> = {
  Connected: { severity: 1, zh: '连接成功' },
  Disconnected: { severity: 4, zh: '连接断开' },
  ReconnectAttempt: { severity: 2, zh: '重连尝试' },
  ReconnectSuccess: { severity: 1, zh: '重连成功' },
  ReconnectFailed: { severity: 3, zh: '重连失败' },
  HeartbeatTimeout: { severity: 3, zh: '心跳超时' },
  DataReceived: { severity: 1, zh: '数据接收' },
  ErrorOccurred: { severity: 4, zh: '错误发生' },
  QualityDegraded: { severity: 2, zh: '连接质量下降' },
  QualityImproved: { severity: 1, zh: '连接质量改善' },
  SessionStep: { severity: 1, zh: '会话步骤' },
  SessionReady: { severity: 1, zh: '会话就绪' },
  ProcessStalled: { severity: 3, zh: '进程停顿' },
};

/** The severity of an event type: Connected 1, Disconnected 4, ReconnectAttempt 2, … (see the README). */
export function eventSeverity(type: ConnectionEventType): Severity {
  return table[type].severity;
}

/** The Chinese label of an event type, e.g. `心跳超时`. */
export function eventLabelZh(type: ConnectionEventType): string {
  return table[type].zh;
}

// The public API of lifeline, in one screen.

// Model: values, reducers and maths (no RxJS).
export {
  ConnectionStatus,
  connectionStatuses,
  statusLabelZh,
  statusLabelEn,
  isHealthy,
  needsReconnect,
  isConnecting,
} from './model/ConnectionStatus';
export { ConnectionEventType, connectionEventTypes, eventSeverity, eventLabelZh } from './model/ConnectionEventType';
export type { Severity } from './model/ConnectionEventType';
export { createEvent, withError, withLatency, withRetryCount, ageSeconds, isRecent } from './model/ConnectionEvent';
export type { ConnectionEvent } from './model/ConnectionEvent';
export { EventLog } from './model/EventLog';
export {
  initialQuality,
  defaultQualityThresholds,
  updateLatency,
  recordError,
  recordSuccess,
  recordHeartbeatOutcome,
  recordDisconnect,
  updateThroughput,
  updateUptime,
  latencyScore,
  overallScore,
  qualityWarnings,
  isGood,
  isPoor,
} from './model/ConnectionQuality';
export type { ConnectionQuality, QualityThresholds, QualityWarning } from './model/ConnectionQuality';
export type { QualitySample } from './model/QualitySample';
export { updateQuality } from './model/updateQuality';
export {
  initialStats,
  updateStats,
  totalDowntime,
  reconnectSuccessRate,
  uptimePercentage,
} from './model/ConnectionStats';
export type { ConnectionStats } from './model/ConnectionStats';
export type { ConnectionSignal } from './model/ConnectionSignal';
export { initialLinkState, nextLinkState } from './model/LinkState';
export type { LinkState } from './model/LinkState';
export { linkEvents } from './model/linkEvents';
export { defaultConfig, resolveConfig, configFieldNames } from './model/LifelineConfig';
export type { LifelineConfig, LifelineConfigInput, PingMode } from './model/LifelineConfig';
export { parseDuration } from './model/parseDuration';
export type { Duration } from './model/parseDuration';
export { backoffDelay } from './model/backoffDelay';
export type { Jitter, BackoffSchedule } from './model/backoffDelay';
export { initialHeartbeatTiming, nextHeartbeatTiming } from './model/heartbeatTiming';
export type { HeartbeatTiming, HeartbeatTimingConfig, HeartbeatFeedback } from './model/heartbeatTiming';
export { ConfigError } from './model/ConfigError';
export { RetryExhaustedError } from './model/RetryExhaustedError';

// Operators.
export { retryBackoff } from './operators/retryBackoff';
export type { RetryBackoffConfig, RetryAttempt } from './operators/retryBackoff';

// The public API of lifeline (`lifeline-ws`), in one screen. Also: `lifeline-ws/testing`
// (src/testing.ts) and `lifeline-ws/metrics` (src/metrics.ts).

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
  qualityThresholdsOf,
  updateLatency,
  recordError,
  recordSuccess,
  recordHeartbeatOutcome,
  recordDisconnect,
  resetLatency,
  startSession,
  updateThroughput,
  updateUptime,
  latencyScore,
  overallScore,
  qualityWarnings,
  isGood,
  isPoor,
} from './model/ConnectionQuality';
export type {
  ConnectionQuality,
  QualityThresholds,
  QualityThresholdSettings,
  QualityWarning,
} from './model/ConnectionQuality';
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
export { adaptiveHeartbeat } from './operators/adaptiveHeartbeat';

// Errors.
export { TransportError } from './model/TransportError';
export { HeartbeatTimeoutError } from './model/HeartbeatTimeoutError';
export { UnstableLinkError } from './model/UnstableLinkError';
export { SendError } from './model/SendError';
export type { SendFailure } from './model/SendError';

// Codecs and the data meter.
export { jsonCodec, rawCodec } from './model/Codec';
export type { Codec, WireData } from './model/Codec';
export { DataMeter } from './model/DataMeter';
export type { DataResumption } from './model/DataMeter';

// Streams.
export { connect } from './streams/connect';
export { defaultShouldRetry } from './streams/defaultShouldRetry';
export type { Connection, ConnectOptions, ConnectionSnapshot, SendOptions, LatencySample } from './streams/Connection';
export type { Transport, TransportConnection } from './streams/Transport';
export { webSocketTransport } from './streams/webSocketTransport';
export type { WebSocketTransportOptions, TlsOptions } from './streams/webSocketTransport';
export { heartbeat } from './streams/heartbeat';
export type { HeartbeatTarget, HeartbeatOptions, HeartbeatSample } from './streams/heartbeat';
export { latencyProbe } from './streams/latencyProbe';
export type { Probe, LatencyProbeOptions, ProbeSample } from './streams/latencyProbe';
export { dataReceived } from './streams/dataReceived';
export type { DataReceivedOptions, DataSample } from './streams/dataReceived';
export { qualityFrom } from './streams/qualityFrom';
export { linkStateFrom } from './streams/linkStateFrom';
export { eventsFrom } from './streams/eventsFrom';
export { statsFrom } from './streams/statsFrom';
export { OutboundQueue } from './streams/OutboundQueue';

// Beyond the seed: several endpoints, a connection budget, stale feeds, prediction, persistence.
export { ConnectionBudget, fullBudget, takeToken } from './model/connectionBudget';
export type { BudgetRule, BudgetState } from './model/connectionBudget';
export { latencyTrend, forecastsDegradation } from './model/latencyTrend';
export type { LatencyTrend, TrendSample, ForecastRule } from './model/latencyTrend';
export { forecastDegradation } from './operators/forecastDegradation';
export type { ForecastConfig, Forecast } from './operators/forecastDegradation';
export { FeedWatch } from './streams/feedWatch';
export type { FeedWatchdog, FeedSignal } from './streams/feedWatch';
export { parseState, serializeState, PERSISTED_STATE_VERSION } from './model/PersistedState';
export type { PersistedState } from './model/PersistedState';
export type { WatchdogOptions, RestoredState } from './streams/Connection';

// Persistent state, pools (metrics: lifeline-ws/metrics).
export { MissingPeerError } from './model/MissingPeerError';
export { stateSink } from './sinks/stateSink';
export type { StateSinkConfig, StateSource } from './sinks/stateSink';
export { readStateFile } from './sinks/readStateFile';
export { writeFileAtomically } from './sinks/writeFileAtomically';
export { connectPool } from './streams/connectPool';
export type {
  ConnectionPool,
  ConnectPoolOptions,
  PoolLinks,
  PoolConnections,
  PoolQuality,
  PoolEvent,
  PoolSnapshot,
} from './streams/connectPool';
export { worstStatus, statusesWorstFirst } from './model/worstStatus';

// Sinks: reports, the trade gate, logs, redaction.
export { buildReport } from './sinks/ConnectionReport';
export type { ConnectionReport, ReportInput, ReportStats, ReportLatency } from './sinks/ConnectionReport';
export { formatReport } from './sinks/formatReport';
export type { FormatReportOptions, ReportFormat } from './sinks/formatReport';
export { reportJson } from './sinks/reportJson';
export type { ConnectionReportJson } from './sinks/reportJson';
export { reports } from './sinks/reports';
export type { ReportSource, ReportsConfig } from './sinks/reports';
export { reportSink } from './sinks/reportSink';
export type { ReportSinkConfig } from './sinks/reportSink';
export { LatencyWindow } from './sinks/LatencyWindow';
export { compactDuration } from './sinks/compactDuration';
export { sparkline, sparklineBuckets } from './sinks/sparkline';
export { isoTimestamp } from './sinks/isoTimestamp';
export { reportLocales, reportLocale } from './sinks/ReportLocale';
export type { ReportLocale } from './sinks/ReportLocale';
export { describeEvent } from './sinks/describeEvent';
export { severityLabel } from './sinks/severityLabel';
export { tradeGate } from './sinks/tradeGate';
export type { TradeGate, TradeGateConfig, GateSource } from './sinks/tradeGate';
export type { GateState, GateReason, NetworkRiskEvent } from './sinks/GateState';
export { describeGate, gateReasonText } from './sinks/describeGate';
export { whileGateOpen } from './sinks/whileGateOpen';
export { GateClosedError } from './sinks/GateClosedError';
export { logSink } from './sinks/logSink';
export type { LogSinkConfig, LogLevel, LoggableEvent, PinoLikeLogger } from './sinks/logSink';
export { redactUrl, REDACTED } from './sinks/redactUrl';
export { redactHeaders } from './sinks/redactHeaders';
export { redactText } from './sinks/redactText';
export { isSecretName } from './sinks/isSecretName';

// An HTTP connection check for `probe` (the mock exchange and the marble transport: lifeline-ws/testing).
export { httpProbe } from './cli/httpProbe';

// The public API of lifeline, in one screen. Marble-testing helpers and the mock exchange are in
// `lifeline-ws/testing`; everything that needs prom-client is in `lifeline-ws/metrics`.

// Connections.
export { connect } from './streams/connect';
export type {
  Connection,
  ConnectOptions,
  ConnectionSnapshot,
  SendOptions,
  LatencySample,
  WatchdogOptions,
  RestoredState,
} from './streams/Connection';
export type {
  AckRule,
  AckVerdict,
  AttemptInfo,
  Correlation,
  ExchangeDirectives,
  Handshake,
  MessageOrBuilder,
  RequestOptions,
  Resync,
  Session,
  SessionOptions,
  SessionRequestOptions,
  SubscriptionHandle,
  SubscriptionOptions,
  SubscriptionState,
  UrlFactory,
} from './streams/SessionOptions';
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
export { shardedPool } from './streams/shardedPool';
export type {
  ShardedPool,
  ShardedPoolOptions,
  ShardedPoolSnapshot,
  ShardSnapshot,
  ShardSubscription,
  ShardSubscriptionOptions,
  ShardMove,
  PoolShard,
} from './streams/shardedPool';
export type { ShardHealth } from './model/shardLayout';
export { defaultShouldRetry } from './streams/defaultShouldRetry';
export type { Budget } from './model/Budget';
export { WindowBudget } from './model/WindowBudget';
export type { WindowBudgetConfig } from './model/WindowBudget';
export { BudgetUnavailableError } from './model/BudgetUnavailableError';
export type { LifelineConfig, LifelineConfigInput, PingMode } from './model/LifelineConfig';
export type { Duration } from './model/parseDuration';
export type { Jitter } from './model/backoffDelay';

// Status and events, with their labels and predicates.
export { ConnectionStatus, statusLabelZh, isHealthy, needsReconnect, isConnecting } from './model/ConnectionStatus';
export type { ConnectionState } from './model/ConnectionState';
export { ConnectionEventType, eventSeverity, eventLabelZh } from './model/ConnectionEventType';
export type { Severity } from './model/ConnectionEventType';
export type { ConnectionEvent } from './model/ConnectionEvent';

// Quality and statistics, with their derived figures.
export { overallScore, qualityWarnings, isGood, isPoor } from './model/ConnectionQuality';
export type { ConnectionQuality, QualityThresholds, QualityWarning } from './model/ConnectionQuality';
export { totalDowntime, reconnectSuccessRate, uptimePercentage } from './model/ConnectionStats';
export type { ConnectionStats } from './model/ConnectionStats';
export type { FeedLagReading } from './model/FeedLagReading';
export type { ClockOffsetEstimate } from './model/clockOffset';

// The backoff operator.
export { retryBackoff } from './operators/retryBackoff';
export type { RetryBackoffConfig, RetryAttempt } from './operators/retryBackoff';

// Sinks: reports, the trade gate, logs, persistent state.
export { reports } from './sinks/reports';
export type { ReportsConfig, ReportSource } from './sinks/reports';
export { reportSink } from './sinks/reportSink';
export type { ReportSinkConfig } from './sinks/reportSink';
export { formatReport } from './sinks/formatReport';
export type { FormatReportOptions, ReportFormat } from './sinks/formatReport';
export type { ConnectionReport, ReportStats, ReportLatency } from './sinks/ConnectionReport';
export type { ReportLocale } from './sinks/ReportLocale';
export { tradeGate } from './sinks/tradeGate';
export type { TradeGate, TradeGateConfig, GateSource } from './sinks/tradeGate';
export type { GateState, GateReason, ClosingStatus } from './model/gateState';
export type { NetworkRiskEvent } from './sinks/NetworkRiskEvent';
export { whileGateOpen } from './sinks/whileGateOpen';
export { deadman } from './sinks/deadman';
export type { Deadman, DeadmanConfig, DeadmanSource } from './sinks/deadman';
export type { DeadmanEvent } from './sinks/DeadmanEvent';
export type { DeadmanState } from './model/deadmanState';
export { logSink } from './sinks/logSink';
export type { LogSinkConfig, LogLevel, LoggableEvent, PinoLikeLogger } from './sinks/logSink';
export { stateSink } from './sinks/stateSink';
export type { StateSinkConfig, StateSource } from './sinks/stateSink';
export { readStateFile } from './sinks/readStateFile';
export type { PersistedState } from './model/PersistedState';

// Codecs and the transport.
export { jsonCodec, rawCodec } from './model/Codec';
export type { Codec, WireData } from './model/Codec';
export { webSocketTransport } from './streams/webSocketTransport';
export type { WebSocketTransportOptions, TlsOptions } from './streams/webSocketTransport';
export type { Transport, TransportConnection } from './streams/Transport';
export { httpProbe } from './streams/httpProbe';

// Errors.
export { ConfigError } from './model/ConfigError';
export { RetryExhaustedError } from './model/RetryExhaustedError';
export { TransportError } from './model/TransportError';
export { HeartbeatTimeoutError } from './model/HeartbeatTimeoutError';
export { UnstableLinkError } from './model/UnstableLinkError';
export { SendError } from './model/SendError';
export type { SendFailure } from './model/SendError';
export { GateClosedError } from './sinks/GateClosedError';
export { MissingPeerError } from './model/MissingPeerError';
export { RequestError } from './model/RequestError';
export type { RequestOutcome, RequestFailure } from './model/RequestError';
export { SessionError } from './model/SessionError';
export type { SessionStep } from './model/ConnectionSignal';
export { FatalExchangeError } from './model/FatalExchangeError';

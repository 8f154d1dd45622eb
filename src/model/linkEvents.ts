import { createEvent, ConnectionEvent } from './ConnectionEvent';
import { ConnectionEventType } from './ConnectionEventType';
import { QualityThresholds, overallScore, qualityWarnings } from './ConnectionQuality';
import { ConnectionSignal } from './ConnectionSignal';
import { ConnectionState } from './ConnectionState';
import { ConnectionStatus } from './ConnectionStatus';
import { LinkModel } from './LinkModel';

const seconds = (ms: number): string => `${+(ms / 1000).toFixed(3)}s`;
/** "attempt 2/5" for a retry; attempt 0 is the immediate try of a manual reconnect or a recovery probe. */
const attemptOf = (attempt: number, max: number): string =>
  attempt === 0 ? 'attempt (immediate)' : `attempt ${attempt}/${Number.isFinite(max) ? max : '∞'}`;
/** An endpoint by its host only: never a token in a query string or a password in the userinfo. */
const hostOf = (url: string): string => {
  try {
    return new URL(url).host;
  } catch {
    return 'endpoint';
  }
};
/** Most steps raise no event: one shared empty list, not a new one per heartbeat. */
const NONE: readonly ConnectionEvent[] = Object.freeze([]);
const wasUp = (state: ConnectionState): boolean =>
  state.status === ConnectionStatus.Connected || state.status === ConnectionStatus.Unstable;

/**
 * The events one step of the fold produces, given the model before and after it: events are derived
 * from transitions, never stored. The quality judgement turning poor or good (whatever signal moved
 * it) is QualityDegraded or QualityImproved; every other event belongs to its signal.
 *
 * DataReceived is not one event per message: it marks data (re)starting after an open or a silence.
 */
export function linkEvents(
  previousModel: LinkModel,
  signal: ConnectionSignal,
  nextModel: LinkModel,
  thresholds: QualityThresholds,
): readonly ConnectionEvent[] {
  const previous = previousModel.state;
  if (previous.closedByApp) return NONE;
  const events = signalEvents(previous, signal);
  return previous.poor === nextModel.state.poor
    ? events
    : [...events, qualityEvent(previousModel, nextModel, signal.at, thresholds)];
}

/**
 * QualityDegraded or QualityImproved, with the score and the warnings; the rounded latency only when
 * latency is what the judgement is about (its warning holds now, or held before), so an error-rate
 * warning never carries a latency that has nothing to do with it.
 */
function qualityEvent(
  previous: LinkModel,
  next: LinkModel,
  at: number,
  thresholds: QualityThresholds,
): ConnectionEvent {
  const { quality } = next;
  const poor = next.state.poor;
  const warnings = qualityWarnings(quality, thresholds);
  const aboutLatency =
    warnings.includes('latency') || qualityWarnings(previous.quality, thresholds).includes('latency');
  return createEvent(
    poor ? ConnectionEventType.QualityDegraded : ConnectionEventType.QualityImproved,
    at,
    `quality ${poor ? 'degraded' : 'improved'}: score ${overallScore(quality).toFixed(1)}` +
      (warnings.length > 0 ? `, warnings: ${warnings.join(', ')}` : ''),
    aboutLatency ? { latencyMs: Math.round(quality.averageLatencyMs) } : {},
  );
}

/** An aged socket's replacement: its start and its switch are steps; a failed try, or giving up, is an error. */
function renewalEvent(signal: Extract<ConnectionSignal, { type: 'renewal' }>): ConnectionEvent {
  const age = seconds(signal.ageMs);
  switch (signal.phase) {
    case 'started':
      return createEvent(
        ConnectionEventType.SessionStep,
        signal.at,
        `socket ${age} old: setting up its successor before closing it (maxConnectionAge)`,
      );
    case 'done':
      return createEvent(
        ConnectionEventType.SessionStep,
        signal.at,
        `socket replaced at ${age} old: the successor took over after ${seconds(signal.overlapMs ?? 0)} of overlap; messages at the switch may repeat, none is missed`,
      );
    case 'failed':
      return createEvent(ConnectionEventType.ErrorOccurred, signal.at, 'error on the link', {
        errorMessage: `could not set up a successor for the ${age} old socket (${signal.reason ?? 'unknown'}); it serves on, next try in ${seconds(signal.retryInMs ?? 0)}`,
      });
    case 'gaveUp':
      return createEvent(ConnectionEventType.ErrorOccurred, signal.at, 'error on the link', {
        errorMessage: `could not set up a successor for the ${age} old socket (${signal.reason ?? 'unknown'}); renewal given up (${renewalRefusal(signal)}): it serves until it ends`,
      });
  }
}

/** Why renewal gave up, in words. */
function renewalRefusal(signal: Extract<ConnectionSignal, { type: 'renewal' }>): string {
  switch (signal.because) {
    case 'fatal':
      return 'the exchange says retrying is pointless';
    case 'exhausted':
      return `${signal.retries ?? 0} retries spent`;
    default:
      return 'not retried';
  }
}

/** A subscription's verdict: confirmed is a step; rejected or unconfirmed is an error naming it. */
function subscriptionEvent(signal: Extract<ConnectionSignal, { type: 'subscription' }>): ConnectionEvent {
  if (signal.verdict === 'confirmed') {
    return createEvent(ConnectionEventType.SessionStep, signal.at, `subscription ${signal.name} confirmed`);
  }
  return createEvent(
    ConnectionEventType.ErrorOccurred,
    signal.at,
    `subscription ${signal.name} ${signal.verdict === 'rejected' ? 'rejected' : 'not confirmed'}; sent again on the next connect`,
    signal.reason !== undefined ? { errorMessage: signal.reason } : {},
  );
}

/**
 * A feed gone stale, or back: silent for its `staleAfter` (ErrorOccurred, then DataReceived when it
 * speaks), or lagging past its `maxLag` while its messages still flow (ErrorOccurred, then
 * QualityImproved when it has caught up).
 */
function feedEvent(signal: Extract<ConnectionSignal, { type: 'feedStale' | 'feedResumed' }>): ConnectionEvent {
  const { at, feed } = signal;
  if (signal.type === 'feedStale') {
    return signal.reason === 'lag'
      ? createEvent(
          ConnectionEventType.ErrorOccurred,
          at,
          `feed ${feed} stale: its messages arrive ${seconds(signal.lagMs)} behind the exchange's time (maxLag ${seconds(signal.maxLagMs)})`,
          { errorMessage: `feed ${feed} stale (lag)` },
        )
      : createEvent(
          ConnectionEventType.ErrorOccurred,
          at,
          `feed ${feed} stale: no message for ${seconds(signal.silentMs)}` +
            (signal.resubscribed ? '; resubscribed' : ''),
          { errorMessage: `feed ${feed} stale` },
        );
  }
  return signal.reason === 'lag'
    ? createEvent(
        ConnectionEventType.QualityImproved,
        at,
        `feed ${feed} caught up: its messages arrive ${seconds(signal.lagMs)} behind the exchange's time`,
      )
    : createEvent(
        ConnectionEventType.DataReceived,
        at,
        `feed ${feed} resumed after ${seconds(signal.silentMs)} of silence`,
      );
}

/** A signal of the given types. */
type SignalOf<T extends ConnectionSignal['type']> = Extract<ConnectionSignal, { type: T }>;

/**
 * The events that belong to the signal itself: a short switch that hands each signal to the events of
 * its concern. It runs on every signal, so the frequent ones that raise nothing (round trips,
 * throughput, feed lag) stop here, first, without a call.
 */
function signalEvents(previous: ConnectionState, signal: ConnectionSignal): readonly ConnectionEvent[] {
  switch (signal.type) {
    case 'roundTrip':
    case 'throughput':
    case 'feedLag':
    case 'pingLost':
    case 'step':
    case 'budgetWait':
    case 'retryScheduled':
      return NONE;
    case 'connecting':
    case 'open':
    case 'connectFailed':
    case 'failed':
    case 'failover':
    case 'disconnected':
    case 'closed':
      return socketEvents(previous, signal);
    case 'subscription':
    case 'resynced':
    case 'setUp':
    case 'renewal':
      return sessionStepEvents(previous, signal);
    case 'heartbeatTimeout':
    case 'checkFailed':
    case 'dataResumed':
    case 'feedStale':
    case 'feedResumed':
    case 'forecast':
    case 'error':
      return healthEvents(previous, signal);
    case 'outbound':
    case 'stall':
      return [outboundEvent(signal)];
  }
}

/** A socket's life: the attempts of a reconnect cycle, failover, Failed, and the link ending. */
function socketEvents(
  previous: ConnectionState,
  signal: SignalOf<'connecting' | 'open' | 'connectFailed' | 'failed' | 'failover' | 'disconnected' | 'closed'>,
): readonly ConnectionEvent[] {
  const at = signal.at;
  switch (signal.type) {
    case 'connecting':
      return signal.reconnect
        ? [
            createEvent(
              ConnectionEventType.ReconnectAttempt,
              at,
              `reconnect ${attemptOf(signal.attempt, signal.maxAttempts)}` +
                (signal.endpoint !== undefined ? ` to ${hostOf(signal.endpoint)}` : ''),
              { retryCount: signal.attempt },
            ),
          ]
        : NONE;
    case 'open':
      return signal.reconnect
        ? [
            createEvent(
              ConnectionEventType.ReconnectSuccess,
              at,
              `reconnected after ${signal.attempt === 0 ? 'an immediate try' : `attempt ${signal.attempt}`}`,
              {
                retryCount: signal.attempt,
              },
            ),
          ]
        : [createEvent(ConnectionEventType.Connected, at, 'connected')];
    case 'connectFailed':
      return signal.reconnect
        ? [
            createEvent(
              ConnectionEventType.ReconnectFailed,
              at,
              `reconnect ${attemptOf(signal.attempt, previous.maxAttempts)} failed`,
              {
                errorMessage: signal.error,
                retryCount: signal.attempt,
              },
            ),
          ]
        : [
            createEvent(ConnectionEventType.ErrorOccurred, at, 'initial connection failed', {
              errorMessage: signal.error,
            }),
          ];
    case 'failed':
      return [failedEvent(signal)];
    case 'failover':
      return [
        createEvent(
          ConnectionEventType.ReconnectFailed,
          at,
          `failing over from ${hostOf(signal.from)} to ${hostOf(signal.to)}`,
          { errorMessage: signal.reason },
        ),
      ];
    case 'disconnected':
      return wasUp(previous)
        ? [createEvent(ConnectionEventType.Disconnected, at, 'connection lost', { errorMessage: signal.reason })]
        : NONE;
    case 'closed':
      return wasUp(previous) ? [createEvent(ConnectionEventType.Disconnected, at, 'closed by the application')] : NONE;
  }
}

/** Failed: why no retry follows (the exchange said so, or the budget is spent), and what comes next. */
function failedEvent(signal: SignalOf<'failed'>): ConnectionEvent {
  return createEvent(
    ConnectionEventType.ErrorOccurred,
    signal.at,
    signal.fatal
      ? 'connection failed: the exchange says retrying is pointless; not retried, waiting for reconnect()'
      : `connection failed ${
          signal.attempts === 0
            ? 'without a retry'
            : `after ${signal.attempts} ${signal.attempts === 1 ? 'retry' : 'retries'}`
        }; waiting for reconnect()${
          signal.recoveryInMs === undefined ? '' : ` or the recovery attempt in ${seconds(signal.recoveryInMs)}`
        }`,
    { errorMessage: signal.error, retryCount: signal.attempts },
  );
}

/** Setting the session up on an open socket: subscriptions, the resync, ready, an aged socket's renewal. */
function sessionStepEvents(
  previous: ConnectionState,
  signal: SignalOf<'subscription' | 'resynced' | 'setUp' | 'renewal'>,
): readonly ConnectionEvent[] {
  switch (signal.type) {
    case 'subscription':
      return [subscriptionEvent(signal)];
    case 'resynced':
      return [createEvent(ConnectionEventType.SessionStep, signal.at, `resync done in ${seconds(signal.ms)}`)];
    case 'setUp':
      // Only a session that took steps to set up (a handshake, acks, a resync) says when it got there.
      return signal.setUp && !previous.setUp && signal.ms !== undefined
        ? [
            createEvent(
              ConnectionEventType.SessionReady,
              signal.at,
              `ready ${seconds(signal.ms)} after the socket opened`,
            ),
          ]
        : NONE;
    case 'renewal':
      return [renewalEvent(signal)];
  }
}

/**
 * How the link's health reads: the heartbeat, the connection checks, data and feeds going silent or
 * speaking again, the latency forecast, non-fatal errors.
 */
function healthEvents(
  previous: ConnectionState,
  signal: SignalOf<
    'heartbeatTimeout' | 'checkFailed' | 'dataResumed' | 'feedStale' | 'feedResumed' | 'forecast' | 'error'
  >,
): readonly ConnectionEvent[] {
  const at = signal.at;
  switch (signal.type) {
    case 'heartbeatTimeout':
      return [
        createEvent(
          ConnectionEventType.HeartbeatTimeout,
          at,
          signal.direction === 'outbound'
            ? `no pong and nothing drained for ${seconds(signal.silentMs)} while data came in (timeout ${seconds(signal.timeoutMs)}): the outbound path is dead`
            : `no pong or data for ${seconds(signal.silentMs)} (timeout ${seconds(signal.timeoutMs)})`,
        ),
      ];
    case 'checkFailed':
      return [
        createEvent(ConnectionEventType.ErrorOccurred, at, 'error on the link', {
          errorMessage: signal.initial
            ? `initial connection check failed (continuing): ${signal.error}`
            : `connection check failed: ${signal.error}`,
        }),
      ];
    case 'dataResumed':
      return [
        createEvent(
          ConnectionEventType.DataReceived,
          at,
          signal.afterOpen
            ? `first data ${seconds(signal.silentMs)} after connect`
            : `data resumed after ${seconds(signal.silentMs)} of silence`,
        ),
      ];
    case 'feedStale':
    case 'feedResumed':
      return [feedEvent(signal)];
    case 'forecast':
      // Already poor: the judgement said so; a forecast would only repeat it.
      if (previous.poor) return NONE;
      return [
        createEvent(
          ConnectionEventType.QualityDegraded,
          at,
          `latency rising ${signal.slopeMsPerSecond.toFixed(1)} ms/s: ${Math.round(signal.currentMs)} ms now, ` +
            `${Math.round(signal.projectedMs)} ms projected within ${seconds(signal.horizonMs)} (predicted from the latency trend)`,
          { latencyMs: Math.round(signal.currentMs), predicted: true },
        ),
      ];
    case 'error':
      return [
        createEvent(ConnectionEventType.ErrorOccurred, at, 'error on the link', { errorMessage: signal.message }),
      ];
  }
}

/** The outbound path lost or confirmed again, or this process stalling (kept out of the link's latency). */
function outboundEvent(signal: SignalOf<'outbound' | 'stall'>): ConnectionEvent {
  const at = signal.at;
  if (signal.type === 'stall') {
    return createEvent(
      ConnectionEventType.ProcessStalled,
      at,
      `this process stalled: its timers ran ${Math.round(signal.lagMs)} ms late (taken out of the link's latency)`,
      { latencyMs: Math.round(signal.lagMs) },
    );
  }
  return signal.confirmed
    ? createEvent(ConnectionEventType.QualityImproved, at, 'outbound path confirmed again')
    : createEvent(
        ConnectionEventType.QualityDegraded,
        at,
        `outbound path unconfirmed: no pong and nothing drained for ${seconds(signal.silentMs)}, while data still comes in; sends wait`,
      );
}

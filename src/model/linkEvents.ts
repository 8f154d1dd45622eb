import { createEvent, ConnectionEvent } from './ConnectionEvent';
import { ConnectionEventType } from './ConnectionEventType';
import { ConnectionSignal } from './ConnectionSignal';
import { ConnectionStatus } from './ConnectionStatus';
import { LinkState, isReconnect } from './LinkState';

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
const wasUp = (state: LinkState): boolean =>
  state.status === ConnectionStatus.Connected || state.status === ConnectionStatus.Unstable;

/**
 * The events a signal produces, given the state before and after it. Pure: the events stream is
 * `transitions$.pipe(mergeMap(({ previous, signal, next }) => linkEvents(previous, signal, next)))`.
 *
 * DataReceived is not one event per message: it marks data (re)starting after an open or a silence.
 */
export function linkEvents(previous: LinkState, signal: ConnectionSignal, next: LinkState): ConnectionEvent[] {
  if (previous.closedByApp) return [];
  const at = signal.at;
  switch (signal.type) {
    case 'connecting':
      return next.status === ConnectionStatus.Reconnecting
        ? [
            createEvent(
              ConnectionEventType.ReconnectAttempt,
              at,
              `reconnect ${attemptOf(signal.attempt, signal.maxAttempts)}` +
                (signal.endpoint !== undefined ? ` to ${hostOf(signal.endpoint)}` : ''),
              { retryCount: signal.attempt },
            ),
          ]
        : [];
    case 'open':
      return isReconnect(previous, signal)
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
    case 'disconnected':
      return wasUp(previous)
        ? [createEvent(ConnectionEventType.Disconnected, at, 'connection lost', { errorMessage: signal.reason })]
        : [];
    case 'connectFailed':
      return isReconnect(previous, signal)
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
      return [
        createEvent(
          ConnectionEventType.ErrorOccurred,
          at,
          `connection failed ${
            signal.attempts === 0
              ? 'without a retry'
              : `after ${signal.attempts} ${signal.attempts === 1 ? 'retry' : 'retries'}`
          }; waiting for reconnect()${
            signal.recoveryInMs === undefined ? '' : ` or the recovery attempt in ${seconds(signal.recoveryInMs)}`
          }`,
          { errorMessage: signal.error, retryCount: signal.attempts },
        ),
      ];
    case 'heartbeatTimeout':
      return [
        createEvent(
          ConnectionEventType.HeartbeatTimeout,
          at,
          `no pong or data for ${seconds(signal.silentMs)} (timeout ${seconds(signal.timeoutMs)})`,
        ),
      ];
    case 'error':
      return [
        createEvent(ConnectionEventType.ErrorOccurred, at, 'error on the link', { errorMessage: signal.message }),
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
    case 'quality':
      if (signal.poor === previous.poor) return [];
      return [
        createEvent(
          signal.poor ? ConnectionEventType.QualityDegraded : ConnectionEventType.QualityImproved,
          at,
          `quality ${signal.poor ? 'degraded' : 'improved'}: score ${signal.score.toFixed(1)}` +
            (signal.warnings.length > 0 ? `, warnings: ${signal.warnings.join(', ')}` : '') +
            (signal.predicted ? ' (predicted from the latency trend)' : ''),
          {
            latencyMs: Math.round(signal.quality.averageLatencyMs),
            ...(signal.predicted ? { predicted: true } : {}),
          },
        ),
      ];
    case 'failover':
      return [
        createEvent(
          ConnectionEventType.ReconnectFailed,
          at,
          `failing over from ${hostOf(signal.from)} to ${hostOf(signal.to)}`,
          { errorMessage: signal.reason },
        ),
      ];
    case 'feedStale':
      return [
        createEvent(
          ConnectionEventType.ErrorOccurred,
          at,
          `feed ${signal.feed} stale: no message for ${seconds(signal.silentMs)}` +
            (signal.resubscribed ? '; resubscribed' : ''),
          { errorMessage: `feed ${signal.feed} stale` },
        ),
      ];
    case 'feedResumed':
      return [
        createEvent(
          ConnectionEventType.DataReceived,
          at,
          `feed ${signal.feed} resumed after ${seconds(signal.silentMs)} of silence`,
        ),
      ];
    case 'forecast':
      if (previous.poor) return [];
      return [
        createEvent(
          ConnectionEventType.QualityDegraded,
          at,
          `latency rising ${signal.slopeMsPerSecond.toFixed(1)} ms/s: ${Math.round(signal.currentMs)} ms now, ` +
            `${Math.round(signal.projectedMs)} ms projected within ${seconds(signal.horizonMs)} (predicted from the latency trend)`,
          { latencyMs: Math.round(signal.currentMs), predicted: true },
        ),
      ];
    case 'budgetWait':
      return [];
    case 'closed':
      return wasUp(previous) ? [createEvent(ConnectionEventType.Disconnected, at, 'closed by the application')] : [];
    case 'retryScheduled':
      return [];
  }
}

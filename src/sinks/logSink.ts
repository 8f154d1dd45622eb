import { Observable, Subscription } from 'rxjs';
import { ConfigError } from '../model/ConfigError';
import { ConnectionEvent } from '../model/ConnectionEvent';
import { Severity } from '../model/ConnectionEventType';
import { DeadmanEvent } from './DeadmanEvent';
import { NetworkRiskEvent } from './NetworkRiskEvent';
import { isSecretName } from './isSecretName';
import { isoTimestamp } from './isoTimestamp';
import { redactHeaders } from './redactHeaders';
import { REDACTED } from './redactUrl';
import { redactText } from './redactText';

/** The part of a pino logger the sink uses (pino, and anything with its `(object, message)` calls). */
export interface PinoLikeLogger {
  /** Logs at info: the record, then the message. */
  info(object: object, message?: string): void;
  /** Logs at warn: the record, then the message. */
  warn(object: object, message?: string): void;
  /** Logs at error: the record, then the message. */
  error(object: object, message?: string): void;
  /** Logs at debug, if the logger has it: the record, then the message. */
  debug?(object: object, message?: string): void;
}

/** A logger method the sink may call. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** What the sink logs: connection events, the trade gate's network risk events, the dead-man's switch's events. */
export type LoggableEvent = ConnectionEvent | NetworkRiskEvent | DeadmanEvent;

/** How `logSink` logs: the level of each severity, and fields added to every record. */
export interface LogSinkConfig {
  /**
   * The log level of each severity. Defaults to `{ 1: 'info', 2: 'info', 3: 'warn', 4: 'error' }`:
   * severity 2 (ReconnectAttempt, QualityDegraded, tradingResumed) is what recovery normally looks like,
   * and the failures that matter follow it at 3 or 4; keeping `warn` for those keeps an alert on
   * `warn` meaningful. Every record carries `severity`, so a pipeline can still select on it.
   */
  readonly levels?: Partial<Readonly<Record<Severity, LogLevel>>>;
  /**
   * Fields added to every record, e.g. `{ url: link.config.url, bot: 'grid-1' }`. Printed redacted:
   * strings through `redactText` (URLs, tokens), a `headers` object through `redactHeaders`, and a
   * field whose name is secret (see `isSecretName`) as `***`.
   */
  readonly context?: Readonly<Record<string, unknown>>;
  /** Called when the logger throws or the event stream errors. Defaults to `console.error`. */
  readonly onError?: (error: unknown) => void;
}

const DEFAULT_LEVELS: Readonly<Record<Severity, LogLevel>> = { 1: 'info', 2: 'info', 3: 'warn', 4: 'error' };
const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/**
 * Writes events to a pino-compatible logger, one structured record each, at a level chosen by the
 * event's severity (1 info, 2 info, 3 warn, 4 error by default). The message is the description;
 * the fields are `event` (the type), `severity`, `timestamp` (ISO 8601), `retryCount`, and when
 * known `errorMessage`, `latencyMs`, `downtimeMs`, `reason`, plus `context`. Secrets are redacted.
 *
 * ```
 * events$:  --C------D---A--S--
 * logger:   --i------e---i--i--      (i info, e error)
 * ```
 *
 * @example
 * const sink = logSink(merge(link.events$, gate.riskEvents$), pino(), { context: { url: link.config.url } });
 * // {"level":50,"event":"Disconnected","severity":4,"timestamp":"2025-03-01T09:30:00.125Z","retryCount":0,
 * //  "errorMessage":"connection closed: 1006 abnormal closure","url":"wss://x.io/ws?token=***","msg":"connection lost"}
 *
 * @param events$ `link.events$`, `gate.riskEvents$`, or both merged.
 * @param logger pino, or anything with `info`, `warn` and `error` taking `(object, message)`.
 * @returns The subscription; unsubscribe to stop logging.
 * @throws ConfigError when the logger or an option is unusable, before anything is subscribed.
 */
export function logSink(
  events$: Observable<LoggableEvent>,
  logger: PinoLikeLogger,
  config: LogSinkConfig = {},
): Subscription {
  const { levels: given = {}, context = {}, onError = (error: unknown) => console.error(error) } = config;
  const levels = { ...DEFAULT_LEVELS, ...given };
  for (const [severity, level] of Object.entries(levels)) {
    if (!LEVELS.includes(level)) throw new ConfigError(`levels.${severity}`, level, LEVELS.join(', '));
  }
  const l = logger as unknown as Record<string, unknown> | null;
  if (typeof l !== 'object' || l === null || !['info', 'warn', 'error'].every((m) => typeof l[m] === 'function')) {
    throw new ConfigError('logger', logger, 'a pino-compatible logger with info, warn and error methods');
  }
  const fields = redactContext(context);
  return events$.subscribe({
    next: (event) => {
      const level = levels[event.severity];
      const write = (level === 'debug' ? (logger.debug ?? logger.info) : logger[level]).bind(logger);
      try {
        write({ ...fields, ...record(event) }, redactText(event.description));
      } catch (error) {
        onError(error);
      }
    },
    error: onError,
  });
}

function record(event: LoggableEvent): Record<string, unknown> {
  if ('timestamp' in event) {
    return {
      event: event.type,
      severity: event.severity,
      timestamp: isoTimestamp(event.timestamp),
      retryCount: event.retryCount,
      ...(event.errorMessage !== undefined ? { errorMessage: redactText(event.errorMessage) } : {}),
      ...(event.latencyMs !== undefined ? { latencyMs: event.latencyMs } : {}),
      ...(event.predicted ? { predicted: true } : {}),
    };
  }
  return {
    event: event.type,
    severity: event.severity,
    timestamp: isoTimestamp(event.at),
    ...(event.reason !== undefined ? { reason: event.reason } : {}),
    ...('downtimeMs' in event && event.downtimeMs !== undefined ? { downtimeMs: event.downtimeMs } : {}),
    ...('failures' in event ? { failures: event.failures } : {}),
    ...(event.errorMessage !== undefined ? { errorMessage: redactText(event.errorMessage) } : {}),
  };
}

function redactContext(context: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(context)) {
    if (name === 'headers' && typeof value === 'object' && value !== null) {
      out[name] = redactHeaders(value as Record<string, string>);
    } else if (isSecretName(name)) out[name] = REDACTED;
    else out[name] = typeof value === 'string' ? redactText(value) : value;
  }
  return out;
}

import { ConnectionEventType, Severity, eventSeverity } from './ConnectionEventType';
import { withFields } from './withFields';

/**
 * One thing that happened to the connection. A plain readonly value: the helpers below return new
 * events rather than mutating (seed: `with_error`, `with_latency`, `with_retry_count`).
 */
export interface ConnectionEvent {
  readonly type: ConnectionEventType;
  /** Derived from `type`, carried so that consumers (logs, NDJSON) need no lookup. */
  readonly severity: Severity;
  /** Milliseconds since the epoch, from the stream's scheduler. */
  readonly timestamp: number;
  readonly description: string;
  readonly errorMessage?: string;
  readonly latencyMs?: number;
  /** The reconnect attempt this event belongs to; 0 outside a reconnect sequence. */
  readonly retryCount: number;
  /** Set on QualityDegraded raised early by the latency-trend predictor, before the score crosses. */
  readonly predicted?: boolean;
}

/** Creates an event of `type` at `timestamp` (take it from `scheduler.now()`). */
export function createEvent(
  type: ConnectionEventType,
  timestamp: number,
  description: string,
  details: Partial<Pick<ConnectionEvent, 'errorMessage' | 'latencyMs' | 'retryCount' | 'predicted'>> = {},
): ConnectionEvent {
  return { type, severity: eventSeverity(type), timestamp, description, retryCount: 0, ...details };
}

/** The same event with an error message attached. */
export function withError(event: ConnectionEvent, errorMessage: string): ConnectionEvent {
  return withFields(event, { errorMessage });
}

/** The same event with a latency sample attached, in milliseconds. */
export function withLatency(event: ConnectionEvent, latencyMs: number): ConnectionEvent {
  return withFields(event, { latencyMs });
}

/** The same event tagged with the reconnect attempt it belongs to. */
export function withRetryCount(event: ConnectionEvent, retryCount: number): ConnectionEvent {
  return withFields(event, { retryCount });
}

/** Whole seconds elapsed since the event, as of `now` (never negative). */
export function ageSeconds(event: ConnectionEvent, now: number): number {
  return Math.max(0, Math.floor((now - event.timestamp) / 1000));
}

/** True when the event happened within the last `withinMs` milliseconds (default 5 minutes). */
export function isRecent(event: ConnectionEvent, now: number, withinMs = 5 * 60_000): boolean {
  return now - event.timestamp <= withinMs;
}

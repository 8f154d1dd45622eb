import { ConnectionEvent } from '../model/ConnectionEvent';
import { ConnectionState } from '../model/ConnectionState';
import { ConnectionReport } from '../sinks/ConnectionReport';
import { GateState } from '../model/gateState';
import { NetworkRiskEvent } from '../sinks/NetworkRiskEvent';
import { isoTimestamp } from '../sinks/isoTimestamp';
import { redactText } from '../sinks/redactText';
import { reportJson } from '../sinks/reportJson';

/** One NDJSON line: `JSON.stringify` with `Infinity` as the string `"Infinity"` (JSON has no such number). */
export function ndjson(record: Readonly<Record<string, unknown>>): string {
  return JSON.stringify(record, (_, value: unknown) =>
    typeof value === 'number' && !Number.isFinite(value) && !Number.isNaN(value) ? String(value) : value,
  );
}

/** `{"kind":"status","status":"Reconnecting","attempt":2,"maxAttempts":5,"nextRetryAt":"…",…}` */
export function statusRecord(state: ConnectionState, at: number, score: number): Record<string, unknown> {
  return {
    kind: 'status',
    time: isoTimestamp(at),
    status: state.status,
    since: isoTimestamp(state.since),
    attempt: state.attempt,
    maxAttempts: state.maxAttempts,
    ...(state.nextRetryAt !== undefined ? { nextRetryAt: isoTimestamp(state.nextRetryAt) } : {}),
    ...(state.lastError !== undefined ? { lastError: redactText(state.lastError) } : {}),
    score: round(score),
  };
}

/** `{"kind":"event","type":"Disconnected","severity":4,"timestamp":"…","description":"…",…}` */
export function eventRecord(event: ConnectionEvent): Record<string, unknown> {
  return {
    kind: 'event',
    type: event.type,
    severity: event.severity,
    timestamp: isoTimestamp(event.timestamp),
    description: redactText(event.description),
    ...(event.errorMessage !== undefined ? { errorMessage: redactText(event.errorMessage) } : {}),
    ...(event.latencyMs !== undefined ? { latencyMs: event.latencyMs } : {}),
    retryCount: event.retryCount,
    ...(event.predicted ? { predicted: true } : {}),
  };
}

/** `{"kind":"gate","open":false,"reason":"Failed","since":"…","time":"…"}` */
export function gateRecord(state: GateState, at: number): Record<string, unknown> {
  return {
    kind: 'gate',
    open: state.open,
    reason: state.reason,
    since: isoTimestamp(state.since),
    time: isoTimestamp(at),
  };
}

/** `{"kind":"risk","type":"tradingPaused","severity":4,"at":"…","reason":"Failed",…}` */
export function riskRecord(risk: NetworkRiskEvent): Record<string, unknown> {
  return { kind: 'risk', ...risk, at: isoTimestamp(risk.at) };
}

/** `{"kind":"report","at":"…","status":"Connected","score":…,"stats":{…},"latency":{…},…}` */
export function reportRecord(report: ConnectionReport, final = false): Record<string, unknown> {
  return { kind: 'report', ...reportJson(report), ...(final ? { final: true } : {}) };
}

const round = (value: number): number => Math.round(value * 10) / 10;

import { ConnectionQuality, overallScore } from '../model/ConnectionQuality';
import { ConnectionStatus, statusLabelZh } from '../model/ConnectionStatus';
import { ConnectionState } from '../model/ConnectionState';
import { GateState } from '../model/gateState';
import { ReportLocale } from '../sinks/ReportLocale';
import { compactDuration } from '../sinks/compactDuration';

const MARKS: Readonly<Record<ConnectionStatus, string>> = {
  Connected: '●',
  Unstable: '◐',
  Connecting: '◌',
  Reconnecting: '◌',
  Disconnected: '○',
  Failed: '✖',
};

const WORDS = {
  en: {
    score: 'score',
    latency: 'latency',
    attempt: 'attempt',
    retry: 'next retry in',
    gate: 'gate',
    open: 'open',
    closed: 'closed',
  },
  'zh-CN': {
    score: '评分',
    latency: '延迟',
    attempt: '尝试',
    retry: '下次重试',
    gate: '交易',
    open: '开启',
    closed: '关闭',
  },
} as const;

const RETRYING: ReadonlySet<ConnectionStatus> = new Set<ConnectionStatus>([
  ConnectionStatus.Connecting,
  ConnectionStatus.Reconnecting,
  ConnectionStatus.Failed,
]);

/** What the live status line is drawn from. */
export interface StatusLineInput {
  readonly state: ConnectionState;
  readonly quality: ConnectionQuality;
  readonly gate?: GateState;
  /** Time now, ms, for the retry countdown. */
  readonly now: number;
  readonly locale?: ReportLocale;
}

/**
 * The live one-line status: status, score, latency, attempt n/N while connecting, reconnecting or
 * failed, the next retry while one is scheduled, and the trade gate.
 *
 * @example
 * statusLine({ state, quality, gate, now, locale: 'en' });
 * // '◌ Reconnecting │ score 71.0 │ latency 3ms │ attempt 2/5 │ next retry in 1s │ gate closed (Reconnecting)'
 */
export function statusLine(input: StatusLineInput): string {
  const { state, quality, gate, now, locale = 'zh-CN' } = input;
  const w = WORDS[locale];
  const status = locale === 'en' ? state.status : `${statusLabelZh(state.status)} (${state.status})`;
  const max = Number.isFinite(state.maxAttempts) ? String(state.maxAttempts) : '∞';
  const parts = [
    `${MARKS[state.status]} ${status}`,
    `${w.score} ${overallScore(quality).toFixed(1)}`,
    `${w.latency} ${quality.latencySamples > 0 ? `${Math.round(quality.averageLatencyMs)}ms` : '—'}`,
  ];
  // Only while attempts are being made (or spent): on a link that is up, the last reconnect's "3/5" is stale.
  if (RETRYING.has(state.status)) parts.push(`${w.attempt} ${state.attempt}/${max}`);
  if (state.nextRetryAt !== undefined) {
    parts.push(`${w.retry} ${compactDuration(Math.max(0, state.nextRetryAt - now), locale)}`);
  }
  if (gate) parts.push(`${w.gate} ${gate.open ? w.open : `${w.closed} (${gate.reason})`}`);
  return parts.join(' │ ');
}

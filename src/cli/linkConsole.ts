import { Observable, Subscription, distinctUntilChanged, interval } from 'rxjs';
import { ConnectionQuality, initialQuality, overallScore } from '../model/ConnectionQuality';
import { ConnectionState } from '../model/ConnectionState';
import { ConnectionStatus, statusLabelZh } from '../model/ConnectionStatus';
import { GateState } from '../model/gateState';
import { ReportLocale } from '../sinks/ReportLocale';
import { describeEvent } from '../sinks/describeEvent';
import { describeGate } from '../sinks/describeGate';
import { redactText } from '../sinks/redactText';
import { redactUrl } from '../sinks/redactUrl';
import { severityLabel } from '../sinks/severityLabel';
import { TradeGate } from '../sinks/tradeGate';
import { Connection } from '../streams/Connection';
import { Terminal } from './Terminal';
import { failedWording } from './failedWording';
import { eventRecord, gateRecord, ndjson, riskRecord, statusRecord } from './ndjson';
import { statusLine } from './statusLine';
import { tlsHint } from './tlsHint';

/** How `linkConsole` shows a link: where, in which language, as text or NDJSON. */
export interface LinkConsoleOptions {
  readonly terminal: Terminal;
  readonly locale: ReportLocale;
  /** NDJSON records (`status`, `event`, `gate`, `risk`) instead of text lines. */
  readonly json: boolean;
  /** Prints a tagged text line, e.g. `06:21:17 status …`; `at` is when it happened (ms since epoch). */
  readonly line: (tag: string, text: string, at?: number) => void;
  /** Whether the command keeps watching after Failed (`--recover`): how a Failed event is worded. */
  readonly recover: boolean;
  /** Appended to the live status line (the demo's price and order counts). */
  readonly liveSuffix?: () => string;
  /** How often the live line is redrawn, ms. */
  readonly liveEvery: number;
}

/** The running console: a `Subscription` (unsubscribe to stop printing), with what it has seen. */
export type LinkConsole = Subscription & {
  /** The latest state, once the link has reported one. */
  lastState(): ConnectionState | undefined;
  /** Redraws the live status line now (e.g. after the caller's own line). */
  drawLive(): void;
};

/**
 * The console wiring `lifeline monitor` and `lifeline demo` share: prints the link's status changes,
 * events, gate changes and risk events — as text lines for people, or as NDJSON records — and keeps
 * the live status line (status, score, latency, attempt, next retry, gate) drawn on a TTY.
 *
 * @example
 * const view = linkConsole(link, tradeGate(link), { terminal, locale: 'en', json: false, line, recover: false, liveEvery: 1000 });
 * // 06:21:17 status Connected to ws://127.0.0.1:40049/ws
 * // 06:21:17 gate   CLOSED: the link is back; waiting out the settle time
 * view.unsubscribe();
 *
 * @param link The connection's streams.
 * @param gate Its trade gate.
 * @param options Where and how to print.
 * @returns The subscription, with the latest state and `drawLive()`.
 */
export function linkConsole(
  link: Pick<Connection, 'state$' | 'quality$' | 'events$'>,
  gate: TradeGate,
  options: LinkConsoleOptions,
): LinkConsole {
  const { terminal, locale, json, line, recover } = options;
  const emit = (record: Record<string, unknown>): void => terminal.print(ndjson(record));
  let state: ConnectionState | undefined;
  let quality: ConnectionQuality = initialQuality;
  let gateState: GateState | undefined;
  const drawLive = (): void => {
    if (!state) return;
    const live = statusLine({ state, quality, ...(gateState ? { gate: gateState } : {}), now: Date.now(), locale });
    terminal.status(options.liveSuffix ? `${live} │ ${options.liveSuffix()}` : live);
  };

  const subscription = new Subscription();
  const on = <T>(stream$: Observable<T>, next: (value: T) => void): void => {
    subscription.add(stream$.subscribe(next));
  };
  on(link.quality$, (value) => (quality = value));
  on(link.state$.pipe(distinctUntilChanged(sameMoment)), (value) => {
    const previous = state;
    state = value;
    if (json) {
      const shown = value.lastError === undefined ? value : { ...value, lastError: tlsHint(value.lastError) };
      emit(statusRecord(shown, Date.now(), overallScore(quality)));
    } else if (previous?.status !== value.status) line('status', describeStatus(value, locale));
    drawLive();
  });
  on(link.events$, (event) => {
    if (!json) return line('event', describeEvent(event, locale, { time: false }), event.timestamp);
    const errorMessage = event.errorMessage !== undefined ? { errorMessage: tlsHint(event.errorMessage) } : {};
    emit(eventRecord({ ...event, description: failedWording(event.description, recover), ...errorMessage }));
  });
  on(gate.gate$, (value) => {
    gateState = value;
    if (json) emit(gateRecord(value, Date.now()));
    else line('gate', describeGate(value, locale));
    drawLive();
  });
  on(gate.riskEvents$, (risk) => {
    if (json) emit(riskRecord(risk));
    else line('risk', `[${severityLabel(risk.severity, locale)}] ${risk.description}`, risk.at);
  });
  if (terminal.hasLiveLine) on(interval(options.liveEvery), drawLive);
  return Object.assign(subscription, { lastState: () => state, drawLive });
}

/** The same status, attempt and retry time: a state the console has shown already. */
function sameMoment(a: ConnectionState, b: ConnectionState): boolean {
  return a.status === b.status && a.attempt === b.attempt && a.nextRetryAt === b.nextRetryAt;
}

/** The status for a person: its label, the endpoint while up, the error while down; redacted. */
function describeStatus(state: ConnectionState, locale: ReportLocale): string {
  const label = locale === 'en' ? state.status : `${statusLabelZh(state.status)} (${state.status})`;
  const error = state.lastError !== undefined ? `: ${redactText(state.lastError)}` : '';
  switch (state.status) {
    case ConnectionStatus.Disconnected:
    case ConnectionStatus.Failed:
      return label + error;
    case ConnectionStatus.Connected:
    case ConnectionStatus.Unstable:
      return state.endpoint !== undefined ? `${label} to ${redactUrl(state.endpoint)}` : label;
    default:
      return label;
  }
}

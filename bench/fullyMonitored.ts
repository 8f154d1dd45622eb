import { Subscription } from 'rxjs';
import { Connection, reportSink, tradeGate } from '../src/index';

export interface FullyMonitoredOptions {
  /** Milliseconds between status reports. Production default 10 min; the throughput bench uses 1 s so it fires. */
  readonly reportInterval: number;
}

/** What the monitors saw: proof that every stream ran during the measurement. */
export interface MonitorCounts {
  status: number;
  events: number;
  quality: number;
  stats: number;
  latency: number;
  state: number;
  ready: number;
  lag: number;
  reports: number;
  gate: number;
  riskEvents: number;
  /** The gate's latest decision: may the strategy trade? */
  tradingAllowed: boolean;
}

/**
 * Subscribes everything a trading bot subscribes on a lifeline handle: status$, state$, events$,
 * quality$, stats$, latency$, ready$ and lag$, the report sink (each report formatted, in zh-CN, and handed to a
 * writer that only counts it) and the trade gate with its risk events. The bench's configuration (c).
 */
export function fullyMonitored(
  link: Connection,
  options: FullyMonitoredOptions,
): { subscription: Subscription; counts: MonitorCounts } {
  const { reportInterval } = options;
  const counts: MonitorCounts = {
    status: 0,
    events: 0,
    quality: 0,
    stats: 0,
    latency: 0,
    state: 0,
    ready: 0,
    lag: 0,
    reports: 0,
    gate: 0,
    riskEvents: 0,
    tradingAllowed: false,
  };
  const subscription = new Subscription();
  subscription.add(link.status$.subscribe(() => counts.status++));
  subscription.add(link.state$.subscribe(() => counts.state++));
  subscription.add(link.events$.subscribe(() => counts.events++));
  subscription.add(link.quality$.subscribe(() => counts.quality++));
  subscription.add(link.stats$.subscribe(() => counts.stats++));
  subscription.add(link.latency$.subscribe(() => counts.latency++));
  subscription.add(link.ready$.subscribe(() => counts.ready++));
  subscription.add(link.lag$.subscribe(() => counts.lag++));
  subscription.add(reportSink(link, { every: reportInterval, writer: () => counts.reports++ }));
  const gate = tradeGate(link);
  subscription.add(
    gate.gate$.subscribe((state) => {
      counts.gate++;
      counts.tradingAllowed = state.open;
    }),
  );
  subscription.add(gate.riskEvents$.subscribe(() => counts.riskEvents++));
  return { subscription, counts };
}

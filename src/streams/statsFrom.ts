import { Observable, distinctUntilChanged, scan, startWith } from 'rxjs';
import { ConnectionSignal } from '../model/ConnectionSignal';
import { ConnectionStats, updateStats } from '../model/ConnectionStats';

/**
 * The statistics: signals folded with `updateStats`. Success rate, downtime and uptime are derived
 * from each value with `reconnectSuccessRate`, `totalDowntime` and `uptimePercentage`.
 *
 * ```
 * signals:   -c-o---d-c-o-
 * result:    s--a---b-c-d-    (a: 1 connection; b: 1 disconnection; c: 1 reconnect attempt; d: 1 successful)
 * ```
 *
 * @example
 * statsFrom(signals$, initialStats(scheduler.now())).subscribe((s) => reconnectSuccessRate(s));
 *
 * @param signals$ What the engine reports.
 * @param initial The statistics at the start of monitoring.
 */
export function statsFrom(
  signals$: Observable<ConnectionSignal>,
  initial: ConnectionStats,
): Observable<ConnectionStats> {
  return signals$.pipe(
    scan((stats: ConnectionStats, signal: ConnectionSignal) => updateStats(stats, signal), initial),
    startWith(initial),
    distinctUntilChanged(),
  );
}

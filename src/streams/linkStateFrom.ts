import { Observable, distinctUntilChanged, scan, startWith } from 'rxjs';
import { ConnectionSignal } from '../model/ConnectionSignal';
import { LinkState, nextLinkState } from '../model/LinkState';

/**
 * The status machine as a stream: engine signals folded with `nextLinkState`. Map it to
 * `state.status` and `distinctUntilChanged()` for `status$`.
 *
 * ```
 * signals:   -c--o---d--r----c--o-
 * status:    C---K---D--R-------K-   (C Connecting, K Connected, D Disconnected, R Reconnecting)
 * ```
 *
 * @example
 * linkStateFrom(signals$, initialLinkState(scheduler.now())).pipe(map((s) => s.status), distinctUntilChanged())
 * // 'Connecting', 'Connected', 'Disconnected', 'Reconnecting', 'Connected'
 *
 * @param signals$ What the engine reports.
 * @param initial The state before any signal.
 */
export function linkStateFrom(signals$: Observable<ConnectionSignal>, initial: LinkState): Observable<LinkState> {
  return signals$.pipe(scan(nextLinkState, initial), startWith(initial), distinctUntilChanged());
}

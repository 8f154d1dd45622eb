import { Observable, concatMap, scan } from 'rxjs';
import { ConnectionEvent } from '../model/ConnectionEvent';
import { ConnectionSignal } from '../model/ConnectionSignal';
import { LinkState, nextLinkState } from '../model/LinkState';
import { linkEvents } from '../model/linkEvents';

/**
 * The connection events: each signal, with the state before and after it, mapped by `linkEvents`
 * to the ten event types (with severities and retry counts).
 *
 * ```
 * signals:   -o----d--c--o-
 * result:    -C----D--A--S-   (Connected, Disconnected, ReconnectAttempt, ReconnectSuccess)
 * ```
 *
 * @example
 * eventsFrom(signals$, initialLinkState(now)).subscribe((e) => log(e.type, e.severity, e.description));
 *
 * @param signals$ What the engine reports.
 * @param initial The state before any signal (the same one `linkStateFrom` starts with).
 */
export function eventsFrom(signals$: Observable<ConnectionSignal>, initial: LinkState): Observable<ConnectionEvent> {
  return signals$.pipe(
    scan(
      ({ state }: { state: LinkState; events: ConnectionEvent[] }, signal: ConnectionSignal) => {
        const next = nextLinkState(state, signal);
        return { state: next, events: linkEvents(state, signal, next) };
      },
      { state: initial, events: [] as ConnectionEvent[] },
    ),
    concatMap(({ events }) => events),
  );
}

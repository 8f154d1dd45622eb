import { Observable } from 'rxjs';
import { Connection } from '../../../src/index';

/**
 * How many subscribers the link's own subjects hold (white-box: `asObservable()` keeps its subject
 * as `source`, and an RxJS 7 Subject lists its `observers`). Per-session subscriptions — the
 * heartbeat's quality feedback, the unstable timer, the watchdogs — attach to these; if a session
 * forgot to unsubscribe, this number would grow with every reconnect.
 */
export function subscriberCount(link: Connection): number {
  const streams: Observable<unknown>[] = [
    link.state$,
    link.events$,
    link.quality$,
    link.stats$,
    link.messages$,
    link.latency$,
  ];
  return streams.reduce((sum, stream) => {
    const subject = (stream as unknown as { source?: { observers?: unknown[] } }).source;
    return sum + (subject?.observers?.length ?? 0);
  }, 0);
}

/** Listeners on `process` across all its events (a library must not pile these up per reconnect). */
export function processListenerCount(): number {
  return process.eventNames().reduce((sum, name) => sum + process.listenerCount(name), 0);
}

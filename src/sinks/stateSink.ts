import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  Observable,
  SchedulerLike,
  Subscription,
  asyncScheduler,
  finalize,
  interval,
  isObservable,
  takeUntil,
} from 'rxjs';
import { ConfigError } from '../model/ConfigError';
import { PERSISTED_STATE_VERSION, PersistedState, serializeState } from '../model/PersistedState';
import { Duration, parseDuration } from '../model/parseDuration';
import { Connection } from '../streams/Connection';
import { writeFileAtomically } from './writeFileAtomically';

/**
 * What the sink saves from: a `Connection` as it is. It reads `snapshot().stats` and
 * `.recentEvents`, and saves once more, and stops, when `status$` completes (the link was closed).
 */
export type StateSource = Pick<Connection, 'status$' | 'snapshot'>;

/** Where `stateSink` saves, how often, and who hears of a failed save. */
export interface StateSinkConfig {
  /** The state file. Its directory is created if missing. Required. */
  readonly path: string;
  /** Time between saves. Defaults to `'1m'`. */
  readonly every?: Duration;
  /**
   * Called when a save fails (saving goes on: a full disk must not stop a trading bot) and when the
   * source errors. Defaults to `console.error`.
   */
  readonly onError?: (error: unknown) => void;
}

/**
 * Saves the link's statistics and recent events to a JSON file (`serializeState`, with a `version`
 * field) every `every` and once more when the link closes, so that `readStateFile` and
 * `connect({ restore })` carry totals and history over a restart.
 *
 * ```
 * every:     ------|------|---
 * status$:   a-b-------c------|
 * file:      ------w------w---w      (w: a save; the last one when status$ completes)
 * ```
 *
 * Every save is atomic (`writeFileAtomically`: a temporary file in the same directory, fsync,
 * rename), so a crash mid-save leaves the previous file and a reader never sees half a file. Saves
 * are synchronous — a few kilobytes each — so the final one, made inside `link.close()`, is on disk
 * before `close()` returns and the process may exit right after. Unsubscribing stops the interval
 * and also saves once more.
 *
 * @example
 * const path = '/var/lib/bot/lifeline.json';
 * const link = connect({ url, restore: readStateFile(path) });
 * stateSink(link, { path, every: '1m' });
 * // … later, on SIGTERM:
 * await link.close();   // the last save is already on disk
 * // lifeline.json: { "version": 1, "savedAt": 1700000000000, "stats": { "totalConnections": 3, … }, "recentEvents": [ … ] }
 *
 * @param source A `Connection`, or any object with `status$` and `snapshot()`.
 * @param config The file, the interval and the error handler.
 * @param scheduler Time for the interval and `savedAt`. Defaults to `asyncScheduler`.
 * @returns The subscription; unsubscribe to stop saving (after one last save).
 * @throws ConfigError when an option is invalid, before anything is subscribed or written.
 */
export function stateSink(
  source: StateSource,
  config: StateSinkConfig,
  scheduler: SchedulerLike = asyncScheduler,
): Subscription {
  if (typeof config !== 'object' || config === null) throw new ConfigError('config', config, 'an object with a path');
  const { path, every = '1m', onError = (error: unknown) => console.error(error) } = config;
  if (typeof path !== 'string' || path.length === 0) throw new ConfigError('path', path, 'a file path');
  const everyMs = parseDuration(every, 'every', { allowZero: false });
  if (typeof onError !== 'function') throw new ConfigError('onError', onError, 'a function (error) => void');
  const s = source as Partial<StateSource> | null;
  if (typeof s !== 'object' || s === null || typeof s.snapshot !== 'function' || !isObservable(s.status$)) {
    throw new ConfigError('source', source, 'a Connection (status$ and snapshot())');
  }

  const save = (): void => {
    try {
      const { stats, recentEvents } = source.snapshot();
      const state: PersistedState = {
        version: PERSISTED_STATE_VERSION,
        savedAt: scheduler.now(),
        stats,
        recentEvents,
      };
      mkdirSync(dirname(path), { recursive: true });
      writeFileAtomically(path, serializeState(state));
    } catch (error) {
      onError(error);
    }
  };

  // Emits once when the link is closed (status$ completes), or its status$ fails.
  const ended$ = new Observable<void>((subscriber) =>
    source.status$.subscribe({
      error: (error: unknown) => {
        onError(error);
        subscriber.next();
      },
      complete: () => subscriber.next(),
    }),
  );
  return interval(everyMs, scheduler).pipe(takeUntil(ended$), finalize(save)).subscribe(save);
}

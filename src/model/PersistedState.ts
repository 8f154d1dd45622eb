import { ConnectionEvent } from './ConnectionEvent';
import { connectionEventTypes } from './ConnectionEventType';
import { ConnectionStats } from './ConnectionStats';

/** What survives a restart: the statistics and the recent events. Versioned, so the format can evolve. */
export interface PersistedState {
  readonly version: 1;
  /** When it was written (ms since the epoch). */
  readonly savedAt: number;
  readonly stats: ConnectionStats;
  readonly recentEvents: readonly ConnectionEvent[];
}

/** The version of the state file's format that this lifeline writes and reads (`version` in the file). */
export const PERSISTED_STATE_VERSION = 1;

/** The file's text for a state. */
export function serializeState(state: PersistedState): string {
  return `${JSON.stringify(state, null, 2)}\n`;
}

/**
 * Parses a state file's text, checking every field, and throws a readable Error for anything else:
 * a half-written file, another version, a hand-edited value of the wrong type.
 */
export function parseState(text: string): PersistedState {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`not JSON (half-written or corrupt): ${(error as Error).message}`);
  }
  const state = value as Partial<PersistedState> | null;
  if (typeof state !== 'object' || state === null) throw new Error('not an object');
  if (state.version !== PERSISTED_STATE_VERSION) {
    throw new Error(`version ${String(state.version)} is not supported (expected ${PERSISTED_STATE_VERSION})`);
  }
  if (!isTime(state.savedAt)) throw new Error('savedAt is not a time');
  const stats = state.stats as unknown as Record<string, unknown> | undefined;
  if (typeof stats !== 'object' || stats === null) throw new Error('stats is missing');
  for (const field of [
    'totalConnections',
    'totalDisconnections',
    'totalReconnectAttempts',
    'successfulReconnects',
    'closedDowntime',
  ]) {
    const n = stats[field];
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) throw new Error(`stats.${field} is not a count`);
  }
  if (!isTime(stats.connectionStartTime)) throw new Error('stats.connectionStartTime is not a time');
  for (const field of ['lastDisconnectTime', 'downSince']) {
    if (stats[field] !== undefined && !isTime(stats[field])) throw new Error(`stats.${field} is not a time`);
  }
  if (!Array.isArray(state.recentEvents)) throw new Error('recentEvents is not a list');
  state.recentEvents.forEach((event, i) => {
    const e = event as Partial<ConnectionEvent> | null;
    if (
      typeof e !== 'object' ||
      e === null ||
      !connectionEventTypes.includes(e.type as never) ||
      !isTime(e.timestamp) ||
      typeof e.description !== 'string'
    ) {
      throw new Error(`recentEvents[${i}] is not an event`);
    }
  });
  return state as PersistedState;
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

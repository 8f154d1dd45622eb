import { readFileSync } from 'node:fs';
import { errorMessage } from '../model/RetryExhaustedError';
import { parseState } from '../model/PersistedState';
import { RestoredState } from '../streams/Connection';

/**
 * Reads a state file written by `stateSink`, for `connect({ restore })`. Never throws: whatever is
 * wrong with the file becomes a `warning`, which `connect()` turns into an ErrorOccurred event at
 * start before carrying on with fresh statistics — a bot must not refuse to start over a state file.
 *
 * | file                                  | result                                                  |
 * |---------------------------------------|---------------------------------------------------------|
 * | valid                                 | `{ state }`                                             |
 * | missing                               | `{ warning: 'no state file at <path> (first run?)' }`   |
 * | unreadable (permissions, a directory) | `{ warning: '<path>: cannot read: <error>' }`           |
 * | half-written, corrupt, other version  | `{ warning: '<path>: <reason>' }` (from `parseState`)   |
 *
 * @example
 * const restore = readStateFile('/var/lib/bot/lifeline.json');
 * const link = connect({ url, restore });
 * stateSink(link, { path: '/var/lib/bot/lifeline.json' });
 * // first run: link.recentEvents()[0].errorMessage
 * // 'state not restored, starting fresh: no state file at /var/lib/bot/lifeline.json (first run?)'
 *
 * @param path The state file.
 * @returns The state, or the reason there is none.
 */
export function readStateFile(path: string): RestoredState {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT') {
      return { warning: `no state file at ${path} (first run?)` };
    }
    // fs errors carry their own message ("EISDIR: illegal operation on a directory, read").
    const message = (error as { message?: unknown } | null)?.message;
    return { warning: `${String(path)}: cannot read: ${typeof message === 'string' ? message : errorMessage(error)}` };
  }
  try {
    return { state: parseState(text) };
  } catch (error) {
    return { warning: `${path}: ${errorMessage(error)}` };
  }
}

import { compactDuration } from '../sinks/compactDuration';

// The library's 'failed' event speaks to code ("waiting for reconnect() or the recovery attempt in
// 300s"). A person at the command line cannot call reconnect(), and without --recover the CLI exits.
const API_WAIT = /; waiting for reconnect\(\)(?: or the recovery attempt in (\d+(?:\.\d+)?)s)?/g;

/**
 * The Failed event's wording in the terms of the command line: what the CLI does next, instead of the
 * API's `reconnect()`. The event itself (`linkEvents`) is left as it is for library users.
 *
 * @example
 * failedWording('connection failed after 5 retries; waiting for reconnect() or the recovery attempt in 300s', false);
 * // 'connection failed after 5 retries; lifeline stops here (exit 3; --recover keeps watching for the recovery attempt)'
 * failedWording('connection failed after 5 retries; waiting for reconnect() or the recovery attempt in 300s', true);
 * // 'connection failed after 5 retries; the next recovery attempt is in 5m'
 *
 * @param text A line that may hold the Failed event's description.
 * @param recover Whether the CLI keeps watching after Failed (`--recover`, and the demo) or exits now.
 * @returns The line with the API wording replaced; any other line as it is.
 */
export function failedWording(text: string, recover: boolean): string {
  return text.replace(API_WAIT, (_: string, seconds: string | undefined) => {
    if (!recover) return '; lifeline stops here (exit 3; --recover keeps watching for the recovery attempt)';
    if (seconds === undefined) return '; no recovery attempt is scheduled (--recovery-interval Infinity)';
    return `; the next recovery attempt is in ${compactDuration(Number(seconds) * 1000, 'en')}`;
  });
}

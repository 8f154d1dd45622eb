import { format } from 'date-fns';

/**
 * A scheduler timestamp (ms since the epoch) as ISO 8601 with milliseconds and the local offset,
 * e.g. `2025-03-01T09:30:00.125+08:00` (`Z` in UTC), for machine-read output: NDJSON, JSON reports
 * and log fields. Milliseconds are kept because latency events are compared at that grain.
 *
 * @example
 * isoTimestamp(0); // '1970-01-01T00:00:00.000Z' with TZ=UTC
 */
export function isoTimestamp(ms: number): string {
  return format(ms, "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
}

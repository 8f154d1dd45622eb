/** Lists up to this long are copied to grow; longer ones grow in place. */
const COPY_UNTIL = 8;

/**
 * `list` with `item` at its end, in the array to keep from now on: a short list is copied into an
 * array of exactly its new size, a longer one is pushed to. V8 gives an array pushed to from empty
 * 17 slots at once (150 B); a handle keeps a few such lists (its events, its pings in flight, its
 * latency points) that mostly hold one or two entries, and at ten thousand handles that is megabytes.
 *
 * @example
 * let times: number[] = [];
 * times = appendCompact(times, 1); // [1], a new array of one slot
 */
export function appendCompact<T>(list: T[], item: T): T[] {
  if (list.length >= COPY_UNTIL) {
    list.push(item);
    return list;
  }
  return list.concat([item]);
}

/**
 * A list that is mostly one item, kept without an array while it is: none (`undefined`), the item
 * itself, or an exact array of two or more. An array of one costs 56 B; a trade gate keeps two such
 * lists (its `gate$` and `riskEvents$` subscribers), nearly always of one each, per link.
 *
 * @example
 * let list: OneOrMany<Watcher> = undefined;
 * list = withItem(list, a);          // a
 * list = withItem(list, b);          // [a, b]
 * list = withoutItem(list, a);       // b
 * countOf(list);                     // 1
 * itemAt(list, 0);                   // b
 */
export type OneOrMany<T extends object> = T | readonly T[] | undefined;

const isMany = <T extends object>(list: OneOrMany<T>): list is readonly T[] => Array.isArray(list);

/** How many items `list` holds. */
export function countOf<T extends object>(list: OneOrMany<T>): number {
  return list === undefined ? 0 : isMany(list) ? list.length : 1;
}

/** The item at `index` (0 ≤ index < `countOf(list)`). */
export function itemAt<T extends object>(list: OneOrMany<T>, index: number): T {
  return (isMany(list) ? list[index] : list) as T;
}

/** `list` with `item` at its end. */
export function withItem<T extends object>(list: OneOrMany<T>, item: T): OneOrMany<T> {
  if (list === undefined) return item;
  return isMany(list) ? list.concat([item]) : [list, item];
}

/** `list` without the first `item` in it; `list` itself when it holds none. */
export function withoutItem<T extends object>(list: OneOrMany<T>, item: T): OneOrMany<T> {
  if (list === item) return undefined;
  if (!isMany(list)) return list;
  const index = list.indexOf(item);
  if (index < 0) return list;
  const rest = list.slice(0, index).concat(list.slice(index + 1));
  return rest.length === 1 ? rest[0] : rest;
}

/**
 * The value `map` holds for `key`, made by `make` and kept there on first use: one shared object
 * per scheduler, per period, per settings (a `Map` or a `WeakMap`).
 *
 * @example
 * const tickers = new Map<number, Ticker>();
 * getOrMake(tickers, 1000, () => new Ticker(1000)) === getOrMake(tickers, 1000, () => new Ticker(1000)); // true
 */
export function getOrMake<K, V>(
  map: { get(key: K): V | undefined; set(key: K, value: V): unknown },
  key: K,
  make: () => V,
): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

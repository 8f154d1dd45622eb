/** A small order as a trading bot writes it; `t` first, so the server reads the stamp without parsing. */
export interface BenchOrder {
  /** When the client handed it to the library, on `sharedClockMicros()`, µs. */
  readonly t: number;
  readonly op: 'order';
  readonly coin: string;
  readonly side: 'B' | 'A';
  readonly px: string;
  readonly sz: string;
  /** Client order id. */
  readonly cloid: number;
}

/**
 * Order `i` of a run, stamped `t`: about 100 bytes of JSON once encoded, different every time (price,
 * size, side and id vary), so no layer can cache an encoding.
 *
 * @example
 * JSON.stringify(benchOrder(7, 1234.5))
 * // '{"t":1234.5,"op":"order","coin":"BTC","side":"A","px":"67003.5","sz":"0.008","cloid":7}'
 *
 * @param i The order's number in the run.
 * @param t The send-time stamp, µs.
 * @returns The order, a fresh object.
 */
export function benchOrder(i: number, t: number): BenchOrder {
  return {
    t,
    op: 'order',
    coin: 'BTC',
    side: i % 2 === 0 ? 'B' : 'A',
    px: (67000 + (i % 400) / 2).toFixed(1),
    sz: (0.001 * (1 + (i % 97))).toFixed(3),
    cloid: i,
  };
}

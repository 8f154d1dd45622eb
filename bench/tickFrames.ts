/** Server text frames built once, back to back, ready to be written to a raw TCP socket. */
export interface TickFrames {
  /** Every frame, back to back. */
  readonly buffer: Buffer;
  /** `ends[i]` is the offset just past frame `i`: `buffer.subarray(0, ends[k - 1])` holds the first `k` frames. */
  readonly ends: readonly number[];
  /** Mean JSON payload length, bytes. */
  readonly payloadBytes: number;
}

/**
 * Builds `count` distinct trade ticks of about 150 bytes each as unmasked server text frames
 * (`0x81`, length, payload), the way an exchange feed looks on the wire. Built once and written
 * many times, so the server spends nothing per message and the client's cost is what is measured.
 *
 * @example
 * tickFrames(1000).payloadBytes // 150
 */
export function tickFrames(count: number): TickFrames {
  const frames: Buffer[] = [];
  const ends: number[] = [];
  let offset = 0;
  let payloadTotal = 0;
  let seed = 0x2545f491;
  const hex = (digits: number): string => {
    let out = '';
    for (let i = 0; i < digits; i++) {
      // xorshift32: deterministic, so every run sends the same bytes.
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      out += ((seed >>> 0) & 15).toString(16);
    }
    return out;
  };
  for (let i = 0; i < count; i++) {
    const payload = Buffer.from(
      JSON.stringify({
        channel: 'trades',
        data: [
          {
            coin: 'BTC',
            px: (67000 + (i % 400) / 2).toFixed(1),
            sz: (0.001 * (1 + (i % 97))).toFixed(3),
            time: 1732400000000 + i,
            side: i % 2 === 0 ? 'B' : 'A',
            hash: `0x${hex(40)}`,
          },
        ],
      }),
    );
    const header =
      payload.length < 126
        ? Buffer.from([0x81, payload.length])
        : Buffer.from([0x81, 126, payload.length >> 8, payload.length & 0xff]);
    frames.push(header, payload);
    offset += header.length + payload.length;
    payloadTotal += payload.length;
    ends.push(offset);
  }
  return { buffer: Buffer.concat(frames), ends, payloadBytes: payloadTotal / count };
}

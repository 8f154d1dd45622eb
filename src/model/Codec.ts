/** What crosses the wire: text frames as strings, binary frames as Buffers. */
export type WireData = string | Buffer;

/** Turns outbound messages into frames and inbound frames into messages. */
export interface Codec<In = unknown, Out = unknown> {
  /** Encodes an outbound message; throw to reject it (send() rejects with a SendError of reason `encode`). */
  encode(message: Out): WireData;
  /** Decodes an inbound frame; throw for a malformed one (it becomes an ErrorOccurred event, not a crash). */
  decode(data: WireData): In;
}

/**
 * JSON both ways. Strings given to `send()` are taken as already serialised and sent as they are;
 * anything else is `JSON.stringify`-ed. Binary frames are decoded as UTF-8 JSON.
 */
export const jsonCodec: Codec<unknown, unknown> = {
  encode(message) {
    if (typeof message === 'string') return message;
    const text = JSON.stringify(message);
    if (text === undefined) throw new TypeError(`cannot encode ${typeof message} as JSON`);
    return text;
  },
  decode(data) {
    return JSON.parse(typeof data === 'string' ? data : data.toString('utf8'));
  },
};

/** No encoding: frames are passed through as strings or Buffers. */
export const rawCodec: Codec<WireData, WireData> = {
  encode(message) {
    if (typeof message !== 'string' && !Buffer.isBuffer(message)) {
      throw new TypeError(`rawCodec sends strings and Buffers, got ${typeof message}`);
    }
    return message;
  },
  decode(data) {
    return data;
  },
};

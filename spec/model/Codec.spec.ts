import { jsonCodec, rawCodec } from '../../src/index';

describe('jsonCodec', () => {
  describe('encode', () => {
    it('should pass strings through as already serialised', () => {
      expect(jsonCodec.encode('{"op":"ping"}')).toBe('{"op":"ping"}');
      expect(jsonCodec.encode('not json at all')).toBe('not json at all');
      expect(jsonCodec.encode('')).toBe('');
    });

    it('should stringify objects, arrays, numbers, booleans and null', () => {
      expect(jsonCodec.encode({ op: 'subscribe', args: ['trades'] })).toBe('{"op":"subscribe","args":["trades"]}');
      expect(jsonCodec.encode([1, 2])).toBe('[1,2]');
      expect(jsonCodec.encode(42)).toBe('42');
      expect(jsonCodec.encode(false)).toBe('false');
      expect(jsonCodec.encode(null)).toBe('null');
    });

    it('should throw a TypeError for values JSON cannot represent', () => {
      expect(() => jsonCodec.encode(undefined)).toThrow(new TypeError('cannot encode undefined as JSON'));
      expect(() => jsonCodec.encode(() => 1)).toThrow(new TypeError('cannot encode function as JSON'));
      expect(() => jsonCodec.encode(Symbol('s'))).toThrow(new TypeError('cannot encode symbol as JSON'));
    });

    it('should throw for a BigInt', () => {
      expect(() => jsonCodec.encode(10n)).toThrow(TypeError);
      expect(() => jsonCodec.encode({ size: 10n })).toThrow(TypeError);
    });

    it('should throw for a circular structure', () => {
      const order: Record<string, unknown> = { id: 1 };
      order.self = order;
      expect(() => jsonCodec.encode(order)).toThrow(TypeError);
    });
  });

  describe('decode', () => {
    it('should parse a text frame', () => {
      expect(jsonCodec.decode('{"channel":"trades","px":1.5}')).toEqual({ channel: 'trades', px: 1.5 });
    });

    it('should parse a binary frame as UTF-8', () => {
      expect(jsonCodec.decode(Buffer.from('{"msg":"已连接"}', 'utf8'))).toEqual({ msg: '已连接' });
    });

    it('should throw a SyntaxError on malformed JSON', () => {
      expect(() => jsonCodec.decode('{"channel":')).toThrow(SyntaxError);
      expect(() => jsonCodec.decode(Buffer.from('not json'))).toThrow(SyntaxError);
      expect(() => jsonCodec.decode('')).toThrow(SyntaxError);
    });

    it('should round-trip what it encodes', () => {
      const message = { op: 'order', side: 'buy', px: 101.25, qty: 3, tags: ['grid', null] };
      expect(jsonCodec.decode(jsonCodec.encode(message))).toEqual(message);
    });
  });
});

describe('rawCodec', () => {
  it('should pass strings through unchanged', () => {
    expect(rawCodec.encode('hello')).toBe('hello');
    expect(rawCodec.decode('hello')).toBe('hello');
  });

  it('should pass Buffers through as the same Buffer', () => {
    const frame = Buffer.from([1, 2, 3]);
    expect(rawCodec.encode(frame)).toBe(frame);
    expect(rawCodec.decode(frame)).toBe(frame);
  });

  it('should throw a TypeError for anything but a string or a Buffer', () => {
    const encode = rawCodec.encode as (message: unknown) => unknown;
    expect(() => encode({ op: 'ping' })).toThrow(new TypeError('rawCodec sends strings and Buffers, got object'));
    expect(() => encode(42)).toThrow(new TypeError('rawCodec sends strings and Buffers, got number'));
    expect(() => encode(undefined)).toThrow(TypeError);
    expect(() => encode(new Uint8Array([1]))).toThrow(TypeError);
  });
});

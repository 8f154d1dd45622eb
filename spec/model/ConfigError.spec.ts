import { ConfigError } from '../../src/index';
import { describe as describeValue } from '../../src/model/ConfigError';

describe('ConfigError', () => {
  const error = new ConfigError('maxAttempts', 2.5, 'a whole number >= 0, or Infinity');

  it('should be an Error with a stable name and code', () => {
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.name).toBe('ConfigError');
    expect(error.code).toBe('LIFELINE_CONFIG');
  });

  it('should carry the field, the value and what is allowed', () => {
    expect(error.field).toBe('maxAttempts');
    expect(error.value).toBe(2.5);
    expect(error.allowed).toBe('a whole number >= 0, or Infinity');
  });

  it('should build a message naming the field, the value and what is allowed', () => {
    expect(error.message).toBe('Invalid maxAttempts: 2.5 (allowed: a whole number >= 0, or Infinity)');
  });

  it('should take a custom message', () => {
    const custom = new ConfigError('maxDelay', 10, 'x', 'maxDelay (10ms) must be >= initialDelay (2s)');
    expect(custom.message).toBe('maxDelay (10ms) must be >= initialDelay (2s)');
    expect(custom.field).toBe('maxDelay');
  });

  describe('describe', () => {
    it('should quote strings', () => {
      expect(describeValue('30x')).toBe('"30x"');
    });

    it('should print numbers, booleans, null and undefined as they are', () => {
      expect([NaN, -1, Infinity, true, null, undefined].map(describeValue)).toEqual([
        'NaN',
        '-1',
        'Infinity',
        'true',
        'null',
        'undefined',
      ]);
    });

    it('should not print a function body', () => {
      expect(describeValue(() => 'secret')).toBe('a function');
    });

    it('should print small objects as JSON', () => {
      expect(describeValue({ a: 1 })).toBe('{"a":1}');
      expect(describeValue([1, 'x'])).toBe('[1,"x"]');
    });

    it('should shorten long objects to 80 characters', () => {
      const text = describeValue({ long: 'x'.repeat(200) });
      expect(text).toHaveLength(80);
      expect(text.endsWith('...')).toBe(true);
    });

    it('should survive values JSON cannot print', () => {
      const circular: Record<string, unknown> = {};
      circular.self = circular;
      expect(describeValue(circular)).toBe('[object Object]');
      expect(describeValue(10n)).toBe('[object BigInt]');
    });
  });
});

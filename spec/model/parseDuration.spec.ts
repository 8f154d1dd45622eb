import * as fc from 'fast-check';
import { ConfigError } from '../../src/index';
import { parseDuration } from '../../src/model/parseDuration';
import { durationAllowed } from '../../src/model/parseDuration';
import { configErrorOf } from '../support/configErrorOf';

describe('parseDuration', () => {
  it.each([
    ['1500ms', 1_500],
    ['30s', 30_000],
    ['10m', 600_000],
    ['1h', 3_600_000],
    ['1.5s', 1_500],
    ['0.5ms', 0.5],
    [' 30 s ', 30_000],
    ['0ms', 0],
  ])('should parse %p as %p ms', (text, ms) => {
    expect(parseDuration(text, 'heartbeatInterval')).toBe(ms);
  });

  it('should take a number as milliseconds', () => {
    expect(parseDuration(1_500, 'initialDelay')).toBe(1_500);
    expect(parseDuration(0, 'initialDelay')).toBe(0);
    expect(parseDuration(2.5, 'initialDelay')).toBe(2.5);
  });

  it('should parse any whole count of any unit (property)', () => {
    const units: ReadonlyArray<readonly [string, number]> = [
      ['ms', 1],
      ['s', 1_000],
      ['m', 60_000],
      ['h', 3_600_000],
    ];
    fc.assert(
      fc.property(fc.nat({ max: 1_000_000 }), fc.constantFrom(...units), (count, [unit, ms]) => {
        if (count * ms <= 2 ** 31 - 1) expect(parseDuration(`${count}${unit}`, 'x')).toBe(count * ms);
        else expect(() => parseDuration(`${count}${unit}`, 'x')).toThrow(ConfigError);
      }),
    );
  });

  it("should refuse anything past Node's longest timer, 2^31 − 1 ms (24.8 days), and accept it exactly", () => {
    expect(parseDuration(2 ** 31 - 1, 'x')).toBe(2 ** 31 - 1);
    expect(configErrorOf(() => parseDuration(2 ** 31, 'checkInterval'))).toMatchObject({
      field: 'checkInterval',
      value: 2 ** 31,
    });
    expect(configErrorOf(() => parseDuration('597h', 'recoveryInterval', { allowInfinity: true })).allowed).toContain(
      'up to 24.8 days',
    );
  });

  describe('Infinity', () => {
    it('should be rejected by default, as a number or a string', () => {
      expect(() => parseDuration(Infinity, 'heartbeatTimeout')).toThrow(ConfigError);
      expect(() => parseDuration('Infinity', 'heartbeatTimeout')).toThrow(ConfigError);
    });

    it('should be accepted when allowed, as a number or a string', () => {
      expect(parseDuration(Infinity, 'recoveryInterval', { allowInfinity: true })).toBe(Infinity);
      expect(parseDuration('Infinity', 'recoveryInterval', { allowInfinity: true })).toBe(Infinity);
      expect(parseDuration(' Infinity ', 'recoveryInterval', { allowInfinity: true })).toBe(Infinity);
    });

    it('should reject -Infinity even when Infinity is allowed', () => {
      expect(() => parseDuration(-Infinity, 'recoveryInterval', { allowInfinity: true })).toThrow(ConfigError);
      expect(() => parseDuration('-Infinity', 'recoveryInterval', { allowInfinity: true })).toThrow(ConfigError);
    });
  });

  describe('zero', () => {
    it('should be accepted by default', () => {
      expect(parseDuration('0s', 'resetOnSuccess')).toBe(0);
    });

    it('should be rejected when not allowed, as a number or a string', () => {
      expect(() => parseDuration(0, 'heartbeatInterval', { allowZero: false })).toThrow(ConfigError);
      expect(() => parseDuration('0s', 'heartbeatInterval', { allowZero: false })).toThrow(ConfigError);
    });
  });

  it.each<[string, unknown]>([
    ['an empty string', ''],
    ['an unknown unit', '5x'],
    ['a bare number string', '30'],
    ['a negative string', '-5s'],
    ['an exponent', '1e3ms'],
    ['a unit alone', 's'],
    ['a spelled-out unit', '10 minutes'],
    ['a negative number', -1],
    ['NaN', NaN],
    ['null', null],
    ['undefined', undefined],
    ['a boolean', true],
    ['an object', { ms: 5 }],
  ])('should reject %s', (_label, value) => {
    expect(() => parseDuration(value, 'checkInterval')).toThrow(ConfigError);
  });

  it('should name the field, the value and what is allowed in the error', () => {
    const error = configErrorOf(() => parseDuration('5x', 'heartbeatInterval', { allowZero: false }));
    expect(error.field).toBe('heartbeatInterval');
    expect(error.value).toBe('5x');
    expect(error.allowed).toBe(durationAllowed({ allowZero: false }));
    expect(error.message).toContain('heartbeatInterval');
    expect(error.message).toContain('"5x"');
  });

  it('should name a numeric value in the message', () => {
    const error = configErrorOf(() => parseDuration(-1, 'initialDelay'));
    expect(error.message).toMatch(/initialDelay.*-1/);
    expect(error.value).toBe(-1);
  });

  describe('durationAllowed', () => {
    it('should say >= 0 by default', () => {
      expect(durationAllowed()).toBe(
        'a duration >= 0 and up to 24.8 days: milliseconds or a string like "1500ms", "30s", "10m"',
      );
    });

    it('should say > 0 when zero is not allowed and mention Infinity when it is allowed', () => {
      expect(durationAllowed({ allowZero: false, allowInfinity: true })).toBe(
        'a duration > 0 and up to 24.8 days: milliseconds or a string like "1500ms", "30s", "10m", or Infinity',
      );
    });
  });
});

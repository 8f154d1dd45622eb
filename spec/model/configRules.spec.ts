import { attempts, boolean, factor, integer, jitter, oneOf, range, takeLimit } from '../../src/model/configRules';
import { configErrorOf } from '../support/configErrorOf';

describe('configRules', () => {
  describe('boolean', () => {
    it('should accept true and false', () => {
      expect(boolean('adaptiveHeartbeat', true)).toBe(true);
      expect(boolean('adaptiveHeartbeat', false)).toBe(false);
    });

    it.each([0, 1, 'true', null, undefined])('should reject %p', (value) => {
      const error = configErrorOf(() => boolean('adaptiveHeartbeat', value));
      expect(error).toMatchObject({ field: 'adaptiveHeartbeat', value, allowed: 'true or false' });
    });
  });

  describe('oneOf', () => {
    it('should accept a listed option', () => {
      expect(oneOf('ping', 'app', ['ws', 'app'])).toBe('app');
    });

    it.each(['WS', '', 'http', 1, null])('should reject %p and list the options', (value) => {
      const error = configErrorOf(() => oneOf('ping', value, ['ws', 'app']));
      expect(error).toMatchObject({ field: 'ping', value, allowed: '"ws" or "app"' });
    });
  });

  describe('integer', () => {
    it('should accept whole numbers at or above the minimum', () => {
      expect(integer('maxEvents', 1, 1)).toBe(1);
      expect(integer('queueSize', 0, 0)).toBe(0);
      expect(integer('maxEvents', 1e6, 1)).toBe(1e6);
    });

    it.each([0, -1, 1.5, NaN, Infinity, '10', null])('should reject %p with minimum 1', (value) => {
      const error = configErrorOf(() => integer('maxEvents', value, 1));
      expect(error).toMatchObject({ field: 'maxEvents', allowed: 'a whole number >= 1' });
      expect(Object.is(error.value, value)).toBe(true);
    });
  });

  describe('attempts', () => {
    it('should accept whole numbers from 0 and Infinity', () => {
      expect([0, 5, 100, Infinity].map((n) => attempts('maxAttempts', n))).toEqual([0, 5, 100, Infinity]);
    });

    it.each([-1, 2.5, NaN, -Infinity, '5', null])('should reject %p', (value) => {
      const error = configErrorOf(() => attempts('maxAttempts', value));
      expect(error).toMatchObject({ field: 'maxAttempts', allowed: 'a whole number >= 0, or Infinity' });
    });
  });

  describe('factor', () => {
    it('should accept finite numbers from 1', () => {
      expect([1, 1.5, 2, 10].map((n) => factor('factor', n))).toEqual([1, 1.5, 2, 10]);
    });

    it.each([0.99, 0, -2, NaN, Infinity, '2'])('should reject %p', (value) => {
      expect(configErrorOf(() => factor('factor', value))).toMatchObject({
        field: 'factor',
        allowed: 'a finite number >= 1',
      });
    });
  });

  describe('jitter', () => {
    it("should accept 'none', 'full', 'equal' and ratios from 0 to 1", () => {
      expect(['none', 'full', 'equal', 0, 0.2, 1].map((j) => jitter('jitter', j))).toEqual([
        'none',
        'full',
        'equal',
        0,
        0.2,
        1,
      ]);
    });

    it.each([-0.1, 1.01, NaN, Infinity, 'half', '', null])('should reject %p', (value) => {
      expect(configErrorOf(() => jitter('jitter', value)).field).toBe('jitter');
    });
  });

  describe('range', () => {
    it('should accept the bounds and anything between', () => {
      expect([0, 50.5, 100].map((n) => range('qualityThreshold', n, 0, 100))).toEqual([0, 50.5, 100]);
    });

    it.each([-0.01, 100.01, NaN, Infinity, '70', null])('should reject %p', (value) => {
      expect(configErrorOf(() => range('qualityThreshold', value, 0, 100))).toMatchObject({
        field: 'qualityThreshold',
        allowed: 'a number from 0 to 100',
      });
    });
  });

  describe('takeLimit', () => {
    it('should accept whole numbers >= 1 and Infinity', () => {
      expect(takeLimit('messageLimit', 1)).toBe(1);
      expect(takeLimit('messageLimit', 2000)).toBe(2000);
      expect(takeLimit('messageLimit', Infinity)).toBe(Infinity);
    });

    it.each([0, -1, 1.5, NaN, -Infinity, '10', null])('should reject %p', (value) => {
      const error = configErrorOf(() => takeLimit('messageLimit', value));
      expect(error).toMatchObject({ field: 'messageLimit', allowed: 'a whole number >= 1, or Infinity' });
      expect(Object.is(error.value, value)).toBe(true);
    });
  });
});

import { RetryExhaustedError } from '../../src/index';
import { errorMessage } from '../../src/model/RetryExhaustedError';

describe('RetryExhaustedError', () => {
  const cause = new Error('ECONNREFUSED');
  const error = new RetryExhaustedError(5, cause);

  it('should be an Error with a stable name and code', () => {
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('RetryExhaustedError');
    expect(error.code).toBe('LIFELINE_RETRY_EXHAUSTED');
  });

  it('should carry the retries made and the last error', () => {
    expect(error.attempts).toBe(5);
    expect(error.cause).toBe(cause);
  });

  it('should say how many retries were made and why the last failed', () => {
    expect(error.message).toBe('gave up after 5 retries: ECONNREFUSED');
    expect(new RetryExhaustedError(1, 'timeout').message).toBe('gave up after 1 retry: timeout');
    expect(new RetryExhaustedError(0, 'fatal').message).toBe('gave up after 0 retries: fatal');
  });

  describe('errorMessage', () => {
    it('should use the message of an Error, or its name when it has none', () => {
      expect(errorMessage(new Error('boom'))).toBe('boom');
      expect(errorMessage(new TypeError())).toBe('TypeError');
    });

    it('should use a string as it is', () => {
      expect(errorMessage('timeout')).toBe('timeout');
    });

    it('should print other values as JSON, falling back to String', () => {
      expect(errorMessage({ code: 1006 })).toBe('{"code":1006}');
      expect(errorMessage(undefined)).toBe('undefined');
      expect(errorMessage(10n)).toBe('10');
      const circular: Record<string, unknown> = {};
      circular.self = circular;
      expect(errorMessage(circular)).toBe('[object Object]');
    });
  });
});

import { ConfigError } from '../../src/index';
import { usageMessage } from '../../src/cli/usageMessage';

describe('usageMessage', () => {
  it('should name the option as typed, the value and what is allowed', () => {
    expect(usageMessage(new ConfigError('heartbeatInterval', 'abc', 'a duration > 0'))).toBe(
      'invalid --heartbeat-interval: "abc" (allowed: a duration > 0)',
    );
  });

  it('should keep a custom message and add the value and what is allowed', () => {
    expect(
      usageMessage(
        new ConfigError(
          'maxDelay',
          '1s',
          'a duration >= initialDelay (2s)',
          'maxDelay (1s) must be >= initialDelay (2s)',
        ),
      ),
    ).toBe(
      'invalid --max-delay: maxDelay (1s) must be >= initialDelay (2s) (given: "1s"; allowed: a duration >= initialDelay (2s))',
    );
  });

  it('should call the URL the <url> argument and redact it', () => {
    expect(usageMessage(new ConfigError('url', 'http://x/?key=k', 'a ws:// URL'))).toBe(
      'invalid <url>: "http://x/?key=***" (allowed: a ws:// URL)',
    );
  });
});

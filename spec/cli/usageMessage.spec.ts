import { ConfigError } from '../../src/index';
import { resolveConfig } from '../../src/model/LifelineConfig';
import { configInput } from '../../src/cli/configOptions';
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

  describe('two durations out of order', () => {
    /** The message the CLI prints for these options, as commander hands them over. */
    function messageFor(options: Record<string, string>): string {
      try {
        resolveConfig(configInput('ws://127.0.0.1:1', options));
      } catch (error) {
        return usageMessage(error as ConfigError, options);
      }
      throw new Error('no ConfigError');
    }

    it('should name the flag the user typed, not the one left at its default, with durations as durations', () => {
      const message = messageFor({ heartbeatInterval: '1.5m' });
      expect(message).toBe(
        '--heartbeat-interval 1.5m is too long for --heartbeat-timeout (1m by default): ' +
          'give --heartbeat-timeout more than 1.5m, or a shorter --heartbeat-interval (a pong needs time to come back)',
      );
      expect(message).not.toContain('60000');
    });

    it('should say what to change when only the longer one was typed', () => {
      expect(messageFor({ heartbeatTimeout: '20s' })).toBe(
        '--heartbeat-timeout 20s is too short for --heartbeat-interval (30s by default): ' +
          'give --heartbeat-timeout more than 30s, or --heartbeat-interval under 20s (a pong needs time to come back)',
      );
    });

    it('should show both as typed when both were, and milliseconds as a duration', () => {
      expect(messageFor({ heartbeatInterval: '90000', heartbeatTimeout: '1m' })).toBe(
        '--heartbeat-timeout 1m must be more than --heartbeat-interval 1m30s (a pong needs time to come back)',
      );
      expect(messageFor({ initialDelay: '5s', maxDelay: '2s' })).toBe(
        '--max-delay 2s must be at least --initial-delay 5s (no retry waits longer than the cap)',
      );
    });

    it('should keep the plain message for a bad value of the same field', () => {
      expect(messageFor({ heartbeatTimeout: 'soon' })).toMatch(/^invalid --heartbeat-timeout: "soon"/);
    });
  });
});

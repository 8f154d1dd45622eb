import { ConfigError, describe } from '../model/ConfigError';
import { redactText } from '../sinks/redactText';
import { flagOf } from './configOptions';

/**
 * A `ConfigError` in the words of the command line, secrets redacted: the option as typed (`--heartbeat-interval`
 * rather than `heartbeatInterval`), the value and what is allowed.
 *
 * @example
 * usageMessage(new ConfigError('heartbeatInterval', 'abc', 'a duration > 0'));
 * // 'invalid --heartbeat-interval: "abc" (allowed: a duration > 0)'
 */
export function usageMessage(error: ConfigError): string {
  return redactText(plainUsageMessage(error));
}

function plainUsageMessage(error: ConfigError): string {
  const flag = flagOf(error.field);
  const standard = `Invalid ${error.field}: `;
  if (error.message.startsWith(standard)) return `invalid ${flag}: ${error.message.slice(standard.length)}`;
  return `invalid ${flag}: ${error.message} (given: ${describe(error.value)}; allowed: ${error.allowed})`;
}

import { Command } from 'commander';
import { configFieldNames, resolveConfig } from '../../src/model/LifelineConfig';
import {
  addConfigOptions,
  configInput,
  configOptionFields,
  configOptions,
  durationArgument,
  flagOf,
  kebab,
  numberArgument,
  parseMessage,
} from '../../src/cli/configOptions';

const parse = (args: string[]): Record<string, unknown> => {
  const command = addConfigOptions(new Command('monitor').exitOverride()).argument('<url>');
  command.parse(['ws://127.0.0.1:1', ...args], { from: 'user' });
  return command.opts();
};

describe('configOptions', () => {
  it('should have an option, with help, for every config field but url', () => {
    expect(configOptionFields()).toEqual(configFieldNames.filter((name) => name !== 'url'));
    expect(Object.keys(configOptions).sort()).toEqual(configOptionFields().sort());
    for (const field of configOptionFields()) expect(configOptions[field].doc.length).toBeGreaterThan(10);
  });

  it('should name each option after its field in kebab-case', () => {
    expect(kebab('heartbeatInterval')).toBe('heartbeat-interval');
    expect(flagOf('maxAttempts')).toBe('--max-attempts');
    expect(flagOf('url')).toBe('<url>');
    const command = addConfigOptions(new Command('monitor'));
    const flags = command.options.map((option) => option.long);
    for (const field of configOptionFields()) expect(flags).toContain(flagOf(field));
    for (const flag of [
      '--heartbeat-interval',
      '--heartbeat-timeout',
      '--check-interval',
      '--initial-delay',
      '--max-delay',
      '--factor',
      '--jitter',
      '--max-attempts',
    ]) {
      expect(flags).toContain(flag);
    }
  });

  it('should show each default in the help', () => {
    const help = addConfigOptions(new Command('monitor')).helpInformation();
    expect(help).toMatch(/--heartbeat-interval <duration>\s+time between pings[^]*\(default: 30s\)/);
    expect(help).toMatch(/--max-attempts <n>[^]*\(default: 5\)/);
  });

  it('should turn the options given into config input, leaving the rest to the defaults', () => {
    const input = configInput(
      'ws://127.0.0.1:1',
      parse([
        '--heartbeat-interval',
        '500ms',
        '--heartbeat-timeout',
        '2000',
        '--max-attempts',
        'Infinity',
        '--factor',
        '1.5',
        '--jitter',
        'equal',
        '--protocols',
        'a,b',
        '--protocols',
        'c',
        '--headers',
        'Authorization: Bearer t',
        '--headers',
        'X-Id=7',
        '--ping',
        'app',
        '--ping-message',
        '{"op":"ping"}',
        '--no-adaptive-heartbeat',
      ]),
    );
    expect(input).toEqual({
      url: 'ws://127.0.0.1:1',
      heartbeatInterval: '500ms',
      heartbeatTimeout: 2000,
      maxAttempts: Infinity,
      factor: 1.5,
      jitter: 'equal',
      protocols: ['a', 'b', 'c'],
      headers: { Authorization: 'Bearer t', 'X-Id': '7' },
      ping: 'app',
      pingMessage: { op: 'ping' },
      adaptiveHeartbeat: false,
    });
    expect(resolveConfig(input)).toMatchObject({ heartbeatInterval: 500, heartbeatTimeout: 2000, jitter: 'equal' });
  });

  it('should pass a value it cannot convert on as written, so the ConfigError quotes it', () => {
    expect(configInput('ws://x', { factor: 'big', jitter: '0.3', maxEvents: '12' })).toEqual({
      url: 'ws://x',
      factor: 'big',
      jitter: 0.3,
      maxEvents: 12,
    });
    expect(() => resolveConfig(configInput('ws://x', { factor: 'big' }))).toThrow('Invalid factor: "big"');
  });

  it('should take several URLs for failover, and one as a string', () => {
    expect(configInput(['ws://a', 'ws://b'], {}).url).toEqual(['ws://a', 'ws://b']);
    expect(configInput(['ws://a'], {}).url).toBe('ws://a');
  });

  it('should reject a header without a name and a value', () => {
    expect(() => configInput('ws://x', { headers: ['nonsense'] })).toThrow(
      'Invalid headers: "nonsense" (allowed: a header as "Name: value")',
    );
  });

  it('should read bare numbers as numbers and keep the rest', () => {
    expect(durationArgument('250')).toBe(250);
    expect(durationArgument('2s')).toBe('2s');
    expect(numberArgument('3')).toBe(3);
    expect(numberArgument('three')).toBe('three');
    expect(parseMessage('{"a":1}')).toEqual({ a: 1 });
    expect(parseMessage('ping')).toBe('ping');
  });
});

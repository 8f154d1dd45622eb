import { Subject, of, throwError } from 'rxjs';
import { ConfigError, ConnectionEvent } from '../../src/index';
import { createEvent } from '../../src/model/ConnectionEvent';
import { DeadmanEvent } from '../../src/sinks/DeadmanEvent';
import { NetworkRiskEvent } from '../../src/sinks/NetworkRiskEvent';
import { LoggableEvent, PinoLikeLogger, logSink } from '../../src/sinks/logSink';
import { inUtc } from './fixtures';

type Call = [level: string, object: Record<string, unknown>, message: string | undefined];

function recorder(): PinoLikeLogger & { calls: Call[] } {
  const calls: Call[] = [];
  const at = (level: string) => (object: object, message?: string) =>
    void calls.push([level, object as Record<string, unknown>, message]);
  return { calls, info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') };
}

const event = (type: ConnectionEvent['type'], details = {}): ConnectionEvent =>
  createEvent(type, 1_000, `${type} happened`, details);

describe('logSink', () => {
  inUtc();

  it('should log by severity: 1 info, 2 info, 3 warn, 4 error', () => {
    const logger = recorder();
    logSink(
      of(event('Connected'), event('ReconnectAttempt'), event('HeartbeatTimeout'), event('Disconnected')),
      logger,
    );
    expect(logger.calls.map(([level, object]) => [object.event, level])).toEqual([
      ['Connected', 'info'],
      ['ReconnectAttempt', 'info'],
      ['HeartbeatTimeout', 'warn'],
      ['Disconnected', 'error'],
    ]);
  });

  it('should write structured fields and the description as the message', () => {
    const logger = recorder();
    logSink(
      of(
        event('ReconnectFailed', { errorMessage: 'ECONNREFUSED', retryCount: 2 }),
        event('QualityDegraded', { latencyMs: 1200 }),
      ),
      logger,
    );
    expect(logger.calls).toEqual([
      [
        'warn',
        {
          event: 'ReconnectFailed',
          severity: 3,
          timestamp: '1970-01-01T00:00:01.000Z',
          retryCount: 2,
          errorMessage: 'ECONNREFUSED',
        },
        'ReconnectFailed happened',
      ],
      [
        'info',
        {
          event: 'QualityDegraded',
          severity: 2,
          timestamp: '1970-01-01T00:00:01.000Z',
          retryCount: 0,
          latencyMs: 1200,
        },
        'QualityDegraded happened',
      ],
    ]);
  });

  it('should log network risk events with their reason and downtime', () => {
    const logger = recorder();
    const paused: NetworkRiskEvent = {
      type: 'tradingPaused',
      at: 0,
      severity: 4,
      reason: 'Failed',
      description: 'trading paused',
    };
    const resumed: NetworkRiskEvent = {
      type: 'tradingResumed',
      at: 5000,
      severity: 2,
      reason: 'healthy',
      description: 'trading resumed',
      downtimeMs: 5000,
    };
    logSink(of<LoggableEvent[]>(paused, resumed), logger);
    expect(logger.calls).toEqual([
      [
        'error',
        { event: 'tradingPaused', severity: 4, timestamp: '1970-01-01T00:00:00.000Z', reason: 'Failed' },
        'trading paused',
      ],
      [
        'info',
        {
          event: 'tradingResumed',
          severity: 2,
          timestamp: '1970-01-01T00:00:05.000Z',
          reason: 'healthy',
          downtimeMs: 5000,
        },
        'trading resumed',
      ],
    ]);
  });

  it("should log the dead-man's switch's events with their failures and error, redacted", () => {
    const logger = recorder();
    const failed: DeadmanEvent = {
      type: 'deadmanArmFailed',
      at: 0,
      severity: 3,
      failures: 2,
      errorMessage: 'POST https://x.io/cancel?apiKey=abc: 503',
      description: "dead-man's switch: arm failed (2 in a row)",
    };
    const stopped: DeadmanEvent = {
      type: 'deadmanStopped',
      at: 1000,
      severity: 2,
      failures: 0,
      reason: 'quality',
      description: "dead-man's switch stopped re-arming",
    };
    logSink(of<LoggableEvent[]>(failed, stopped), logger);
    expect(logger.calls).toEqual([
      [
        'warn',
        {
          event: 'deadmanArmFailed',
          severity: 3,
          timestamp: '1970-01-01T00:00:00.000Z',
          failures: 2,
          errorMessage: expect.stringMatching(/^POST https:\/\/x\.io\/cancel\?apiKey=\*\*\*/),
        },
        "dead-man's switch: arm failed (2 in a row)",
      ],
      [
        'info',
        { event: 'deadmanStopped', severity: 2, timestamp: '1970-01-01T00:00:01.000Z', reason: 'quality', failures: 0 },
        "dead-man's switch stopped re-arming",
      ],
    ]);
  });

  it('should add the context to every record, redacted', () => {
    const logger = recorder();
    logSink(of(event('Connected')), logger, {
      context: {
        url: 'wss://bob:pw@x.io/ws?apikey=k&symbol=BTC',
        headers: { Authorization: 'Bearer t', Accept: 'json' },
        apiSecret: 's',
        bot: 'grid-1',
      },
    });
    expect(logger.calls[0]?.[1]).toMatchObject({
      url: 'wss://bob:***@x.io/ws?apikey=***&symbol=BTC',
      headers: { Authorization: 'Bearer ***', Accept: 'json' },
      apiSecret: '***',
      bot: 'grid-1',
    });
  });

  it('should redact secrets in the description and the error', () => {
    const logger = recorder();
    logSink(
      of(
        createEvent('ErrorOccurred', 0, 'check of https://x.io/?token=abc failed', {
          errorMessage: 'password=hunter2',
        }),
      ),
      logger,
    );
    expect(logger.calls[0]?.[2]).toBe('check of https://x.io/?token=*** failed');
    expect(logger.calls[0]?.[1].errorMessage).toBe('password=***');
  });

  it('should follow custom levels, falling back to info for debug on a logger without it', () => {
    const logger = recorder();
    logSink(of(event('Connected'), event('ReconnectAttempt')), logger, { levels: { 1: 'debug', 2: 'warn' } });
    expect(logger.calls.map(([level]) => level)).toEqual(['debug', 'warn']);
    const plain = recorder();
    delete (plain as Partial<PinoLikeLogger>).debug;
    logSink(of(event('Connected')), plain, { levels: { 1: 'debug' } });
    expect(plain.calls.map(([level]) => level)).toEqual(['info']);
  });

  it('should keep logging when the logger throws, telling onError', () => {
    const errors: unknown[] = [];
    const events = new Subject<ConnectionEvent>();
    const logger = recorder();
    logger.error = () => {
      throw new Error('transport down');
    };
    const sink = logSink(events, logger, { onError: (error) => errors.push(error) });
    events.next(event('Disconnected'));
    events.next(event('Connected'));
    expect(errors).toEqual([new Error('transport down')]);
    expect(logger.calls.map(([, object]) => object.event)).toEqual(['Connected']);
    sink.unsubscribe();
    expect(events.observed).toBe(false);
  });

  it('should tell onError when the event stream errors', () => {
    const errors: unknown[] = [];
    logSink(
      throwError(() => new Error('boom')),
      recorder(),
      { onError: (error) => errors.push(error) },
    );
    expect(errors).toEqual([new Error('boom')]);
  });

  it('should reject a logger without info, warn and error, and unknown levels', () => {
    expect(() => logSink(of(), { info: () => undefined } as never)).toThrow(ConfigError);
    expect(() => logSink(of(), console as never, { levels: { 3: 'fatal' as never } })).toThrow(/levels.3.*"fatal"/);
  });
});

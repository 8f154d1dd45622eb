import { createEvent } from '../../src/model/ConnectionEvent';
import { describeEvent } from '../../src/sinks/describeEvent';
import { disconnected, inUtc } from './fixtures';

describe('describeEvent', () => {
  inUtc();

  it('should print time, severity, type, description and error in zh-CN by default', () => {
    expect(describeEvent(disconnected)).toBe(
      '11:52:10 [严重] 连接断开: connection lost (connection closed: 1006 abnormal closure)',
    );
  });

  it('should print it in English', () => {
    expect(describeEvent(disconnected, 'en')).toBe(
      '11:52:10 [critical] Disconnected: connection lost (connection closed: 1006 abnormal closure)',
    );
  });

  it('should leave the time out when asked', () => {
    expect(describeEvent(disconnected, 'en', { time: false })).toBe(
      '[critical] Disconnected: connection lost (connection closed: 1006 abnormal closure)',
    );
  });

  it('should add the latency to a latency warning', () => {
    const event = createEvent('QualityDegraded', 0, 'quality degraded: score 52.0, warnings: latency', {
      latencyMs: 1234.4,
    });
    expect(describeEvent(event, 'en')).toBe(
      '00:00:00 [notice] QualityDegraded: quality degraded: score 52.0, warnings: latency (1234ms)',
    );
  });

  it('should redact secrets in the description and the error', () => {
    const event = createEvent('ErrorOccurred', 0, 'probe of https://x/info?apikey=k failed', {
      errorMessage: 'GET wss://x/?token=t: 401',
    });
    expect(describeEvent(event, 'en', { time: false })).toBe(
      '[critical] ErrorOccurred: probe of https://x/info?apikey=*** failed (GET wss://x/?token=*** 401)',
    );
  });

  it('should not attach a latency to an error-rate warning', () => {
    const event = createEvent('QualityDegraded', 0, 'quality degraded: score 61.0, warnings: errorRate', {
      latencyMs: 4,
    });
    expect(describeEvent(event, 'en', { time: false })).toBe(
      '[notice] QualityDegraded: quality degraded: score 61.0, warnings: errorRate',
    );
    const both = createEvent('QualityDegraded', 0, 'quality degraded: score 40.0, warnings: latency, errorRate', {
      latencyMs: 1500,
    });
    expect(describeEvent(both, 'en', { time: false })).toMatch(/\(1500ms\)$/);
  });

  it('should keep the latency of a forecast, which is about latency', () => {
    const event = createEvent('QualityDegraded', 0, 'latency trend will cross 1000ms', {
      latencyMs: 640,
      predicted: true,
    });
    expect(describeEvent(event, 'en', { time: false })).toMatch(/\(640ms\)$/);
  });
});

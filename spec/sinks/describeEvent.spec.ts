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

  it('should add the latency when known and redact secrets', () => {
    const event = createEvent('QualityDegraded', 0, 'quality degraded via wss://x/?token=t', { latencyMs: 1234.4 });
    expect(describeEvent(event, 'en')).toBe(
      '00:00:00 [notice] QualityDegraded: quality degraded via wss://x/?token=*** (1234ms)',
    );
  });
});

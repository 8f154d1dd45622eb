import { ConnectionEventType, Severity, eventLabelZh, eventSeverity } from '../../src/index';
import { connectionEventTypes } from '../../src/model/ConnectionEventType';

// DESIGN.md: Connected 1 · Disconnected 4 · ReconnectAttempt 2 · ReconnectSuccess 1 · ReconnectFailed 3 ·
// HeartbeatTimeout 3 · DataReceived 1 · ErrorOccurred 4 · QualityDegraded 2 · QualityImproved 1.
const designSeverities: ReadonlyArray<readonly [ConnectionEventType, Severity, string]> = [
  ['Connected', 1, '连接成功'],
  ['Disconnected', 4, '连接断开'],
  ['ReconnectAttempt', 2, '重连尝试'],
  ['ReconnectSuccess', 1, '重连成功'],
  ['ReconnectFailed', 3, '重连失败'],
  ['HeartbeatTimeout', 3, '心跳超时'],
  ['DataReceived', 1, '数据接收'],
  ['ErrorOccurred', 4, '错误发生'],
  ['QualityDegraded', 2, '连接质量下降'],
  ['QualityImproved', 1, '连接质量改善'],
  // Beyond the seed: the session (issue 13) and the process's own stalls (issue 10).
  ['SessionStep', 1, '会话步骤'],
  ['SessionReady', 1, '会话就绪'],
  ['ProcessStalled', 3, '进程停顿'],
];

describe('ConnectionEventType', () => {
  it("should list exactly the seed's ten event types, in its order, then the session's and the process's", () => {
    expect(connectionEventTypes).toEqual(designSeverities.map(([type]) => type));
  });

  it('should name each event type by its own key', () => {
    for (const [key, value] of Object.entries(ConnectionEventType)) expect(value).toBe(key);
  });

  describe.each(designSeverities)('%s', (type, severity, zh) => {
    it(`should have severity ${severity}`, () => {
      expect(eventSeverity(type)).toBe(severity);
    });

    it(`should have the Chinese label ${zh}`, () => {
      expect(eventLabelZh(type)).toBe(zh);
    });
  });

  it('should keep every severity between 1 (info) and 4 (critical)', () => {
    for (const type of connectionEventTypes) {
      expect(eventSeverity(type)).toBeGreaterThanOrEqual(1);
      expect(eventSeverity(type)).toBeLessThanOrEqual(4);
    }
  });
});

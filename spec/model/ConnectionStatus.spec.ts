import { ConnectionStatus, isConnecting, isHealthy, needsReconnect, statusLabelZh } from '../../src/index';
import { connectionStatuses, statusLabelEn } from '../../src/model/ConnectionStatus';

// The table of DESIGN.md, row by row: status, zh, healthy, needs reconnect, connecting.
const designTable: ReadonlyArray<readonly [ConnectionStatus, string, boolean, boolean, boolean]> = [
  ['Connected', '已连接', true, false, false],
  ['Unstable', '连接不稳定', false, true, false],
  ['Disconnected', '已断开', false, true, false],
  ['Connecting', '连接中', false, false, true],
  ['Reconnecting', '重连中', false, false, true],
  ['Failed', '连接失败', false, true, false],
];

describe('ConnectionStatus', () => {
  it('should list exactly the six statuses of the design table, in its order', () => {
    expect(connectionStatuses).toEqual(designTable.map(([status]) => status));
  });

  it('should name each status by its own key', () => {
    for (const [key, value] of Object.entries(ConnectionStatus)) expect(value).toBe(key);
    expect(ConnectionStatus.Connected).toBe('Connected');
  });

  describe.each(designTable)('%s', (status, zh, healthy, reconnect, connecting) => {
    it(`should have the Chinese label ${zh}`, () => {
      expect(statusLabelZh(status)).toBe(zh);
    });

    it(`should have the English label ${status}`, () => {
      expect(statusLabelEn(status)).toBe(status);
    });

    it(`should ${healthy ? '' : 'not '}be healthy`, () => {
      expect(isHealthy(status)).toBe(healthy);
    });

    it(`should ${reconnect ? '' : 'not '}need a reconnect`, () => {
      expect(needsReconnect(status)).toBe(reconnect);
    });

    it(`should ${connecting ? '' : 'not '}count as connecting`, () => {
      expect(isConnecting(status)).toBe(connecting);
    });
  });

  it('should give every status a distinct Chinese label', () => {
    const labels = connectionStatuses.map(statusLabelZh);
    expect(new Set(labels).size).toBe(connectionStatuses.length);
  });

  it('should make every status exactly one of healthy, needing a reconnect, or connecting', () => {
    for (const status of connectionStatuses) {
      const traits = [isHealthy(status), needsReconnect(status), isConnecting(status)].filter(Boolean);
      expect(traits).toHaveLength(1);
    }
  });
});

import * as fc from 'fast-check';
import { ConnectionStatus as S, connectionStatuses } from '../../src/model/ConnectionStatus';
import { statusesWorstFirst, worstStatus } from '../../src/model/worstStatus';

describe('worstStatus', () => {
  it('should rank Failed > Disconnected > Reconnecting > Connecting > Unstable > Connected', () => {
    expect(statusesWorstFirst).toEqual([
      S.Failed,
      S.Disconnected,
      S.Reconnecting,
      S.Connecting,
      S.Unstable,
      S.Connected,
    ]);
    expect([...statusesWorstFirst].sort()).toEqual([...connectionStatuses].sort());
  });

  it.each([
    [[S.Connected, S.Connected], S.Connected],
    [[S.Connected, S.Unstable], S.Unstable],
    [[S.Unstable, S.Connecting], S.Connecting],
    [[S.Connecting, S.Reconnecting, S.Connected], S.Reconnecting],
    [[S.Reconnecting, S.Disconnected], S.Disconnected],
    [[S.Disconnected, S.Failed, S.Connected], S.Failed],
  ])('should take the worst of %j: %s', (statuses, worst) => {
    expect(worstStatus(statuses)).toBe(worst);
  });

  it('should be Connected for no statuses at all', () => {
    expect(worstStatus([])).toBe(S.Connected);
  });

  it('should not depend on the order of the links', () => {
    const status = fc.constantFrom(...connectionStatuses);
    fc.assert(
      fc.property(fc.array(status, { minLength: 1 }), (statuses) => {
        const worst = worstStatus(statuses);
        expect(statuses).toContain(worst);
        expect(worstStatus([...statuses].reverse())).toBe(worst);
        for (const s of statuses)
          expect(statusesWorstFirst.indexOf(worst)).toBeLessThanOrEqual(statusesWorstFirst.indexOf(s));
      }),
    );
  });
});

import fc from 'fast-check';
import { withoutClosed } from '../../src/model/withoutClosed';

describe('withoutClosed', () => {
  it('should match its doc example', () => {
    expect(withoutClosed([{ closed: false }, { closed: true }], (each) => each.closed)).toEqual([{ closed: false }]);
  });

  it('should keep exactly the open entries, in order, and return the list itself when none is closed', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ id: fc.nat(), closed: fc.boolean() })), (list) => {
        const kept = withoutClosed(list, (each) => each.closed);
        expect(kept).toEqual(list.filter((each) => !each.closed));
        if (list.every((each) => !each.closed)) expect(kept).toBe(list);
        else expect(kept).not.toBe(list);
      }),
    );
  });
});

import fc from 'fast-check';
import { appendCompact } from '../../src/model/appendCompact';

describe('appendCompact', () => {
  it('should match its doc example', () => {
    let times: number[] = [];
    times = appendCompact(times, 1);
    expect(times).toEqual([1]);
  });

  it('should give the list with the item at its end, copying short lists and growing long ones in place', () => {
    fc.assert(
      fc.property(fc.array(fc.anything()), fc.anything(), (list, item) => {
        const before = list.slice();
        const after = appendCompact(list, item);
        expect(after).toEqual([...before, item]);
        if (before.length < 8) {
          expect(after).not.toBe(list);
          expect(list).toEqual(before);
        } else expect(after).toBe(list);
      }),
    );
  });

  it('should append an array as one item, not its elements', () => {
    expect(appendCompact<number[]>([[1]], [2, 3])).toEqual([[1], [2, 3]]);
  });
});

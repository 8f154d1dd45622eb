import { getOrMake } from '../../src/model/getOrMake';

describe('getOrMake', () => {
  it('should make the value once per key and keep it, in a Map or a WeakMap', () => {
    let made = 0;
    const make = (): { n: number } => ({ n: ++made });
    const byNumber = new Map<number, { n: number }>();
    const first = getOrMake(byNumber, 1, make);
    expect(getOrMake(byNumber, 1, make)).toBe(first);
    expect(getOrMake(byNumber, 2, make)).not.toBe(first);
    const owner = {};
    const byObject = new WeakMap<object, { n: number }>();
    expect(getOrMake(byObject, owner, make)).toBe(getOrMake(byObject, owner, make));
    expect(made).toBe(3);
  });
});

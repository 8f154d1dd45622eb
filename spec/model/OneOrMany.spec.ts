import * as fc from 'fast-check';
import { OneOrMany, countOf, itemAt, withItem, withoutItem } from '../../src/model/OneOrMany';

interface Item {
  readonly name: string;
}

const itemsOf = (list: OneOrMany<Item>): Item[] => Array.from({ length: countOf(list) }, (_, i) => itemAt(list, i));

describe('OneOrMany', () => {
  const a = { name: 'a' };
  const b = { name: 'b' };
  const c = { name: 'c' };

  it('should hold none as undefined, one as the item itself and more as an array', () => {
    const one = withItem(undefined, a);
    expect(one).toBe(a);
    const two = withItem(one, b);
    expect(two).toEqual([a, b]);
    expect(withoutItem(two, a)).toBe(b);
    expect(withoutItem(withoutItem(two, a), b)).toBeUndefined();
    expect(withoutItem(one, c)).toBe(a);
    expect(itemsOf(withItem(two, c))).toEqual([a, b, c]);
  });

  it('should keep the order and the count of a plain list under any adds and removes (property)', () => {
    const pool = [a, b, c, { name: 'd' }];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 3 })), { maxLength: 30 }), (steps) => {
        let list: OneOrMany<Item> = undefined;
        let plain: Item[] = [];
        for (const [add, which] of steps) {
          const item = pool[which] as Item;
          if (add) {
            list = withItem(list, item);
            plain = [...plain, item];
          } else {
            list = withoutItem(list, item);
            const index = plain.indexOf(item);
            if (index >= 0) plain = plain.filter((_, i) => i !== index);
          }
          expect(itemsOf(list)).toEqual(plain);
          expect(Array.isArray(list)).toBe(plain.length >= 2);
        }
      }),
    );
  });
});

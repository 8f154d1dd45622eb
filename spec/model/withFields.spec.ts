import fc from 'fast-check';
import { withFields } from '../../src/model/withFields';

describe('withFields', () => {
  it('should match its doc example', () => {
    expect(
      withFields<{ status: string; lastError?: string }>({ status: 'Connected' }, { lastError: 'socket closed' }),
    ).toEqual({
      status: 'Connected',
      lastError: 'socket closed',
    });
  });

  it('should give what a spread gives: the same keys in the same order, the same values, a new object', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.anything()),
        fc.dictionary(fc.string(), fc.anything()),
        (base, fields) => {
          // A key named __proto__ sets the prototype under Object.assign; lifeline's models have none.
          fc.pre(!Object.hasOwn(base, '__proto__') && !Object.hasOwn(fields, '__proto__'));
          const made = withFields(base, fields);
          const spread = { ...base, ...fields };
          expect(Object.keys(made)).toEqual(Object.keys(spread));
          expect(made).toEqual(spread);
          expect(made).not.toBe(base);
        },
      ),
    );
  });
});

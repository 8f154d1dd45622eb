import * as fc from 'fast-check';
import { EventLog } from '../../src/model/EventLog';

describe('EventLog', () => {
  it('should keep 100 entries by default', () => {
    const log = new EventLog<number>();
    expect(log.capacity).toBe(100);
    for (let i = 0; i < 150; i++) log.append(i);
    expect(log.size).toBe(100);
    expect(log.toArray()).toEqual(Array.from({ length: 100 }, (_, i) => i + 50));
  });

  it('should start empty', () => {
    const log = new EventLog<string>(3);
    expect(log.size).toBe(0);
    expect(log.toArray()).toEqual([]);
  });

  it('should keep entries oldest first until it is full', () => {
    const log = new EventLog<string>(3);
    log.append('a');
    log.append('b');
    expect(log.toArray()).toEqual(['a', 'b']);
    log.append('c');
    expect(log.toArray()).toEqual(['a', 'b', 'c']);
  });

  it('should drop the oldest entry on each append once full', () => {
    const log = new EventLog<string>(3);
    for (const entry of ['a', 'b', 'c', 'd']) log.append(entry);
    expect(log.toArray()).toEqual(['b', 'c', 'd']);
    log.append('e');
    expect(log.toArray()).toEqual(['c', 'd', 'e']);
    expect(log.size).toBe(3);
  });

  it('should keep wrapping around correctly over many appends', () => {
    const log = new EventLog<number>(7);
    for (let i = 0; i < 200_003; i++) log.append(i);
    expect(log.toArray()).toEqual([199_996, 199_997, 199_998, 199_999, 200_000, 200_001, 200_002]);
  });

  it('should return a fresh array that does not alias the log', () => {
    const log = new EventLog<number>(2);
    log.append(1);
    const copy = log.toArray();
    copy.push(99);
    copy[0] = -1;
    expect(log.toArray()).toEqual([1]);
    expect(log.toArray()).not.toBe(log.toArray());
  });

  it('should empty the log on clear and append in order afterwards', () => {
    const log = new EventLog<number>(3);
    for (let i = 0; i < 5; i++) log.append(i);
    log.clear();
    expect(log.size).toBe(0);
    expect(log.toArray()).toEqual([]);
    log.append(10);
    log.append(11);
    expect(log.toArray()).toEqual([10, 11]);
  });

  it('should work with a capacity of 1', () => {
    const log = new EventLog<string>(1);
    log.append('a');
    log.append('b');
    expect(log.toArray()).toEqual(['b']);
  });

  describe.each([0, -1, 1.5, NaN, Infinity])('with capacity %p', (capacity) => {
    it('should throw a RangeError naming the capacity', () => {
      expect(() => new EventLog(capacity)).toThrow(RangeError);
      expect(() => new EventLog(capacity)).toThrow(`got ${String(capacity)}`);
    });
  });

  it('should keep the last min(n, capacity) entries in order for any sequence (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.array(fc.integer(), { maxLength: 60 }), (capacity, entries) => {
        const log = new EventLog<number>(capacity);
        for (const entry of entries) log.append(entry);
        const kept = entries.slice(Math.max(0, entries.length - capacity));
        expect(log.size).toBe(Math.min(entries.length, capacity));
        expect(log.toArray()).toEqual(kept);
      }),
    );
  });
});

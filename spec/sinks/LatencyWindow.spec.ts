import { LatencyWindow } from '../../src/sinks/LatencyWindow';

describe('LatencyWindow', () => {
  it('should keep exact count, min, max and mean', () => {
    const window = LatencyWindow.of([44, 47, 180, -1, Number.NaN]);
    expect(window.samples).toBe(3);
    expect(window.minMs).toBe(44);
    expect(window.maxMs).toBe(180);
    expect(window.averageMs).toBeCloseTo(90.333, 3);
    expect(window.series()).toEqual([44, 47, 180]);
  });

  it('should have no mean without samples', () => {
    expect(new LatencyWindow().averageMs).toBeUndefined();
    expect(new LatencyWindow().series()).toEqual([]);
  });

  it('should stay within its capacity however many samples arrive, keeping spikes', () => {
    const window = new LatencyWindow(8);
    for (let i = 0; i < 10_000; i++) window.add(i === 6_000 ? 999 : 5);
    expect(window.samples).toBe(10_000);
    expect(window.series().length).toBeLessThanOrEqual(8);
    expect(Math.max(...window.series())).toBe(999);
    expect(window.averageMs).toBeCloseTo(5 + 994 / 10_000, 9);
  });

  it('should fold pairs into their larger value in place, then take later samples that many at a time', () => {
    const window = LatencyWindow.of([1, 2, 3, 4, 5, 6, 7, 8, 9], 4);
    // [1 2 3 4] → [2 4]; 5 6 → [2 4 6]; 7 8 → [2 4 6 8] → [4 8]; 9 waits in a point of four.
    expect(window.series()).toEqual([4, 8, 9]);
    expect(window.samples).toBe(9);
    [1, 2, 3].forEach((ms) => window.add(ms));
    expect(window.series()).toEqual([4, 8, 9]);
    // 4 5 6 7 make the fourth point (7): [4 8 9 7] → [8 9], points of eight from now on.
    [4, 5, 6, 7].forEach((ms) => window.add(ms));
    expect(window.series()).toEqual([8, 9]);
    expect(window).toMatchObject({ samples: 16, minMs: 1, maxMs: 9 });
  });

  it('should reject a capacity under 2', () => {
    expect(() => new LatencyWindow(1)).toThrow(RangeError);
  });
});

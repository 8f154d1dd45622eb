import stringWidth from 'string-width';
import { fitWidth } from '../../src/cli/fitWidth';
import { statusLine } from '../../src/cli/statusLine';
import { initialConnectionState } from '../../src/model/ConnectionState';
import { initialQuality } from '../../src/model/ConnectionQuality';

// The live line of `lifeline demo` in its default zh-CN locale, as a terminal draws it.
const cjkLine = statusLine({
  state: { ...initialConnectionState(0, 5), status: 'Reconnecting', attempt: 3, nextRetryAt: 8000 },
  quality: { ...initialQuality, averageLatencyMs: 42, latencySamples: 3 },
  gate: { open: false, reason: 'Reconnecting', since: 0 },
  now: 0,
});

describe('fitWidth', () => {
  it('should measure the CJK status line by display width, wider than its length', () => {
    expect(stringWidth(cjkLine)).toBeGreaterThan(cjkLine.length);
  });

  it.each([40, 80])('should cut a CJK line to less than %i columns, ending in …', (columns) => {
    expect(stringWidth(cjkLine)).toBeGreaterThanOrEqual(columns);
    const fitted = fitWidth(cjkLine, columns);
    expect(stringWidth(fitted)).toBeLessThan(columns);
    expect(stringWidth(fitted)).toBeGreaterThanOrEqual(columns - 2);
    expect(fitted.endsWith('…')).toBe(true);
    expect(cjkLine.startsWith(fitted.slice(0, -1))).toBe(true);
  });

  it('should leave a CJK line that fits 120 columns as it is', () => {
    expect(stringWidth(cjkLine)).toBeLessThan(120);
    expect(fitWidth(cjkLine, 120)).toBe(cjkLine);
  });

  it('should never split a wide character across the edge', () => {
    // 9 columns: '连接' (4) + '不稳定' (6) would be 10; the cut keeps 7 columns and adds '…'.
    expect(fitWidth('连接不稳定', 9)).toBe('连接不…');
    expect(stringWidth(fitWidth('连接不稳定', 9))).toBe(7);
  });

  it('should cut plain text by length, as before', () => {
    expect(fitWidth('0123456789abc', 10)).toBe('01234567…');
    expect(fitWidth('short', 10)).toBe('short');
    expect(fitWidth('anything', undefined)).toBe('anything');
  });
});

import { isoTimestamp } from '../../src/sinks/isoTimestamp';
import { inUtc } from './fixtures';

describe('isoTimestamp', () => {
  inUtc();

  it('should print ISO 8601 with milliseconds', () => {
    expect(isoTimestamp(0)).toBe('1970-01-01T00:00:00.000Z');
    expect(isoTimestamp(1_740_821_400_125)).toBe('2025-03-01T09:30:00.125Z');
  });

  it('should round-trip through Date', () => {
    expect(new Date(isoTimestamp(1_740_821_400_125)).getTime()).toBe(1_740_821_400_125);
  });
});

/**
 * A correlation id read back from a reply. Exchanges echo ids as strings (`"req_id": "17"`) while
 * `request()` stamps numbers: a string of digits is read as the number it spells, so the two match.
 * Empty and missing ids are no id at all.
 *
 * @example
 * correlationId('17');   // 17
 * correlationId('abc');  // 'abc'
 * correlationId('');     // undefined
 *
 * @param raw The id field of a reply.
 * @returns The id as `request()` stamped it, or undefined.
 */
export function correlationId(raw: unknown): number | string | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
  if (typeof raw !== 'string' || raw === '') return undefined;
  return /^\d{1,15}$/.test(raw) ? Number(raw) : raw;
}

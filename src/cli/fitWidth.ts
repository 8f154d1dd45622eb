import stringWidth from 'string-width';

/**
 * Cuts a line to fit a terminal row by display width, not string length: a CJK character takes two
 * columns, a combining mark none. A line that would reach the last column is cut to `columns - 2`
 * and ends in `…`, so it never wraps (a wrapped live line leaves a stale copy on every redraw).
 *
 * @example
 * fitWidth('◌ 重连中 (Reconnecting) │ 评分 71.0', 20); // '◌ 重连中 (Reconnec…' (19 columns)
 *
 * @param text The line, without newlines.
 * @param columns The terminal's width; `undefined` or less than 2 leaves the line as it is.
 * @returns The line, at most `columns - 1` columns wide.
 */
export function fitWidth(text: string, columns: number | undefined): string {
  if (columns === undefined || columns < 2 || stringWidth(text) < columns) return text;
  let fitted = '';
  let width = 0;
  for (const character of text) {
    const next = stringWidth(character);
    if (width + next > columns - 2) break;
    fitted += character;
    width += next;
  }
  return `${fitted}…`;
}

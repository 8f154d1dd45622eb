/**
 * One line of progress on stderr (stdout carries the report).
 *
 * @example
 * progress('scale 1/1 10000 lifeline …');
 *
 * @param line The text, without a newline.
 */
export function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

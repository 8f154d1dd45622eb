/** An expected output line as a pattern: `…` stands for any text. */
const linePattern = (line: string): RegExp =>
  new RegExp(
    `^${line
      .split('…')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );

/**
 * Asserts that a program printed what a README output block shows, line for line; `…` in the block
 * stands for any text (a duration, a port).
 */
export function expectPrinted(stdout: string, expected: string): void {
  const printed = stdout.trimEnd().split('\n');
  const lines = expected.trimEnd().split('\n');
  expect(printed).toHaveLength(lines.length);
  printed.forEach((line, i) => expect(line).toMatch(linePattern(lines[i] as string)));
}

import { configFields } from '../../src/model/configFields';

/** A default as the user would write it in TypeScript: `'30s'`, `5`, `[]`, `{"method":"ping"}`. */
export function defaultText(value: unknown): string {
  if (typeof value === 'string') return value === 'Infinity' ? 'Infinity' : `'${value}'`;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'Infinity';
  return JSON.stringify(value);
}

const HEADER = `// Generated from src/model/configFields.ts by spec/model/configFields.spec.ts
// (UPDATE_CONFIG_DOCS=1 npx jest spec/model/configFields.spec.ts rewrites it). Do not edit by hand.
import { Jitter } from './backoffDelay';
import { Duration } from './parseDuration';

/** The connection manager's settings as the user writes them. Every field but \`url\` is optional. */
export interface LifelineConfigInput {
  /**
   * The endpoint, \`ws://\` or \`wss://\`; or a list for failover: the first is preferred, the next is
   * used when the current one exhausts its retry budget. Required.
   */
  readonly url: string | readonly string[];
`;

/** The source of src/model/LifelineConfigInput.ts, rendered from the table. */
export function renderConfigInput(): string {
  const lines = [HEADER];
  for (const [name, field] of Object.entries(configFields)) {
    lines.push(`  /** ${field.doc} Defaults to \`${defaultText(field.default)}\`. */\n`);
    lines.push(`  readonly ${name}?: ${field.inputType};\n`);
  }
  lines.push('}\n');
  return lines.join('');
}

/** The README's option table, rendered from the table. */
export function renderOptionTable(): string {
  const rows = [
    ['`url`', 'required', 'The endpoint, `ws://` or `wss://`; or a list for failover, the preferred one first.'],
    ...Object.entries(configFields).map(([name, field]) => [
      `\`${name}\``,
      `\`${defaultText(field.default)}\``,
      field.doc.replace(/\|/g, '\\|'),
    ]),
  ];
  const header = ['option', 'default', 'meaning'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i] as number)).join(' | ')} |`;
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

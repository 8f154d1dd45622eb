import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { configFieldNames } from '../src/model/LifelineConfig';

const root = path.join(__dirname, '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

/** The fenced blocks that follow a marker comment, in order. */
function blocksAfter(marker: string, count: number): string[] {
  const start = readme.indexOf(marker);
  if (start < 0) throw new Error(`README has no ${marker}`);
  const fence = /```[a-z]*\n([\s\S]*?)```/g;
  fence.lastIndex = start;
  const blocks: string[] = [];
  for (let match = fence.exec(readme); match && blocks.length < count; match = fence.exec(readme)) {
    blocks.push(match[1] as string);
  }
  return blocks;
}

describe('README', () => {
  let dir: string | undefined;

  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('should have a quick start that runs as written and prints what it shows', () => {
    const [code, output] = blocksAfter('<!-- example:usage', 2) as [string, string];
    expect(code).toContain("from 'lifeline'");
    dir = mkdtempSync(path.join(tmpdir(), 'lifeline-readme-'));
    const file = path.join(dir, 'quickstart.mjs');
    const entry = pathToFileURL(path.join(root, 'dist', 'index.mjs')).href;
    writeFileSync(file, code.replace("from 'lifeline'", `from '${entry}'`));
    const stdout = execFileSync(process.execPath, [file], { encoding: 'utf8', timeout: 20_000 });
    expect(stdout.trim().split('\n')).toEqual(output.trim().split('\n'));
  });

  it('should show the marble example exactly as the spec runs it', () => {
    const [snippet] = blocksAfter('<!-- example:marble', 1) as [string];
    const spec = readFileSync(path.join(root, 'spec', 'streams', 'MarbleTransport.spec.ts'), 'utf8');
    const start = spec.indexOf('// example:marble-start\n') + '// example:marble-start\n'.length;
    const body = spec.slice(start, spec.indexOf('  // example:marble-end'));
    const dedented = body
      .trimEnd()
      .split('\n')
      .map((line) => (line.startsWith('  ') ? line.slice(2) : line))
      .join('\n');
    expect(snippet.trimEnd()).toBe(dedented);
  });

  it('should document every connect() option with its default', () => {
    const table = readme.slice(readme.indexOf('## `connect()` options'), readme.indexOf('## The handle'));
    for (const field of configFieldNames) expect(table).toMatch(new RegExp(`\\| \`${field}\` +\\|`));
  });

  it('should state the two commands', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
  });
});

import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { formatReport } from '../src/index';
import { configFieldNames } from '../src/model/LifelineConfig';
import { buildReport } from '../src/sinks/ConnectionReport';
import { SEED_AT, attempt, disconnected, inUtc, reconnected, seedQuality, seedStats } from './sinks/fixtures';
import { expectPrinted } from './support/expectPrinted';
import { readmeExamples } from './support/readmeExamples';
import { RedisServer, startRedisServer } from './support/redisServer';

const root = path.join(__dirname, '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const run = promisify(execFile);

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
  const examples = readmeExamples(readme);
  let dir: string;
  // The Redis server the redis-budget example counts in, its own for this run (`REDIS_URL`).
  let redis: RedisServer | undefined;

  // A consumer project: `lifeline-ws` resolves to this checkout (its dist/, through "exports") and rxjs
  // to the same copy lifeline uses, as an installed package and its peer would.
  beforeAll(async () => {
    redis = await startRedisServer();
    dir = mkdtempSync(path.join(tmpdir(), 'lifeline-readme-'));
    mkdirSync(path.join(dir, 'node_modules'));
    symlinkSync(root, path.join(dir, 'node_modules', 'lifeline-ws'), 'dir');
    symlinkSync(path.join(root, 'node_modules', 'rxjs'), path.join(dir, 'node_modules', 'rxjs'), 'dir');
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'readme-examples', type: 'module' }));
    for (const { name, code } of examples) writeFileSync(path.join(dir, `${name}.ts`), code);
  });

  afterAll(async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    await redis?.stop();
  });

  it('should mark the quick start, the exchange session, the clock offset, the Redis budget, the trade gate and the dead-man’s switch as runnable', () => {
    expect(examples.map(({ name }) => name)).toEqual(
      expect.arrayContaining(['quickstart', 'session', 'clock-offset', 'redis-budget', 'trade-gate', 'deadman']),
    );
    expect(examples.find(({ name }) => name === 'quickstart')?.code).toContain("from 'lifeline-ws'");
  });

  it('should type-check every runnable example as printed (strict, node16, no skipLibCheck)', () => {
    const program = ts.createProgram(
      examples.map(({ name }) => path.join(dir, `${name}.ts`)),
      {
        module: ts.ModuleKind.Node16,
        moduleResolution: ts.ModuleResolutionKind.Node16,
        target: ts.ScriptTarget.ES2022,
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        types: ['node'],
        typeRoots: [path.join(root, 'node_modules', '@types')],
      },
    );
    const errors = ts
      .getPreEmitDiagnostics(program)
      .map((diagnostic) => ts.formatDiagnostic(diagnostic, ts.createCompilerHost({})));
    expect(errors).toEqual([]);
  });

  describe.each(readmeExamples(readme).map((example) => [example.name, example] as const))(
    'example:%s',
    (_, example) => {
      it('should run and print what the README shows', async () => {
        const file = path.join(dir, `${example.name}.mjs`);
        const { outputText } = ts.transpileModule(example.code, {
          compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
        });
        writeFileSync(file, outputText);
        // Only the Redis budget's example is told where Redis is.
        const env = example.name === 'redis-budget' ? { ...process.env, REDIS_URL: redis?.url } : process.env;
        const { stdout } = await run(process.execPath, [file], { cwd: dir, timeout: 30_000, env });
        if (example.output === undefined) expect(stdout.trim()).not.toBe('');
        else expectPrinted(stdout, example.output);
      });
    },
  );

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

  describe('the sample report', () => {
    inUtc();

    it("should be what formatReport prints for the seed's figures", () => {
      const [block] = blocksAfter('<!-- report:seed -->', 1) as [string];
      const report = buildReport({
        at: SEED_AT,
        periodStart: SEED_AT - 600_000,
        status: 'Connected',
        quality: seedQuality,
        stats: seedStats,
        latencies: [38, 41, 45, 60, 95, 212, 120, 70],
        events: [disconnected, attempt, reconnected],
      });
      expect(block.trimEnd()).toBe(formatReport(report));
    });
  });

  it('should document every connect() option with its default', () => {
    const table = readme.slice(readme.indexOf('## `connect()` options'), readme.indexOf('## The handle'));
    for (const field of configFieldNames) expect(table).toMatch(new RegExp(`\\| \`${field}\` +\\|`));
  });

  it('should state the two commands', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
  });

  it('should name only npm scripts that exist', () => {
    const { scripts } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const named = [...readme.matchAll(/npm run ([\w:-]+)/g)].map((match) => match[1] as string);
    expect(named).toEqual(expect.arrayContaining(['test:package', 'lint:package', 'docs', 'example']));
    expect(named.filter((name) => scripts[name] === undefined)).toEqual([]);
  });

  it('should install the package by its npm name, with its peer', () => {
    expect(readme).toContain('npm install lifeline-ws rxjs');
    expect(readme).not.toMatch(/npm install lifeline(?!-ws)/);
    expect(readme).not.toMatch(/from 'lifeline'|require\('lifeline'\)/);
  });
});

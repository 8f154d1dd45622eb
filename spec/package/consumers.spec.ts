import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { expectPrinted } from '../support/expectPrinted';
import { readmeExamples } from '../support/readmeExamples';

// `npm run test:package` (also the last step of `npm test`): the package as a user gets it. The packed
// tarball (built by prepack) is installed with npm into four new projects (CommonJS JavaScript, ESM
// JavaScript, TypeScript `module: node16` and TypeScript `moduleResolution: bundler`, both strict and
// without skipLibCheck); the README's Quick start is compiled as printed in the TypeScript ones (with
// this project's TypeScript) and run in all four against the embedded mock exchange.

const root = path.join(__dirname, '..', '..');
const run = promisify(execFile);
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  readonly peerDependencies: Record<string, string>;
  readonly devDependencies: Record<string, string>;
};
const tsc = require.resolve('typescript/bin/tsc');
const quickstart = readmeExamples().find(({ name }) => name === 'quickstart');
const ENTRIES = [
  'lifeline-ws',
  'lifeline-ws/testing',
  'lifeline-ws/metrics',
  'lifeline-ws/redis',
  'lifeline-ws/profiles',
] as const;

/** npm run from inside npm (npm test) must not inherit the outer project's prefix or package fields. */
const npmEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([name]) => !/^npm_(package_|lifecycle_|config_local_prefix$)/i.test(name) && name !== 'INIT_CWD',
  ),
);

type Kind = 'cjs-js' | 'esm-js' | 'ts-node16' | 'ts-bundler';

interface Project {
  readonly kind: Kind;
  readonly dir: string;
  /** The file that runs the Quick start, relative to `dir`. */
  readonly quickstart: string;
}

const compilerOptions = {
  'ts-node16': { module: 'node16', moduleResolution: 'node16' },
  'ts-bundler': { module: 'esnext', moduleResolution: 'bundler' },
} as const;

/** The Quick start as a JavaScript user writes it: the same code without its types. */
function javascript(code: string, module: ts.ModuleKind): string {
  const { outputText } = ts.transpileModule(code, { compilerOptions: { module, target: ts.ScriptTarget.ES2022 } });
  // CommonJS has no top-level await: the program runs in an async main, as a CommonJS user writes it.
  return module === ts.ModuleKind.CommonJS
    ? `(async () => {\n${outputText}\n})().catch((error) => {\n  console.error(error);\n  process.exitCode = 1;\n});\n`
    : outputText;
}

/** A script that loads every entry with import and require and reports what it got, as JSON. */
const ENTRY_REPORT = `
import { createRequire } from 'node:module';
import { NEVER } from 'rxjs';
const require = createRequire(import.meta.url);
const names = (api) => Object.keys(api).filter((name) => name !== 'default' && name !== '__esModule').sort();
const report = {};
for (const entry of ${JSON.stringify(ENTRIES)}) {
  const esm = await import(entry);
  const cjs = require(entry);
  report[entry] = {
    names: names(esm),
    sameNames: JSON.stringify(names(esm)) === JSON.stringify(names(cjs)),
    sameInstances: names(cjs).every((name) => esm[name] === cjs[name]),
    imported: import.meta.resolve(entry).split('/node_modules/')[1],
    required: require.resolve(entry).split('/node_modules/')[1],
  };
}
const { metricsSink } = await import('lifeline-ws/metrics');
try {
  metricsSink({ status$: NEVER, quality$: NEVER, stats$: NEVER, events$: NEVER, latency$: NEVER });
} catch (error) {
  report.withoutPromClient = error.code;
}
const { redisBudget } = await import('lifeline-ws/redis');
try {
  redisBudget({ redis: 'redis://127.0.0.1:1', key: 'k', limit: 1, window: '1s' });
} catch (error) {
  report.withoutIoredis = error.code;
}
console.log(JSON.stringify(report));
`;

/** TypeScript that names a type and a value of each entry, with `import` (ESM) or `require` (CJS). */
const TYPED_ENTRIES_ESM = `
import { connect, type Connection } from 'lifeline-ws';
import { MarbleTransport, type MockExchange } from 'lifeline-ws/testing';
import { metricsSink, type MetricsSink } from 'lifeline-ws/metrics';
export const values = [connect, MarbleTransport, metricsSink] as const;
export type Types = [Connection<{ channel: string }, { method: string }>, MockExchange, MetricsSink];
`;
const TYPED_ENTRIES_CJS = `
import lifeline = require('lifeline-ws');
import testing = require('lifeline-ws/testing');
import metrics = require('lifeline-ws/metrics');
export const values = [lifeline.connect, testing.MarbleTransport, metrics.metricsSink] as const;
export type Types = [lifeline.Connection, testing.MockExchange, metrics.MetricsSink];
`;

describe('the packed lifeline-ws package', () => {
  let work: string;
  let packed: { filename: string; files: Array<{ path: string }> };
  const projects = new Map<Kind, Project>();

  async function createProject(kind: Kind, tarball: string): Promise<Project> {
    const dir = path.join(work, kind);
    mkdirSync(dir);
    const typescript = kind.startsWith('ts-');
    const esm = kind !== 'cjs-js';
    writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({ name: `consumer-${kind}`, private: true, type: esm ? 'module' : 'commonjs' }),
    );
    const packages = [tarball, `rxjs@${manifest.peerDependencies.rxjs}`];
    if (typescript) packages.push(`@types/node@${manifest.devDependencies['@types/node']}`);
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...packages], {
      cwd: dir,
      env: npmEnv,
      timeout: 180_000,
    });
    writeFileSync(path.join(dir, 'entries.mjs'), ENTRY_REPORT);
    const code = quickstart?.code ?? '';
    if (!typescript) {
      const file = esm ? 'quickstart.mjs' : 'quickstart.cjs';
      writeFileSync(path.join(dir, file), javascript(code, esm ? ts.ModuleKind.ESNext : ts.ModuleKind.CommonJS));
      return { kind, dir, quickstart: file };
    }
    writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          ...compilerOptions[kind as keyof typeof compilerOptions],
          target: 'es2022',
          strict: true,
          skipLibCheck: false,
          types: ['node'],
          outDir: 'build',
        },
        include: ['src'],
      }),
    );
    mkdirSync(path.join(dir, 'src'));
    writeFileSync(path.join(dir, 'src', 'quickstart.ts'), code);
    writeFileSync(path.join(dir, 'src', 'entries.ts'), TYPED_ENTRIES_ESM);
    if (kind === 'ts-node16') writeFileSync(path.join(dir, 'src', 'required.cts'), TYPED_ENTRIES_CJS);
    return { kind, dir, quickstart: path.join('build', 'quickstart.js') };
  }

  beforeAll(async () => {
    if (!quickstart) throw new Error('README has no example:quickstart block');
    work = mkdtempSync(path.join(tmpdir(), 'lifeline-package-'));
    // `npm pack` runs prepack, so this is a fresh build of the working tree, as a publish would be.
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], {
      cwd: root,
      env: npmEnv,
      timeout: 180_000,
    });
    [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as [typeof packed];
    const tarball = path.join(work, packed.filename);
    const kinds: Kind[] = ['cjs-js', 'esm-js', 'ts-node16', 'ts-bundler'];
    for (const project of await Promise.all(kinds.map((kind) => createProject(kind, tarball)))) {
      projects.set(project.kind, project);
    }
  }, 300_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const project = (kind: Kind): Project => projects.get(kind) as Project;

  it('should ship the build with declarations for require and import, LICENSE and CHANGELOG, and no source maps', () => {
    const files = packed.files.map((file) => file.path);
    expect(files).toEqual(
      expect.arrayContaining([
        'LICENSE',
        'CHANGELOG.md',
        'README.md',
        'package.json',
        'dist/cli/main.js',
        ...['index', 'testing', 'metrics'].flatMap((entry) =>
          ['js', 'mjs', 'd.ts', 'd.mts'].map((extension) => `dist/${entry}.${extension}`),
        ),
      ]),
    );
    expect(files.filter((file) => file.endsWith('.map'))).toEqual([]);
    // README: "`ws` 8 and `date-fns` 4 come with it"; rxjs is the user's (a peer); rxjs-websockets is
    // only the benchmark's baseline, not installed with the package.
    const installed = JSON.parse(
      readFileSync(path.join(project('esm-js').dir, 'node_modules', 'lifeline-ws', 'package.json'), 'utf8'),
    ) as { dependencies: Record<string, string>; peerDependencies: Record<string, string> };
    expect(installed.dependencies).toMatchObject({ ws: expect.stringMatching(/^\^8\./) });
    expect(installed.dependencies).not.toHaveProperty('rxjs-websockets');
    expect(installed.dependencies['date-fns']).toMatch(/^\^4\./);
    expect(installed.dependencies).not.toHaveProperty('rxjs');
    expect(installed.peerDependencies).toMatchObject({ rxjs: '^7.8.0' });
    expect(files.filter((file) => !/^(dist|testing|metrics|redis|profiles)\//.test(file)).sort()).toEqual([
      'CHANGELOG.md',
      'LICENSE',
      'README.md',
      'package.json',
    ]);
  });

  it.each(['cjs-js', 'esm-js', 'ts-node16', 'ts-bundler'] as const)(
    'should load every entry with import and require as one instance (%s)',
    async (kind) => {
      const { stdout } = await run(process.execPath, ['entries.mjs'], { cwd: project(kind).dir, timeout: 30_000 });
      const report = JSON.parse(stdout) as Record<string, unknown>;
      for (const [entry, file] of [
        ['lifeline-ws', 'index'],
        ['lifeline-ws/testing', 'testing'],
        ['lifeline-ws/metrics', 'metrics'],
        ['lifeline-ws/redis', 'redis'],
        ['lifeline-ws/profiles', 'profiles'],
      ] as const) {
        expect(report[entry]).toEqual({
          names: expect.any(Array),
          sameNames: true,
          sameInstances: true,
          imported: `lifeline-ws/dist/${file}.mjs`,
          required: `lifeline-ws/dist/${file}.js`,
        });
      }
      const names = (entry: string): string[] => (report[entry] as { names: string[] }).names;
      expect(names('lifeline-ws')).toEqual(expect.arrayContaining(['connect', 'tradeGate', 'MissingPeerError']));
      expect(names('lifeline-ws')).not.toEqual(expect.arrayContaining(['startMockExchange']));
      expect(names('lifeline-ws')).not.toContain('metricsSink');
      expect(names('lifeline-ws/testing')).toEqual(['MarbleConnection', 'MarbleTransport', 'startMockExchange']);
      // One way to serve metrics: serveMetrics absorbed startMetricsEndpoint (issue 12).
      expect(names('lifeline-ws/metrics')).toEqual(['defaultLatencyBuckets', 'metricsSink', 'serveMetrics']);
      // prom-client is an optional peer: loading the entry is fine, calling metricsSink says what to install.
      expect(report.withoutPromClient).toBe('LIFELINE_MISSING_PEER');
      // So is ioredis, for the fleet budget.
      expect(names('lifeline-ws/redis')).toEqual(expect.arrayContaining(['redisBudget']));
      expect(report.withoutIoredis).toBe('LIFELINE_MISSING_PEER');
      expect(names('lifeline-ws/profiles')).toEqual(
        expect.arrayContaining(['hyperliquid', 'binanceSpot', 'binanceFutures', 'bybit', 'okx']),
      );
    },
  );

  it.each(['ts-node16', 'ts-bundler'] as const)(
    'should compile the Quick start as printed, strict and without skipLibCheck (%s)',
    async (kind) => {
      const result = await run(process.execPath, [tsc, '-p', '.'], { cwd: project(kind).dir, timeout: 120_000 }).catch(
        (error: { stdout: string }) => error,
      );
      expect(result.stdout).toBe('');
    },
    120_000,
  );

  // After the compile tests: the TypeScript projects run their compiled output.
  it.each(['cjs-js', 'esm-js', 'ts-node16', 'ts-bundler'] as const)(
    'should run the Quick start against the mock exchange and print what the README shows (%s)',
    async (kind) => {
      const { dir, quickstart: file } = project(kind);
      const { stdout } = await run(process.execPath, [file], { cwd: dir, timeout: 30_000 });
      expectPrinted(stdout, quickstart?.output ?? '');
    },
    40_000,
  );

  it('should keep date-fns and prom-client out of the declarations of the root entry', () => {
    const dist = path.join(project('ts-node16').dir, 'node_modules', 'lifeline-ws', 'dist');
    const external = new Set<string>();
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const { fileName } of ts.preProcessFile(readFileSync(file, 'utf8')).importedFiles) {
        if (!fileName.startsWith('.')) external.add(fileName);
        else visit(path.resolve(path.dirname(file), fileName.replace(/\.js$/, '') + '.d.ts'));
      }
    };
    visit(path.join(dist, 'index.d.mts'));
    // Enough files to know the walk followed the imports (the root entry reaches some 50).
    expect(seen.size).toBeGreaterThan(30);
    // Only the peer (rxjs) and Node's own modules (@types/node): nothing whose types a consumer must check.
    expect([...external].filter((name) => name !== 'rxjs' && !name.startsWith('node:'))).toEqual([]);
    expect(external).toContain('rxjs');
  });

  it('should run the lifeline command with npx, as the README prints it', async () => {
    const { stdout } = await run('npx', ['lifeline', '--help'], {
      cwd: project('esm-js').dir,
      env: npmEnv,
      timeout: 60_000,
    });
    expect(stdout).toMatch(/^Usage: lifeline/m);
    expect(stdout).toContain('monitor');
  });
});

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// Proves the built package (dist/, built by `npm test` before jest) loads by its name through the
// package.json "exports" map, with require and with import, as a user's project would load it.
const root = path.resolve(__dirname, '..');

describe('the lifeline package', () => {
  let project: string;

  /** Runs a Node script in the consumer project and parses the JSON it prints. */
  const runNode = (args: readonly string[]): Record<string, unknown> =>
    JSON.parse(execFileSync(process.execPath, [...args], { cwd: project, encoding: 'utf8' })) as Record<
      string,
      unknown
    >;

  beforeAll(() => {
    if (!fs.existsSync(path.join(root, 'dist', 'index.js')) || !fs.existsSync(path.join(root, 'dist', 'index.mjs'))) {
      throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
    }
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeline-consumer-'));
    fs.mkdirSync(path.join(project, 'node_modules'));
    fs.symlinkSync(root, path.join(project, 'node_modules', 'lifeline-ws'), 'dir');
  });

  afterAll(() => {
    if (project) fs.rmSync(project, { recursive: true, force: true });
  });

  it('should load with require through the "require" condition', () => {
    const result = runNode([
      '-e',
      `const lifeline = require('lifeline-ws');
       console.log(JSON.stringify({
         retryBackoff: typeof lifeline.retryBackoff,
         connected: lifeline.ConnectionStatus.Connected,
         resolved: require.resolve('lifeline-ws'),
       }));`,
    ]);
    expect(result.retryBackoff).toBe('function');
    expect(result.connected).toBe('Connected');
    expect(result.resolved).toBe(path.join(fs.realpathSync(root), 'dist', 'index.js'));
  });

  it('should load with import through the "import" condition', () => {
    const result = runNode([
      '--input-type=module',
      '-e',
      `import * as lifeline from 'lifeline-ws';
       import { retryBackoff, ConnectionStatus } from 'lifeline-ws';
       console.log(JSON.stringify({
         retryBackoff: typeof retryBackoff,
         connected: ConnectionStatus.Connected,
         namespace: typeof lifeline.resolveConfig,
         resolved: import.meta.resolve('lifeline-ws'),
       }));`,
    ]);
    expect(result.retryBackoff).toBe('function');
    expect(result.connected).toBe('Connected');
    expect(result.namespace).toBe('function');
    expect(result.resolved).toMatch(/\/dist\/index\.mjs$/);
  });

  it('should give import and require the same instances, with the same names', () => {
    const result = runNode([
      '--input-type=module',
      '-e',
      `import { createRequire } from 'node:module';
       import * as esm from 'lifeline-ws';
       const require = createRequire(process.cwd() + '/');
       const cjs = require('lifeline-ws');
       const names = (o) => Object.keys(o).filter((n) => n !== 'default' && n !== '__esModule').sort();
       console.log(JSON.stringify({
         sameRetryBackoff: (await import('lifeline-ws')).retryBackoff === cjs.retryBackoff,
         sameStatus: esm.ConnectionStatus === cjs.ConnectionStatus,
         sameErrorClass: esm.ConfigError === cjs.ConfigError,
         esmNames: names(esm),
         cjsNames: names(cjs),
       }));`,
    ]);
    expect(result.sameRetryBackoff).toBe(true);
    expect(result.sameStatus).toBe(true);
    expect(result.sameErrorClass).toBe(true);
    expect(result.esmNames).toEqual(result.cjsNames);
    expect(result.cjsNames).toEqual(expect.arrayContaining(['retryBackoff', 'ConnectionStatus', 'resolveConfig']));
  });
});

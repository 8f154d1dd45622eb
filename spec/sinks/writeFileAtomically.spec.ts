import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { writeFileAtomically } from '../../src/sinks/writeFileAtomically';

/**
 * A reader on another thread: parses the file in a loop until told to stop, counting reads and
 * reads that were not whole JSON documents of the expected shape.
 */
const READER = `
const { readFileSync } = require('node:fs');
const { parentPort, workerData } = require('node:worker_threads');
const stop = new Int32Array(workerData.stop);
let reads = 0, torn = 0, missing = 0, sizes = new Set();
while (Atomics.load(stop, 0) === 0) {
  let text;
  try { text = readFileSync(workerData.path, 'utf8'); } catch { missing++; continue; }
  reads++;
  try {
    const value = JSON.parse(text);
    if (value.version !== 1 || value.events.length !== value.count) torn++;
    sizes.add(value.count);
  } catch { torn++; }
}
parentPort.postMessage({ reads, torn, missing, distinct: sizes.size });
`;

describe('writeFileAtomically', () => {
  let dir: string;
  let path: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lifeline-atomic-'));
    path = join(dir, 'state.json');
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('should create the file, then replace it, leaving no temporary file behind', () => {
    writeFileAtomically(path, 'one\n');
    expect(readFileSync(path, 'utf8')).toBe('one\n');
    writeFileAtomically(path, 'two\n');
    expect(readFileSync(path, 'utf8')).toBe('two\n');
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  it('should create the file readable by its owner only', () => {
    writeFileAtomically(path, '{}');
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('should never let a concurrent reader see a half-written file', async () => {
    const document = (count: number): string =>
      `${JSON.stringify({ version: 1, count, events: Array.from({ length: count }, (_, i) => ({ i, text: 'x'.repeat(200) })) }, null, 2)}\n`;
    writeFileAtomically(path, document(1));
    const stop = new SharedArrayBuffer(4);
    const reader = new Worker(READER, { eval: true, workerData: { path, stop } });
    const result = new Promise<{ reads: number; torn: number; missing: number; distinct: number }>(
      (resolve, reject) => {
        reader.once('message', resolve);
        reader.once('error', reject);
      },
    );
    await new Promise<void>((resolve) => reader.once('online', () => resolve()));
    // Sizes from a few hundred bytes to ~50 kB: a plain writeFileSync would be caught mid-write.
    for (let n = 0; n < 400; n++) writeFileAtomically(path, document(1 + ((n * 37) % 200)));
    Atomics.store(new Int32Array(stop), 0, 1);
    const { reads, torn, missing, distinct } = await result;
    await reader.terminate();
    expect(reads).toBeGreaterThan(0);
    expect(distinct).toBeGreaterThan(1);
    expect(torn).toBe(0);
    expect(missing).toBe(0);
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  it('should leave the old file and no temporary file when the write fails', () => {
    writeFileSync(path, 'old');
    // Renaming a file over a directory fails after the temporary file was written.
    const target = join(dir, 'sub');
    mkdirSync(join(target, 'inner'), { recursive: true });
    expect(() => writeFileAtomically(target, 'new')).toThrow();
    expect(readdirSync(dir).sort()).toEqual(['state.json', 'sub']);
    expect(readFileSync(path, 'utf8')).toBe('old');
  });

  it('should throw when the directory does not exist', () => {
    expect(() => writeFileAtomically(join(dir, 'missing', 'state.json'), '{}')).toThrow(/ENOENT/);
  });
});

/**
 * `heapUsed` after full garbage collections, bytes. Needs `node --expose-gc`. Collects a few times
 * with a macrotask in between so finalizers and weak references settle.
 */
export async function heapAfterGc(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('heapAfterGc needs node --expose-gc');
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

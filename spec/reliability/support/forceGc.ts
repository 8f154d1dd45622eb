import v8 from 'node:v8';
import vm from 'node:vm';

let gc: (() => void) | undefined;

/**
 * Runs a full garbage collection, so heap figures compare live objects rather than garbage not yet
 * collected. Works without `node --expose-gc` (jest runs specs in workers it starts itself): the
 * flag is switched on at run time and `gc` taken from a fresh V8 context, where it then exists.
 */
export function forceGc(): void {
  if (!gc) {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc') as () => void;
  }
  gc();
}

/** Heap in use after a full collection, bytes. */
export function liveHeap(): number {
  forceGc();
  return process.memoryUsage().heapUsed;
}

import { BenchResults } from './BenchResults';
import { BenchSettings } from './BenchSettings';
import { median } from './median';
import { MemoryInput, MemoryResult } from './memoryProbe';
import { progress } from './progress';
import { runProbe } from './runProbe';

/**
 * Heap growth after many messages and after many reconnect cycles, lifeline against raw ws.
 *
 * @param url The benchmark server's base URL.
 * @param settings The run's settings.
 * @returns The memory section of the results.
 */
export async function memorySuite(url: string, settings: BenchSettings): Promise<NonNullable<BenchResults['memory']>> {
  // Heap readings after GC vary little; three interleaved repetitions are enough.
  const reps = Math.min(settings.reps, 3);
  const cases: Array<Pick<MemoryInput, 'kind' | 'count' | 'warmup'>> = [
    { kind: 'messages', count: 1_000_000, warmup: 100_000 },
    { kind: 'reconnects', count: 1000, warmup: 100 },
  ];
  const runs: MemoryResult[] = [];
  for (let rep = 1; rep <= reps; rep++) {
    for (const { kind, count, warmup } of cases) {
      for (const variant of ['lifeline', 'ws'] as const) {
        const result = await runProbe<MemoryInput, MemoryResult>(
          'memoryProbe',
          { variant, kind, url, count, warmup },
          { execArgv: ['--expose-gc'], timeoutMs: 180_000 },
        );
        runs.push(result);
        progress(
          `memory ${rep}/${reps} ${kind.padEnd(10)} ${variant.padEnd(8)} ${(result.growth / 1048576).toFixed(3).padStart(7)} MB in ${result.seconds.toFixed(1)} s`,
        );
      }
    }
  }
  const growth = (kind: MemoryInput['kind'], variant: MemoryInput['variant']): number =>
    median(runs.filter((run) => run.kind === kind && run.variant === variant).map((run) => run.growth));
  const bytes = 2 * 1024 * 1024;
  const messages = { count: cases[0].count, lifeline: growth('messages', 'lifeline'), ws: growth('messages', 'ws') };
  const reconnects = {
    count: cases[1].count,
    lifeline: growth('reconnects', 'lifeline'),
    ws: growth('reconnects', 'ws'),
  };
  return {
    reps,
    runs,
    growth: { messages, reconnects },
    target: { bytes, met: messages.lifeline < bytes && reconnects.lifeline < bytes },
  };
}

import { BenchResults } from './BenchResults';
import { BenchSettings } from './BenchSettings';
import { DetectionInput, DetectionResult } from './detectionProbe';
import { median } from './median';
import { progress } from './progress';
import { runProbe } from './runProbe';

/**
 * Half-open detection and recovery after a server restart (the probe runs its own servers).
 *
 * @param settings The run's settings.
 * @returns The detection section of the results.
 */
export async function detectionSuite(settings: BenchSettings): Promise<NonNullable<BenchResults['detection']>> {
  const input: DetectionInput = {
    reps: settings.quick ? 5 : 10,
    heartbeatInterval: 200,
    heartbeatTimeout: 600,
    // Down for varying times, so the restart lands at a different point of the backoff schedule each time.
    downtimes: settings.quick ? [250, 900, 1700] : [150, 400, 650, 900, 1300, 1700, 2300, 2900],
    initialDelay: 100,
    maxDelay: 1600,
  };
  progress('detection: half-open and server restart …');
  const samples = await runProbe<DetectionInput, DetectionResult>('detectionProbe', input, { timeoutMs: 180_000 });
  const detect = samples.halfOpen.map((sample) => sample.detectMs);
  const recovery = samples.restart.map((sample) => sample.recoveryMs);
  const halfOpenTarget = input.heartbeatTimeout * 1.1;
  const summary = {
    halfOpen: {
      medianMs: median(detect),
      maxMs: Math.max(...detect),
      targetMs: halfOpenTarget,
      met: Math.max(...detect) <= halfOpenTarget,
    },
    restart: {
      medianMs: median(recovery),
      maxMs: Math.max(...recovery),
      targetMs: 50,
      met: Math.max(...recovery) <= 50,
    },
  };
  progress(
    `detection: half-open ${detect.map((ms) => ms.toFixed(0)).join(', ')} ms; ` +
      `restart beyond the scheduled retry ${recovery.map((ms) => ms.toFixed(0)).join(', ')} ms`,
  );
  return {
    heartbeatInterval: input.heartbeatInterval,
    heartbeatTimeout: input.heartbeatTimeout,
    initialDelay: input.initialDelay,
    maxDelay: input.maxDelay,
    samples,
    ...summary,
  };
}

import { BenchResults } from './BenchResults';
import { BenchSettings } from './BenchSettings';
import { median } from './median';
import { progress } from './progress';
import { runProbe } from './runProbe';
import { ScaleInput, ScaleResult } from './scaleProbe';

/** Issue 12's per-connection targets, at this many connections. */
export const SCALE_TARGET = { connections: 10_000, heapPerConnection: 16 * 1024, cpuRatio: 2 } as const;

/** Time to open one connection, at worst, for the probe's time limit, ms (measured: about 1 ms for lifeline on a quiet machine, 8 ms on a busy one). */
const OPEN_ALLOWANCE_MS = 20;

type Figure = 'cpuPerWallSecond' | 'heapPerConnection' | 'rss' | 'rssPerConnection' | 'openSeconds' | 'pongs';

/**
 * The cost of N idle connections, each with a 1 s heartbeat, for each size: lifeline fully monitored
 * against raw `ws` clients each pinging on their own timer, each run in a fresh process, the order
 * alternating so that drift in the machine's load favours neither. Connections are spread over the
 * server's ports (`urls`).
 *
 * @param urls The benchmark server's base URLs, one per listening port.
 * @param settings The run's settings.
 * @returns The scale section of the results, with issue 12's targets judged at 10,000 connections.
 */
export async function scaleSuite(
  urls: readonly string[],
  settings: BenchSettings,
): Promise<NonNullable<BenchResults['scale']>> {
  const { sizes, durationSeconds, scaleReps } = settings;
  const heartbeatInterval = 1000;
  const runs: ScaleResult[] = [];
  let point = 0;
  for (let rep = 1; rep <= scaleReps; rep++) {
    for (const connections of sizes) {
      // Alternate which goes first, so a drift in machine load does not always favour the same side.
      const order = point++ % 2 === 0 ? (['lifeline', 'ws'] as const) : (['ws', 'lifeline'] as const);
      for (const variant of order) {
        const result = await runProbe<ScaleInput, ScaleResult>(
          'scaleProbe',
          { variant, connections, urls, durationMs: durationSeconds * 1000, heartbeatInterval },
          {
            execArgv: ['--expose-gc'],
            timeoutMs: durationSeconds * 1000 + 120_000 + 2 * connections * OPEN_ALLOWANCE_MS,
          },
        );
        runs.push(result);
        progress(
          `scale ${rep}/${scaleReps} ${String(connections).padStart(5)} ${variant.padEnd(8)} ` +
            `${result.cpuPerWallSecond.toFixed(4)} CPU s/s  ${(result.heapPerConnection / 1024).toFixed(1)} KB/conn  ` +
            `RSS ${(result.rss / 1048576).toFixed(0)} MB  opened in ${result.openSeconds.toFixed(1)} s  ` +
            `${result.pongs} pongs, ${result.open} open`,
        );
        if (result.open !== connections)
          throw new Error(`scale: ${connections - result.open} ${variant} connections dropped`);
      }
    }
  }
  const pick = (connections: number, variant: ScaleInput['variant'], field: Figure): number =>
    median(runs.filter((run) => run.connections === connections && run.variant === variant).map((run) => run[field]));
  const side = (connections: number, variant: ScaleInput['variant']) => ({
    cpuPerWallSecond: pick(connections, variant, 'cpuPerWallSecond'),
    heapPerConnection: pick(connections, variant, 'heapPerConnection'),
    rss: pick(connections, variant, 'rss'),
    rssPerConnection: pick(connections, variant, 'rssPerConnection'),
    openSeconds: pick(connections, variant, 'openSeconds'),
    pongsPerConnectionSecond: pick(connections, variant, 'pongs') / connections / durationSeconds,
  });
  const points = sizes.map((connections) => {
    const lifeline = side(connections, 'lifeline');
    const ws = side(connections, 'ws');
    return {
      connections,
      lifeline,
      ws,
      cpuRatio: lifeline.cpuPerWallSecond / ws.cpuPerWallSecond,
      heapRatio: lifeline.heapPerConnection / ws.heapPerConnection,
      rssRatio: lifeline.rss / ws.rss,
    };
  });
  const atTarget = points.find((p) => p.connections === SCALE_TARGET.connections);
  return {
    durationSeconds,
    heartbeatInterval,
    reps: scaleReps,
    listeners: urls.length,
    runs,
    points,
    target: {
      ...SCALE_TARGET,
      measured: atTarget !== undefined,
      heapMet: atTarget !== undefined && atTarget.lifeline.heapPerConnection <= SCALE_TARGET.heapPerConnection,
      cpuMet: atTarget !== undefined && atTarget.cpuRatio <= SCALE_TARGET.cpuRatio,
    },
  };
}

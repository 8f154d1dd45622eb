/**
 * What keeps the event loop alive, counted by type (`Timeout`, `TCPSocketWrap`, `TCPServerWrap`, …),
 * from `process.getActiveResourcesInfo()`. A leak is a count above the one taken before the case
 * started, still there once every socket, server and handle of the case is closed.
 */
export type ResourceCounts = Readonly<Record<string, number>>;

export function activeResources(): ResourceCounts {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

/** The resources above `baseline`, by type, and their total. */
export function resourcesAbove(baseline: ResourceCounts, now: ResourceCounts = activeResources()): Leak {
  const byType: Record<string, number> = {};
  let total = 0;
  for (const [type, count] of Object.entries(now)) {
    const extra = count - (baseline[type] ?? 0);
    if (extra > 0) {
      byType[type] = extra;
      total += extra;
    }
  }
  return { total, byType };
}

export interface Leak {
  readonly total: number;
  readonly byType: Readonly<Record<string, number>>;
}

/**
 * The resources still above `baseline` after giving closes in progress up to `settleMs` to finish
 * (a socket closed by its peer is released a few event-loop turns later). Polls every 10 ms; the
 * poll's own timer has fired, so is not counted, when each reading is taken.
 */
export async function leakedSince(baseline: ResourceCounts, settleMs = 2000): Promise<Leak> {
  const started = performance.now();
  let leak = resourcesAbove(baseline);
  while (leak.total > 0 && performance.now() - started < settleMs) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    leak = resourcesAbove(baseline);
  }
  return leak;
}

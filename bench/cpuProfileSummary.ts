import { readFileSync } from 'node:fs';
import path from 'node:path';

/** One function's share of a CPU profile. */
export interface HotFunction {
  readonly name: string;
  /** `file:line` relative to the working directory, or `(native)`. */
  readonly where: string;
  /** Self time as a share of all samples, 0–1. */
  readonly self: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
  readonly hitCount?: number;
}

/**
 * The functions with the most self time in a `.cpuprofile` written by `node --cpu-prof`, merged
 * by function and location, idle and GC kept as their own rows.
 */
export function cpuProfileSummary(file: string, top = 25): HotFunction[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[] };
  const hits = new Map<number, number>();
  for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  const merged = new Map<string, { name: string; where: string; count: number }>();
  for (const node of profile.nodes) {
    const count = hits.get(node.id) ?? 0;
    if (count === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${path.relative(process.cwd(), url.replace(/^file:\/\//, ''))}:${lineNumber + 1}` : '(native)';
    const name = functionName || '(anonymous)';
    const key = `${name} ${where}`;
    const entry = merged.get(key) ?? { name, where, count: 0 };
    entry.count += count;
    merged.set(key, entry);
  }
  const total = profile.samples.length;
  return [...merged.values()]
    .sort((a, b) => b.count - a.count)
    .slice(0, top)
    .map(({ name, where, count }) => ({ name, where, self: count / total }));
}

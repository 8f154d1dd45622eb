import { readFileSync } from 'node:fs';
import path from 'node:path';

/** One function's share of a CPU profile. */
export interface HotFunction {
  readonly name: string;
  /** `file:line` relative to the working directory, or `(native)`. */
  readonly where: string;
  /** Self time as a share of all samples, 0–1. */
  readonly self: number;
  /** Time in it and everything it called, as a share of all samples, 0–1 (a recursive call counted once). */
  readonly total: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
  readonly hitCount?: number;
  readonly children?: readonly number[];
}

/**
 * The functions with the most time in a `.cpuprofile` written by `node --cpu-prof`, merged by
 * function and location, idle and GC kept as their own rows: by self time, or (`by: 'total'`) by
 * time including their callees, which is where a library's own cost shows when the leaves are
 * Node's (a `writev` per message, say).
 *
 * @example
 * cpuProfileSummary('bench/profiles/outbound-lifeline/CPU.cpuprofile', 10)[0];
 * // { name: 'writev', where: '(native)', self: 0.62, total: 0.62 }
 *
 * @param file The profile.
 * @param top How many functions.
 * @param by Sort by self time (default) or total time.
 * @returns The `top` functions, hottest first.
 */
export function cpuProfileSummary(file: string, top = 25, by: 'self' | 'total' = 'self'): HotFunction[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[] };
  const hits = new Map<number, number>();
  for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const keyOf = (node: ProfileNode): { key: string; name: string; where: string } => {
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${path.relative(process.cwd(), url.replace(/^file:\/\//, ''))}:${lineNumber + 1}` : '(native)';
    const name = functionName || '(anonymous)';
    return { key: `${name} ${where}`, name, where };
  };
  const merged = new Map<string, { name: string; where: string; self: number; total: number }>();
  const entry = (node: ProfileNode) => {
    const { key, name, where } = keyOf(node);
    let found = merged.get(key);
    if (!found) merged.set(key, (found = { name, where, self: 0, total: 0 }));
    return { key, found };
  };
  // Depth first with the keys on the current path, so a function that recurses is counted once.
  const onPath = new Map<string, number>();
  const visit = (node: ProfileNode): number => {
    const { key, found } = entry(node);
    const self = hits.get(node.id) ?? 0;
    found.self += self;
    onPath.set(key, (onPath.get(key) ?? 0) + 1);
    let total = self;
    for (const child of node.children ?? []) {
      const next = nodes.get(child);
      if (next) total += visit(next);
    }
    const depth = (onPath.get(key) ?? 1) - 1;
    if (depth === 0) {
      onPath.delete(key);
      found.total += total;
    } else onPath.set(key, depth);
    return total;
  };
  const children = new Set(profile.nodes.flatMap((node) => node.children ?? []));
  for (const node of profile.nodes) if (!children.has(node.id)) visit(node);
  const count = profile.samples.length;
  return [...merged.values()]
    .filter((f) => f.total > 0)
    .sort((a, b) => b[by] - a[by])
    .slice(0, top)
    .map(({ name, where, self, total }) => ({ name, where, self: self / count, total: total / count }));
}

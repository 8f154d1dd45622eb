import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { BenchResults } from './BenchResults';
import { BenchSettings, benchSettings } from './BenchSettings';
import { detectionSuite } from './detectionSuite';
import { ensureFileLimit } from './ensureFileLimit';
import { memorySuite } from './memorySuite';
import { outboundSuite } from './outboundSuite';
import { performanceReport } from './performanceReport';
import { profileSuite } from './profileSuite';
import { scaleSuite } from './scaleSuite';
import { serverPortsFor } from './serverPortsFor';
import { startServerProcess } from './serverProcess';
import { throughputSuite } from './throughputSuite';

/** Descriptors a process needs beyond one per connection: modules, pipes, listening sockets, the profiler. */
const SPARE_FILES = 512;

/** `markdown` formatted as the repository's prettier would, so the file passes `prettier --check`. */
async function markdownFormatted(markdown: string, file: string): Promise<string> {
  try {
    const prettier = await import('prettier');
    const options = (await prettier.resolveConfig(file)) ?? {};
    return await prettier.format(markdown, { ...options, filepath: file });
  } catch {
    return markdown;
  }
}

/** An upper bound on the whole run, however it goes: every probe has its own limit too. */
function runBudgetMs(settings: BenchSettings): number {
  const { sizes, scaleReps, durationSeconds, reps, suites } = settings;
  const scale = suites.has('scale')
    ? sizes.reduce((sum, size) => sum + 2 * scaleReps * (durationSeconds * 1000 + 60_000 + size * 20), 0)
    : 0;
  return 10 * 60_000 + scale + reps * 8 * 60_000 + (settings.profile ? 10 * 60_000 : 0);
}

async function main(): Promise<void> {
  const settings = benchSettings(process.argv.slice(2));
  const largest = settings.suites.has('scale') || settings.profile ? Math.max(1000, ...settings.sizes) : 0;
  ensureFileLimit(largest + SPARE_FILES);
  const started = performance.now();
  const loadStart = os.loadavg()[0];
  const budgetMs = runBudgetMs(settings);
  setTimeout(() => {
    console.error(`bench: gave up after ${Math.round(budgetMs / 60_000)} minutes`);
    process.exit(2);
  }, budgetMs).unref();

  const server = await startServerProcess(0, serverPortsFor(largest));
  const results: Partial<BenchResults> = {};
  const { suites } = settings;
  try {
    if (suites.has('throughput')) results.throughput = await throughputSuite(server.url, settings);
    if (suites.has('outbound')) results.outbound = await outboundSuite(server.url, settings);
    if (suites.has('memory')) results.memory = await memorySuite(server.url, settings);
    if (suites.has('detection')) results.detection = await detectionSuite(settings);
    if (suites.has('scale')) results.scale = await scaleSuite(server.urls, settings);
    if (settings.profile) results.profile = await profileSuite(server.urls, settings);
  } finally {
    await server.stop();
  }

  const cpus = os.cpus();
  const full: BenchResults = {
    machine: {
      cpuModel: cpus[0]?.model.trim() ?? 'unknown',
      cores: cpus.length,
      totalMemoryGiB: os.totalmem() / 1024 ** 3,
      platform: `${os.type()} ${os.release()}`,
      arch: os.arch(),
      node: process.version,
      v8: process.versions.v8,
      loadAverage: { start: loadStart, end: os.loadavg()[0] },
      date: new Date().toISOString(),
    },
    command: settings.command,
    seconds: (performance.now() - started) / 1000,
    ...results,
  };
  const { text, markdown } = performanceReport(full);
  writeFileSync(settings.out, `${JSON.stringify(full, null, 2)}\n`);
  const markdownFile = settings.out.replace(/\.json$/, '') + '.md';
  writeFileSync(markdownFile, await markdownFormatted(markdown, markdownFile));
  console.log(`${text}\n\nWrote ${settings.out} and ${markdownFile} (the README Performance section draft).`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);

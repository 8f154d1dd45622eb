// npm run test:network — issue 10's test bed: the library against real kernel faults, client and
// server in network namespaces of the suite's own. Needs root; not part of npm test.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureTools } from './ensureTools';
import { networkCases } from './networkCases';
import { networkDetails, networkTable } from './networkTable';
import { ownChildren } from './ownChildren';
import { packageRoot } from './packageRoot';
import { NetworkRow, runCase } from './runCase';
import { TestBed } from './testBed';

const HELP = `npm run test:network [-- options]   the library against real kernel faults (root; not part of npm test)

  --only=LIST   cases to run, comma-separated id prefixes (e.g. 01,04a,10); default: all
  --runs=N      run each case N times (default 1), to see how much a case varies
  --list        print the cases and exit
  --help

Builds namespaces llc (client), llr (router), lls (server) joined by veth pairs on 10.77.0.0/30 and
10.77.0.4/30, which exist only inside them; makes faults with iptables, tc tbf, ip link and a TUN
delay line; deletes it all at the end, on failure and on SIGINT. Exit code 0 when every case passes.
Results: spec/network/results/network.md and network.json.`;

const resultsDir = path.join(packageRoot, 'spec', 'network', 'results');

function teardown(): void {
  ownChildren.killAll();
  new TestBed().down();
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      runs: { type: 'string', default: '1' },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (values.list) {
    for (const c of networkCases) console.log(`${c.id.padEnd(20)} ${c.title}  [${c.criteria}]`);
    return 0;
  }
  const prefixes = values.only
    ?.split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const cases = networkCases.filter((c) => !prefixes || prefixes.some((p) => c.id.startsWith(p)));
  const runs = Number(values.runs);
  if (cases.length === 0 || !Number.isInteger(runs) || runs < 1) {
    console.error(`nothing to run: --only=${values.only ?? ''} --runs=${values.runs}\n\n${HELP}`);
    return 2;
  }

  const tools = ensureTools();
  if (!tools.tun) throw new Error('/dev/net/tun is missing: the delay line (cases 4a, 4b) needs TUN');
  const budget = cases.reduce((sum, c) => sum + c.budgetMs + 15_000, 0) * runs;
  console.log(
    [
      `network suite: ${cases.length} case(s) × ${runs}, at most ${Math.ceil(budget / 60_000)} min`,
      `delay: netem is ${tools.netem} on this kernel and not used; delay comes from spec/network/delayLine.py,`,
      '  a TUN forwarder (Python stdlib) in the router namespace that holds each packet 200 ± 100 ms, in order',
      tools.installed.length > 0 ? `installed: ${tools.installed.join(', ')}` : undefined,
    ]
      .filter(Boolean)
      .join('\n'),
  );
  const overrun = setTimeout(() => {
    console.error(`network suite: over its ${Math.ceil(budget / 60_000)} min bound; stopping`);
    teardown();
    process.exit(1);
  }, budget);
  overrun.unref();

  const rows: NetworkRow[] = [];
  for (let run = 1; run <= runs; run++) {
    for (const networkCase of cases) {
      const row = await runCase(networkCase);
      const labelled = runs > 1 ? { ...row, title: `${row.title} (run ${run}/${runs})` } : row;
      rows.push(labelled);
      const failed = row.failures.length > 0 ? `: ${row.failures.join('; ')}` : '';
      console.log(`  ${row.verdict.padEnd(4)} ${labelled.title} (${(row.wallMs / 1000).toFixed(1)} s)${failed}`);
    }
  }
  clearTimeout(overrun);

  const table = networkTable(rows);
  const details = networkDetails(rows);
  const legend =
    'detect: fault in → the link says so; recover: fault out → Connected for good. Per outbound message, counted ' +
    'at both ends: resolved / rejected by `SendError.reason` (arrived: rejected yet on the server), received on ' +
    'the server, dup: received twice, late: received later than its ttl after `send()`, lost: resolved yet never ' +
    'received. teardowns: Disconnected events.';
  console.log(`\n${table}\n\n${legend}\n\n${details}\n`);
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(path.join(resultsDir, 'network.md'), `# npm run test:network\n\n${table}\n\n${legend}\n\n${details}\n`);
  writeFileSync(path.join(resultsDir, 'network.json'), `${JSON.stringify({ tools, rows }, null, 2)}\n`);
  const failed = rows.filter((row) => row.verdict === 'FAIL');
  console.log(
    `${rows.length - failed.length} passed, ${failed.length} failed` +
      (failed.length > 0 ? `: ${failed.map((row) => row.id).join(', ')}` : ''),
  );
  return failed.length > 0 ? 1 : 0;
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    console.error(`\nnetwork suite: ${signal}, tearing down`);
    teardown();
    process.exit(130);
  });
}
process.on('exit', teardown);

main().then(
  (code) => {
    teardown();
    process.exit(code);
  },
  (error: unknown) => {
    console.error(`network suite: ${(error as Error).stack ?? String(error)}`);
    teardown();
    process.exit(1);
  },
);

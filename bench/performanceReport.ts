import { BenchResults } from './BenchResults';
import { median } from './median';

type Cell = string;
type Align = 'l' | 'r';

const count = (n: number): string => Math.round(n).toLocaleString('en-US');
const fixed = (n: number, digits: number): string => (Number.isFinite(n) ? n.toFixed(digits) : '—');
const megabytes = (bytes: number): string => `${bytes >= 0 ? '+' : '−'}${fixed(Math.abs(bytes) / 1048576, 2)} MB`;
const kilobytes = (bytes: number): string => `${fixed(bytes / 1024, 1)} KB`;
const verdict = (met: boolean): string => (met ? '✓' : '✗ missed');
const minutes = (seconds: number): string => {
  const n = Math.max(1, Math.round(seconds / 60));
  return `${n} minute${n === 1 ? '' : 's'}`;
};
const micros = (us: number): string =>
  !Number.isFinite(us) ? '—' : us >= 10_000 ? `${fixed(us / 1000, 1)} ms` : `${fixed(us, 0)} µs`;

/** A table as aligned text for the terminal. */
function textTable(header: Cell[], align: Align[], markdownRows: Cell[][]): string {
  const rows = markdownRows.map((row) => row.map((cell) => cell.replace(/`/g, '')));
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => [...row[column]].length)));
  const line = (row: Cell[]): string =>
    row
      .map((cell, column) => {
        const pad = ' '.repeat(widths[column] - [...cell].length);
        return align[column] === 'r' ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((width) => '─'.repeat(width)).join('  '), ...rows.map(line)]
    .map((row) => `  ${row}`)
    .join('\n');
}

/** `text` broken into indented lines of at most `width` characters, for the terminal. */
function wrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.replace(/`/g, '').split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((l) => `   ${l}`).join('\n');
}

/** A table as GitHub markdown. */
function markdownTable(header: Cell[], align: Align[], rows: Cell[][]): string {
  const line = (row: Cell[]): string => `| ${row.join(' | ')} |`;
  return [line(header), line(align.map((a) => (a === 'r' ? '---:' : '---'))), ...rows.map(line)].join('\n');
}

interface Section {
  readonly title: string;
  readonly intro: string;
  readonly header: Cell[];
  readonly align: Align[];
  readonly rows: Cell[][];
}

function sections(results: BenchResults): Section[] {
  const out: Section[] = [];
  const { throughput, outbound, memory, detection, scale } = results;
  const targets = targetRows(results);
  if (targets.length > 0) {
    out.push({
      title: 'Targets',
      intro:
        'Each ratio is lifeline against a raw `ws` client doing the same work, measured in the same run (details below). ' +
        'Targets from issue 12 (and issue 10 for the inbound floor).',
      header: ['', 'lifeline', 'raw `ws`', 'ratio', 'target'],
      align: ['l', 'r', 'r', 'r', 'l'],
      rows: targets,
    });
  }
  if (throughput) {
    const m = throughput.median;
    const row = (name: string, variant: keyof typeof m, ratio: string, cpuRatio: string): Cell[] => [
      name,
      count(m[variant].messagesPerSecond),
      fixed(m[variant].cpuMicrosPerMessage, 2),
      ratio,
      cpuRatio,
    ];
    out.push({
      title: 'Inbound throughput',
      intro:
        `${count(throughput.messages)} JSON trade ticks of ${Math.round(throughput.payloadBytes)} bytes, pre-serialised and ` +
        `written to the socket in batches of 1,000 frames by a server in its own process, as fast as the client ` +
        `drains them; timed from the first to the last message, after ${count(throughput.warmup)} untimed ones. ` +
        `Median of ${throughput.reps} interleaved repetitions, each client in a fresh process; the ratios are ` +
        `medians of each repetition's ratio, and "CPU vs (a)" is (a)'s CPU time per message over the client's, so ` +
        `both read the same way (1.00: as cheap as raw \`ws\`). (c) runs with a 1 s heartbeat, a 1 s latency ` +
        `probe, 1 s data sampling and a report every second, every stream subscribed; ${monitorsFired(throughput.runs)}`,
      header: ['client', 'messages/s', 'CPU µs/message', 'rate vs (a)', 'CPU vs (a)'],
      align: ['l', 'r', 'r', 'r', 'r'],
      rows: [
        row('(a) `ws` + `JSON.parse`', 'ws', '1.00', '1.00'),
        row(
          '(b) `rxjs-websockets` + `JSON.parse`',
          'rxjs-websockets',
          fixed(throughput.ratio.rxjsWebsocketsToWs, 3),
          fixed(throughput.cpuRatio.rxjsWebsocketsToWs, 3),
        ),
        row(
          '(c) lifeline `connect()`, every monitor on',
          'lifeline',
          `${fixed(throughput.ratio.lifelineToWs, 3)} (target ≥ ${fixed(throughput.target.lifelineToWs, 2)} ${verdict(throughput.target.met)})`,
          fixed(throughput.cpuRatio.lifelineToWs, 3),
        ),
        row('server ceiling: TCP bytes, no parsing', 'wire', '—', '—'),
      ],
    });
  }
  if (outbound) out.push(...outboundSections(outbound));
  if (memory) {
    const target = `< ${fixed(memory.target.bytes / 1048576, 0)} MB`;
    const { messages, reconnects } = memory.growth;
    out.push({
      title: 'Memory',
      intro:
        `Heap used after full GC (\`node --expose-gc\`), before and after, with the connection open; ` +
        `median of ${memory.reps}. Reconnect cycles: the server drops each connection right after the upgrade, ` +
        `the client retries after 1 ms (jitter none).`,
      header: ['heap growth', 'lifeline (c)', 'raw `ws` (a)', 'target (c)'],
      align: ['l', 'r', 'r', 'l'],
      rows: [
        [
          `after ${count(messages.count)} messages`,
          megabytes(messages.lifeline),
          megabytes(messages.ws),
          `${target} ${verdict(messages.lifeline < memory.target.bytes)}`,
        ],
        [
          `after ${count(reconnects.count)} reconnect cycles`,
          megabytes(reconnects.lifeline),
          megabytes(reconnects.ws),
          `${target} ${verdict(reconnects.lifeline < memory.target.bytes)}`,
        ],
      ],
    });
  }
  if (detection) {
    const { halfOpen, restart } = detection;
    out.push({
      title: 'Detection and recovery',
      intro:
        `Half-open: a link through a fault-injecting TCP proxy is blackholed (no FIN, no RST); heartbeat ` +
        `${detection.heartbeatInterval} ms / timeout ${detection.heartbeatTimeout} ms. Restart: the server process ` +
        `stops and starts again on the same port; backoff ${detection.initialDelay} ms × 2ⁿ up to ` +
        `${detection.maxDelay} ms, jitter none; measured is Connected − max(listening, scheduled retry time), of ` +
        `which the retry timer's lateness is median ${fixed(median(detection.samples.restart.map((r) => r.attemptLateMs)), 0)} ms ` +
        `and TCP connect + upgrade median ${fixed(median(detection.samples.restart.map((r) => r.handshakeMs)), 0)} ms. ` +
        `${detection.samples.halfOpen.length} half-open and ${detection.samples.restart.length} restart samples; ` +
        `the targets hold for the max.`,
      header: ['', 'median', 'max', 'target'],
      align: ['l', 'r', 'r', 'l'],
      rows: [
        [
          'half-open → HeartbeatTimeout',
          `${fixed(halfOpen.medianMs, 0)} ms`,
          `${fixed(halfOpen.maxMs, 0)} ms`,
          `≤ ${fixed(halfOpen.targetMs, 0)} ms ${verdict(halfOpen.met)}`,
        ],
        [
          'server listening again → Connected, beyond the scheduled retry',
          `${fixed(restart.medianMs, 0)} ms`,
          `${fixed(restart.maxMs, 0)} ms`,
          `≤ ${fixed(restart.targetMs, 0)} ms ${verdict(restart.met)}`,
        ],
      ],
    });
  }
  if (scale) {
    const { target } = scale;
    out.push({
      title: 'Scale',
      intro:
        `Idle connections, each with its own ${scale.heartbeatInterval / 1000} s heartbeat, over ` +
        `${scale.durationSeconds} s${scale.reps > 1 ? ` (median of ${scale.reps})` : ''}, to a server in its own ` +
        `process, opened 100 at a time and spread over ${scale.listeners} server port${scale.listeners > 1 ? 's' : ''} ` +
        `so that none carries more than a quarter of the ephemeral port range. lifeline: \`connect()\` with every stream ` +
        `subscribed (status$, state$, events$, quality$, stats$, latency$, ready$, lag$, messages$), the report sink ` +
        `and the trade gate; baseline: raw \`ws\` clients each pinging on their own timer and parsing their messages. ` +
        `CPU is the client process's user + system time per wall second; heap per connection is heap after GC with ` +
        `all open, less before, divided by the count; RSS is the client process's with all open. ` +
        heartbeatSentence(scale) +
        (target.measured
          ? `Targets at ${count(target.connections)}: heap ≤ ${fixed(target.heapPerConnection / 1024, 0)} KB per ` +
            `connection ${verdict(target.heapMet)}, CPU ≤ ${fixed(target.cpuRatio, 0)}× raw \`ws\` ${verdict(target.cpuMet)}.`
          : `The targets are set at ${count(target.connections)} connections, not run here.`),
      header: [
        'connections',
        'CPU s/s (c)',
        'CPU s/s raw ws',
        'CPU ratio',
        'heap/conn (c)',
        'heap/conn raw ws',
        'heap ratio',
        'RSS (c)',
        'RSS raw ws',
        'RSS ratio',
      ],
      align: ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
      rows: scale.points.map((point) => [
        count(point.connections),
        fixed(point.lifeline.cpuPerWallSecond, 4),
        fixed(point.ws.cpuPerWallSecond, 4),
        fixed(point.cpuRatio, 1),
        kilobytes(point.lifeline.heapPerConnection),
        kilobytes(point.ws.heapPerConnection),
        fixed(point.heapRatio, 1),
        `${fixed(point.lifeline.rss / 1048576, 0)} MB`,
        `${fixed(point.ws.rss / 1048576, 0)} MB`,
        fixed(point.rssRatio, 1),
      ]),
    });
  }
  return out;
}

/** What (c)'s monitors did per run: a short run arms every timer but may not see each one fire. */
function monitorsFired(runs: NonNullable<BenchResults['throughput']>['runs']): string {
  const counts = runs.flatMap((run) => (run.monitors ? [run.monitors] : []));
  if (counts.length === 0) return '';
  const typical = (pick: (c: (typeof counts)[number]) => number): string => fixed(median(counts.map(pick)), 0);
  const of = (variant: string) => runs.filter((run) => run.variant === variant);
  const ratios = of('lifeline').map((run, i) => run.messagesPerSecond / of('ws')[i].messagesPerSecond);
  return (
    `per run (median) the link saw ${typical((c) => c.latency)} latency samples, ${typical((c) => c.quality)} quality ` +
    `updates and ${typical((c) => c.reports)} reports. (c)'s rate vs (a) ranged from ${fixed(Math.min(...ratios), 3)} ` +
    `to ${fixed(Math.max(...ratios), 3)} over the repetitions.`
  );
}

/** How many of the heartbeats due came back at the largest size: a loaded event loop runs its timers late. */
function heartbeatSentence(scale: NonNullable<BenchResults['scale']>): string {
  const largest = scale.points[scale.points.length - 1];
  if (largest === undefined) return '';
  return (
    `At ${count(largest.connections)} connections ${fixed(largest.lifeline.pongsPerConnectionSecond, 2)} (c) and ` +
    `${fixed(largest.ws.pongsPerConnectionSecond, 2)} raw \`ws\` heartbeat round trips per connection-second came back ` +
    `(1.00: every one on time). `
  );
}

/** The targets of issues 10 and 12, each with what this run measured. */
function targetRows(results: BenchResults): Cell[][] {
  const { throughput, outbound, scale } = results;
  const rows: Cell[][] = [];
  if (throughput) {
    const { median: m, ratio, target } = throughput;
    rows.push([
      'inbound ticks/s, fully monitored',
      count(m.lifeline.messagesPerSecond),
      count(m.ws.messagesPerSecond),
      fixed(ratio.lifelineToWs, 3),
      `≥ ${fixed(target.lifelineToWs, 2)} ${verdict(target.met)} (floor ≥ ${fixed(target.floor, 2)} ${verdict(target.floorMet)})`,
    ]);
  }
  if (outbound) {
    rows.push([
      'outbound CPU per order, `send()` vs `ws.send(JSON.stringify(…))`',
      `${fixed(outbound.lifeline.cpuMicrosPerMessage, 2)} µs`,
      `${fixed(outbound.ws.cpuMicrosPerMessage, 2)} µs`,
      `${fixed(outbound.ratio.cpu, 2)}×`,
      `≤ ${fixed(outbound.target.cpuRatio, 1)}× ${verdict(outbound.target.met)}`,
    ]);
  }
  const point = scale?.points.find((p) => p.connections === scale.target.connections);
  if (scale && point) {
    const { target } = scale;
    rows.push(
      [
        `heap per connection at ${count(target.connections)}`,
        kilobytes(point.lifeline.heapPerConnection),
        kilobytes(point.ws.heapPerConnection),
        `${fixed(point.heapRatio, 1)}×`,
        `≤ ${fixed(target.heapPerConnection / 1024, 0)} KB ${verdict(target.heapMet)}`,
      ],
      [
        `CPU s/s at ${count(target.connections)} connections`,
        fixed(point.lifeline.cpuPerWallSecond, 3),
        fixed(point.ws.cpuPerWallSecond, 3),
        `${fixed(point.cpuRatio, 1)}×`,
        `≤ ${fixed(target.cpuRatio, 0)}× ${verdict(target.cpuMet)}`,
      ],
      [
        `RSS at ${count(target.connections)} connections`,
        `${fixed(point.lifeline.rss / 1048576, 0)} MB`,
        `${fixed(point.ws.rss / 1048576, 0)} MB`,
        `${fixed(point.rssRatio, 1)}×`,
        '—',
      ],
    );
  }
  return rows;
}

/** The outbound tables: orders as fast as possible and 1 ms apart; requests with replies. */
function outboundSections(outbound: NonNullable<BenchResults['outbound']>): Section[] {
  const { wire, ws, lifeline, ratio, request } = outbound;
  const sections: Section[] = [
    {
      title: 'Outbound',
      intro:
        `${count(outbound.orders)} orders of ${outbound.orderBytes} bytes of JSON written as fast as possible, after ` +
        `${count(outbound.warmup)} untimed ones, to a server in its own process that stamps each arrival; each order ` +
        `carries its send time on a clock both processes share (\`process.hrtime\`, CLOCK_MONOTONIC), so latency is ` +
        `send call to the server's \`message\` event. (a) builds each order and calls ` +
        `\`ws.send(JSON.stringify(order))\`, waiting for the socket's 'drain' when its backlog passes 16 KB; (c) calls ` +
        `\`link.send(order)\` on a fully monitored link (as inbound (c)) and handles each promise, keeping at most ` +
        `16 KB of orders unsettled. Orders/s is over first send to last arrival; CPU is the client's from the first ` +
        `send until the last order reached the kernel. Then ${count(outbound.paced)} orders 1 ms apart: latency ` +
        `without a backlog. Median of ${outbound.reps} interleaved repetitions; ratios are medians of each ` +
        `repetition's (c) ÷ (a). The server's own CPU per order is shown: the wire row is what it takes at most.`,
      header: [
        'writer',
        'orders/s',
        'CPU µs/order',
        'CPU ÷ (a)',
        'burst p50',
        'burst p99',
        'paced p50',
        'paced p99',
        'server µs/order',
      ],
      align: ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
      rows: [
        [
          '(a) `ws.send(JSON.stringify(order))`',
          count(ws.messagesPerSecond),
          fixed(ws.cpuMicrosPerMessage, 2),
          '1.00',
          micros(ws.p50),
          micros(ws.p99),
          micros(ws.pacedP50),
          micros(ws.pacedP99),
          fixed(ws.serverCpuMicrosPerMessage, 2),
        ],
        [
          '(c) lifeline `send()`, every monitor on',
          `${count(lifeline.messagesPerSecond)} (${fixed(ratio.rate, 2)}×)`,
          fixed(lifeline.cpuMicrosPerMessage, 2),
          `${fixed(ratio.cpu, 2)} (target ≤ ${fixed(outbound.target.cpuRatio, 1)} ${verdict(outbound.target.met)})`,
          `${micros(lifeline.p50)} (${fixed(ratio.p50, 2)}×)`,
          `${micros(lifeline.p99)} (${fixed(ratio.p99, 2)}×)`,
          `${micros(lifeline.pacedP50)} (${fixed(ratio.pacedP50, 2)}×)`,
          `${micros(lifeline.pacedP99)} (${fixed(ratio.pacedP99, 2)}×)`,
          fixed(lifeline.serverCpuMicrosPerMessage, 2),
        ],
        [
          'server ceiling: pre-built frames, 1,000 per write',
          count(wire.messagesPerSecond),
          '—',
          '—',
          '—',
          '—',
          '—',
          '—',
          fixed(wire.serverCpuMicrosPerMessage, 2),
        ],
      ],
    },
  ];
  if (request) {
    sections.push({
      title: 'Requests',
      intro:
        `${count(outbound.requests)} requests (orders with an id), each answered by the server, at most 100 in flight, ` +
        `after a tenth as many untimed. (a) raw \`ws\`: an id per request, a map of waiting resolvers, every reply ` +
        `parsed, no timeout; (c) lifeline \`request()\`: the same with a reply timeout and a time-to-live per request. ` +
        `Round trip is the call to the reply in hand.`,
      header: ['client', 'requests/s', 'CPU µs/request', 'CPU ÷ (a)', 'round trip p50', 'round trip p99'],
      align: ['l', 'r', 'r', 'r', 'r', 'r'],
      rows: [
        [
          '(a) `ws` + id map',
          count(request.ws.requestsPerSecond),
          fixed(request.ws.cpuMicrosPerRequest, 2),
          '1.00',
          micros(request.ws.p50),
          micros(request.ws.p99),
        ],
        [
          '(c) lifeline `request()`',
          `${count(request.lifeline.requestsPerSecond)} (${fixed(request.rateRatio, 2)}×)`,
          fixed(request.lifeline.cpuMicrosPerRequest, 2),
          fixed(request.cpuRatio, 2),
          micros(request.lifeline.p50),
          micros(request.lifeline.p99),
        ],
      ],
    });
  }
  return sections;
}

function machineLine(results: BenchResults): string {
  const { machine } = results;
  return (
    `${machine.cpuModel}, ${machine.cores} cores, ${fixed(machine.totalMemoryGiB, 0)} GiB, ${machine.platform} ${machine.arch}, ` +
    `Node ${machine.node} (V8 ${machine.v8}), ${machine.date.slice(0, 10)}; 1-min load average ` +
    `${fixed(machine.loadAverage.start, 2)} at the start, ${fixed(machine.loadAverage.end, 2)} at the end`
  );
}

/** A warning when the machine was busy: then the figures are development numbers, not results. */
function busyWarning(results: BenchResults): string | undefined {
  const { cores, loadAverage } = results.machine;
  const load = Math.max(loadAverage.start, loadAverage.end);
  return load > cores / 2
    ? `⚠ The machine was busy (load average ${fixed(load, 2)} on ${cores} cores): other processes took CPU from ` +
        `the clients, so rates are noisy. Run again on a quiet machine for figures to publish.`
    : undefined;
}

/**
 * The results as a terminal report and as the README's Performance section (markdown): the same
 * tables, the machine they ran on, and the command that reproduces them.
 */
export function performanceReport(results: BenchResults): { text: string; markdown: string } {
  const parts = sections(results);
  const warning = busyWarning(results);
  const text = [
    `lifeline benchmarks — ${machineLine(results)}`,
    ...(warning ? [warning] : []),
    ...parts.map(
      (part, i) =>
        `\n${i + 1}. ${part.title}\n${wrap(part.intro, 110)}\n\n${textTable(part.header, part.align, part.rows)}`,
    ),
    `\nReproduce: ${results.command}   (${fixed(results.seconds / 60, 1)} min; bench/results.json has every run)`,
  ].join('\n');
  const markdown = [
    '## Performance',
    '',
    `Measured by \`${results.command}\` (${minutes(results.seconds)}) on ${machineLine(results)}. ` +
      `Every figure is set against a baseline measured in the same run, in fresh processes, with the server in a ` +
      `process of its own; \`bench/results.json\` holds every repetition.`,
    ...(warning ? ['', `> ${warning}`] : []),
    ...parts.flatMap((part) => [
      '',
      `### ${part.title}`,
      '',
      part.intro,
      '',
      markdownTable(part.header, part.align, part.rows),
    ]),
    '',
    '### Reproduce',
    '',
    '```sh',
    'npm ci',
    'npm run bench                 # everything, about 10 minutes; writes bench/results.json and bench/results.md',
    'npm run bench -- --quick      # 3 repetitions, 5 s scale runs up to 1,000 connections: about 3 minutes',
    'npm run bench -- --only=scale --sizes=10000   # one suite, one size',
    'npm run bench -- --help       # suites, repetitions, sizes, --profile',
    '```',
    '',
    '10,000 connections take as many file descriptors in the client process and in the server process. Node raises ' +
      'its soft limit to the hard one (`ulimit -Hn`) as it starts; the bench checks that first and says how to raise ' +
      'it if it is too low. The connections are spread over several server ports, so that no server port needs more ' +
      'than a quarter of the ephemeral port range.',
    '',
  ].join('\n');
  return { text, markdown };
}

import { BenchResults } from './BenchResults';
import { median } from './median';

type Cell = string;
type Align = 'l' | 'r';

const count = (n: number): string => Math.round(n).toLocaleString('en-US');
const fixed = (n: number, digits: number): string => (Number.isFinite(n) ? n.toFixed(digits) : '—');
const megabytes = (bytes: number): string => `${bytes >= 0 ? '+' : '−'}${fixed(Math.abs(bytes) / 1048576, 2)} MB`;
const kilobytes = (bytes: number): string => `${fixed(bytes / 1024, 1)} KB`;
const verdict = (met: boolean): string => (met ? '✓' : '✗ missed');

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
  const { throughput, memory, detection, scale } = results;
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
        `probe, 1 s data sampling and a report every second, so every monitor fires during the run.`,
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
          `${fixed(throughput.ratio.lifelineToWs, 3)} (target ≥ ${fixed(throughput.target.lifelineToWs, 3)} ${verdict(throughput.target.met)})`,
          fixed(throughput.cpuRatio.lifelineToWs, 3),
        ),
        row('server ceiling: TCP bytes, no parsing', 'wire', '—', '—'),
      ],
    });
  }
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
    out.push({
      title: 'Scale',
      intro:
        `Idle connections to one local server, each with its own ${scale.heartbeatInterval / 1000} s heartbeat, over ` +
        `${scale.durationSeconds} s${scale.reps > 1 ? ` (median of ${scale.reps})` : ''}. lifeline: \`connect()\` with ` +
        `every monitor subscribed; baseline: raw \`ws\` clients each pinging on their own timer. CPU is the client ` +
        `process's user + system time per wall second; heap per connection is heap after GC with all open, less ` +
        `before, divided by the count.`,
      header: [
        'connections',
        'CPU s/s (c)',
        'CPU s/s raw ws',
        'CPU ratio',
        'heap/conn (c)',
        'heap/conn raw ws',
        'heap ratio',
      ],
      align: ['r', 'r', 'r', 'r', 'r', 'r', 'r'],
      rows: scale.points.map((point) => [
        count(point.connections),
        fixed(point.lifeline.cpuPerWallSecond, 4),
        fixed(point.ws.cpuPerWallSecond, 4),
        fixed(point.cpuRatio, 1),
        kilobytes(point.lifeline.heapPerConnection),
        kilobytes(point.ws.heapPerConnection),
        fixed(point.heapRatio, 1),
      ]),
    });
  }
  return out;
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
    `Measured by \`${results.command}\` (${Math.ceil(results.seconds / 60)} minutes) on ${machineLine(results)}. ` +
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
    'npm run bench                 # everything, about 7 minutes; writes bench/results.json and bench/results.md',
    'npm run bench -- --quick      # 3 repetitions, 5 s scale runs: about 3 minutes',
    'npm run bench -- --help       # suites, repetitions, sizes, --profile',
    '```',
    '',
  ].join('\n');
  return { text, markdown };
}

// The reliability table: one row per fault-matrix case, from the measurements each case writes to
// spec/reliability/results/<id>.json.
//
// As a jest reporter (npm run test:reliability) it clears old results when the run starts and prints
// the table when it ends. Run on its own (node scripts/reliabilityTable.js) it prints the table of
// the last run; with --details it also prints each case's status and event sequences.
const fs = require('node:fs');
const path = require('node:path');

const resultsDir = path.join(__dirname, '..', 'spec', 'reliability', 'results');

function readResults() {
  if (!fs.existsSync(resultsDir)) return [];
  return fs
    .readdirSync(resultsDir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => JSON.parse(fs.readFileSync(path.join(resultsDir, name), 'utf8')));
}

const ms = (value) => (value === undefined || value === null ? '—' : String(value));

function lostCell(result) {
  const inFlight = result.inFlight ? ` (+${result.inFlight} in flight)` : '';
  return `${result.lost}${inFlight}`;
}

function outboundCell(result) {
  const rejected = Object.entries(result.rejected || {})
    .map(([reason, count]) => `${count} ${reason}`)
    .join(', ');
  if (result.sent === 0) return '—';
  return `${result.delivered}/${result.sent} delivered${rejected ? `; rejected: ${rejected}` : ''}`;
}

/** The table as GitHub markdown, ready for the README. */
function formatTable(results) {
  const header = ['case', 'detect ms', 'recover ms', 'messages lost', 'handles leaked', 'outbound'];
  const rows = results.map((r) => [
    r.title,
    ms(r.detectMs),
    ms(r.recoverMs),
    lostCell(r),
    String(r.leaked),
    outboundCell(r),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** A long sequence shortened to its start and end. */
function abridged(sequence, separator) {
  if (sequence.length <= 40) return sequence.join(separator);
  const omitted = sequence.length - 30;
  return `${sequence.slice(0, 20).join(separator)}${separator}… ${omitted} more …${separator}${sequence.slice(-10).join(separator)}`;
}

function formatDetails(results) {
  return results
    .map((r) =>
      [
        `${r.title} (${r.id}, ${r.wallMs} ms)`,
        `  statuses: ${abridged(r.statuses, ' → ')}`,
        `  events:   ${abridged(r.events, ', ')}`,
        r.outbound ? `  outbound: ${r.outbound}` : undefined,
        r.subscriptions ? `  subscriptions: ${r.subscriptions}` : undefined,
        r.notes ? `  notes: ${r.notes}` : undefined,
        r.leakedByType ? `  leaked: ${JSON.stringify(r.leakedByType)}` : undefined,
      ]
        .filter((line) => line !== undefined)
        .join('\n'),
    )
    .join('\n\n');
}

function print(details) {
  const results = readResults();
  if (results.length === 0) {
    console.log(`No reliability results in ${path.relative(process.cwd(), resultsDir)}: run npm run test:reliability.`);
    return;
  }
  console.log(
    `\nReliability matrix (${results.length} cases)\n\n${formatTable(results)}\n\n` +
      'detect: fault → the link says so; recover: fault removed → Connected; "a / b" = p50 / max over many faults.\n' +
      'in flight: resolved (written to the socket) on a link that was already dead, lost with it — no transport receipt.\n' +
      `Details: node scripts/reliabilityTable.js --details\n`,
  );
  if (details) console.log(`${formatDetails(results)}\n`);
}

/** Jest reporter: fresh results per run, the table at the end (also when a case failed). */
class ReliabilityTableReporter {
  onRunStart() {
    fs.rmSync(resultsDir, { recursive: true, force: true });
  }

  onRunComplete() {
    print(process.env.RELIABILITY_DETAILS === '1');
  }
}

module.exports = ReliabilityTableReporter;
module.exports.formatTable = formatTable;

if (require.main === module) print(process.argv.includes('--details'));

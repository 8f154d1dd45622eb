import { NetworkRow } from './runCase';

const cell = (value: number | string | undefined): string => (value === undefined ? '—' : String(value));

function rejectedCell(row: NetworkRow): string {
  const tally = row.tally;
  if (!tally) return '—';
  const parts = Object.entries(tally.rejected).map(([reason, count]) => {
    const arrived = tally.rejectedYetReceived[reason];
    return `${count} ${reason}${arrived ? ` (${arrived} arrived)` : ''}`;
  });
  return parts.length > 0 ? parts.join(', ') : '0';
}

/**
 * The network suite's table as GitHub markdown, one row per case, like `test:reliability`'s: detect
 * and recover times, then every outbound message's fate counted at both ends.
 *
 * @example
 * networkTable(rows);
 * // | case | detect ms | recover ms | sent | resolved | rejected | received | dup | late | lost | teardowns | verdict |
 * // | 1 half-open 3 s, … | 1012 | 388 | 32 | 32 | 0 | 32 | 0 | 4 | 0 | 1 | FAIL |
 * @param rows The cases' rows.
 * @returns The markdown table.
 */
export function networkTable(rows: readonly NetworkRow[]): string {
  const header = [
    'case',
    'detect ms',
    'recover ms',
    'sent',
    'resolved',
    'rejected',
    'received',
    'dup',
    'late',
    'lost',
    'teardowns',
    'verdict',
  ];
  const body = rows.map((row) => {
    const t = row.tally;
    return [
      row.title,
      cell(t?.detectMs),
      cell(t?.recoverMs),
      cell(t?.sent),
      cell(t?.resolved),
      rejectedCell(row),
      cell(t?.received),
      cell(t?.duplicated),
      t === undefined ? '—' : t.late > 0 ? `${t.late} (≤ +${t.lateMaxMs} ms)` : '0',
      cell(t?.lost),
      cell(t?.teardowns),
      row.verdict,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => (cells[i] as string).length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/**
 * Each case's criteria, failures and the figures behind the table, as markdown list items.
 *
 * @example
 * networkDetails(rows); // "- **1 half-open …** (pass, 14.2 s): criteria 0 late; …"
 * @param rows The cases' rows.
 * @returns One paragraph per case.
 */
export function networkDetails(rows: readonly NetworkRow[]): string {
  return rows
    .map((row) => {
      const t = row.tally;
      const figures = t
        ? [
            `delivery p50/max ${t.deliveryMs ? `${t.deliveryMs.p50}/${t.deliveryMs.max}` : '—'} ms`,
            `late though handed to the kernel within ttl ${t.lateHandedOverInTime}`,
            `out of order ${t.outOfOrder}`,
            `unsettled ${t.unsettled}`,
            `Unstable ${t.unstable}×`,
            `min score ${cell(t.minScore)}`,
            `gate open while not Connected ${t.gateOpenWhileDownMs} ms`,
            `/healthz 200 while not Connected ${t.healthOkWhileDownMs} ms`,
            ...(t.stalls.length > 0 ? [`event-loop stalls ${t.stalls.length} (${t.stalls.join(', ')} ms)`] : []),
          ].join(', ')
        : 'not counted';
      const statuses = t ? abridged(t.statuses, ' → ') : '';
      const events = t ? abridged(t.events, ', ') : '';
      return [
        `- **${row.title}** (${row.verdict}, ${(row.wallMs / 1000).toFixed(1)} s) — criteria: ${row.criteria}`,
        row.failures.length > 0 ? `  - failed: ${row.failures.join('; ')}` : undefined,
        `  - ${figures}`,
        t ? `  - statuses: ${statuses}` : undefined,
        t ? `  - events: ${events}` : undefined,
        `  - ${row.options}`,
      ]
        .filter((line) => line !== undefined)
        .join('\n');
    })
    .join('\n');
}

function abridged(sequence: readonly string[], separator: string): string {
  if (sequence.length <= 24) return sequence.join(separator);
  return `${sequence.slice(0, 14).join(separator)}${separator}… ${sequence.length - 20} more …${separator}${sequence.slice(-6).join(separator)}`;
}

import { redactHeaders } from '../sinks/redactHeaders';
import { DiagnoseSettings, Diagnosis, StepTiming } from './Diagnosis';

const ms = (value: number | undefined): string =>
  value === undefined ? '—' : `${value.toFixed(value < 10 ? 2 : 1)} ms`;

/**
 * What `lifeline diagnose` measured, as the table it prints: one row per step with its time and
 * detail, the ping spread, the total.
 *
 * @example
 * diagnosisTable(diagnosis, settings);
 * // lifeline diagnose ws://127.0.0.1:40049/ws
 * //   step                time       detail
 * //   DNS lookup          —          IP literal
 * //   TCP connect         0.41 ms    127.0.0.1:40049
 * //   …
 *
 * @param diagnosis The measurement.
 * @param settings The settings it was taken with (for the headers, redacted).
 * @returns The table, without a trailing newline.
 */
export function diagnosisTable(diagnosis: Diagnosis, settings: DiagnoseSettings): string {
  const { steps } = diagnosis;
  const cell = (timing: StepTiming): [string, string] =>
    timing.error !== undefined
      ? ['failed', timing.error]
      : timing.ms !== undefined
        ? [ms(timing.ms), timing.detail ?? '']
        : ['—', timing.skipped ?? ''];
  const pings = steps.pings;
  const pingCell: [string, string] =
    pings.sent === 0
      ? ['—', 'not reached']
      : [
          `${pings.received}/${pings.sent}`,
          (pings.received > 0
            ? `min ${ms(pings.minMs)} · median ${ms(pings.medianMs)} · p95 ${ms(pings.p95Ms)}`
            : 'no answer') +
            ` (${pings.mode === 'ws' ? 'protocol ping' : 'application ping'})${pings.error ? `; ${pings.error}` : ''}`,
        ];
  const rows: Array<[string, [string, string]]> = [
    ['DNS lookup', cell(steps.dns)],
    [diagnosis.proxy === undefined ? 'TCP connect' : 'proxy tunnel', cell(steps.tcp)],
    ['TLS handshake', cell(steps.tls)],
    ['WebSocket upgrade', cell(steps.upgrade)],
    ['first message', cell(steps.firstMessage)],
    ['ping round trips', pingCell],
    ['total', [ms(diagnosis.totalMs), diagnosis.ok ? 'ok' : 'FAILED']],
  ];
  const headers = Object.entries(redactHeaders(settings.headers)).map(([name, value]) => `${name}: ${value}`);
  return [
    `lifeline diagnose ${diagnosis.url}${diagnosis.proxy ? ` via proxy ${diagnosis.proxy.url} (from ${diagnosis.proxy.source})` : ''}${headers.length > 0 ? ` (headers: ${headers.join('; ')})` : ''}`,
    `  ${'step'.padEnd(19)} ${'time'.padEnd(10)} detail`,
    ...rows.map(([name, [time, detail]]) => `  ${name.padEnd(19)} ${time.padEnd(10)} ${detail}`.trimEnd()),
  ].join('\n');
}

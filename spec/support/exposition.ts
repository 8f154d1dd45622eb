import { get } from 'node:http';

/** One sample line of the Prometheus text format. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A parsed exposition: the families (HELP, TYPE) and the samples, in order. */
export interface Exposition {
  readonly families: ReadonlyMap<string, { readonly help: string; readonly type: string }>;
  readonly samples: readonly Sample[];
  /** The value of the sample with exactly these labels; undefined when there is none. */
  value(name: string, labels?: Readonly<Record<string, string>>): number | undefined;
  /** Every sample of a metric name. */
  all(name: string): Sample[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
const SUFFIXES: Readonly<Record<string, readonly string[]>> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['_sum', '_count', ''],
  counter: [''],
  gauge: [''],
};

/**
 * Parses the Prometheus text format (0.0.4) strictly, throwing on what a scraper would reject or
 * what breaks its conventions: a sample before its family's HELP and TYPE, a bad line, a counter
 * not named `_total`, histogram buckets that are not cumulative or whose `+Inf` differs from `_count`.
 */
export function parseExposition(text: string): Exposition {
  const families = new Map<string, { help: string; type: string }>();
  const samples: Sample[] = [];
  const help = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('# HELP ')) {
      const [, name = '', ...rest] = line.slice(2).split(' ');
      help.set(name, rest.join(' '));
      continue;
    }
    if (line.startsWith('# TYPE ')) {
      const [, name = '', type = ''] = line.slice(2).split(' ');
      if (!help.has(name)) throw new Error(`TYPE before HELP for ${name}`);
      if (!(type in SUFFIXES)) throw new Error(`unknown type ${type} for ${name}`);
      if (type === 'counter' && !name.endsWith('_total')) throw new Error(`counter ${name} is not named *_total`);
      families.set(name, { help: help.get(name) as string, type });
      continue;
    }
    if (line.startsWith('#')) continue;
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const [, name = '', labelText = '', value = ''] = match;
    const family = [...families.entries()].find(([base, { type }]) =>
      (SUFFIXES[type] as readonly string[]).some((suffix) => base + suffix === name),
    );
    if (!family) throw new Error(`sample ${name} before its HELP and TYPE`);
    const labels: Record<string, string> = {};
    for (const [, key = '', raw = ''] of labelText.matchAll(LABEL)) labels[key] = raw.replace(/\\(.)/g, '$1');
    const number = value === '+Inf' ? Infinity : value === '-Inf' ? -Infinity : Number(value);
    if (Number.isNaN(number) && value !== 'NaN') throw new Error(`not a number: ${line}`);
    samples.push({ name, labels, value: number });
  }
  checkHistograms(families, samples);
  const key = (labels: Readonly<Record<string, string>>): string => JSON.stringify(Object.entries(labels).sort());
  return {
    families,
    samples,
    value: (name, labels = {}) => samples.find((s) => s.name === name && key(s.labels) === key(labels))?.value,
    all: (name) => samples.filter((s) => s.name === name),
  };
}

function checkHistograms(families: Map<string, { type: string }>, samples: readonly Sample[]): void {
  for (const [name, { type }] of families) {
    if (type !== 'histogram') continue;
    const series = new Map<string, Sample[]>();
    for (const sample of samples.filter((s) => s.name === `${name}_bucket`)) {
      const { le, ...rest } = sample.labels;
      if (le === undefined) throw new Error(`${name}_bucket without le`);
      const id = JSON.stringify(Object.entries(rest).sort());
      series.set(id, [...(series.get(id) ?? []), sample]);
    }
    for (const [id, buckets] of series) {
      const bounds = buckets.map((b) => (b.labels.le === '+Inf' ? Infinity : Number(b.labels.le)));
      if (bounds[bounds.length - 1] !== Infinity) throw new Error(`${name}${id}: no +Inf bucket`);
      buckets.forEach((b, i) => {
        if (i > 0 && (bounds[i] as number) <= (bounds[i - 1] as number))
          throw new Error(`${name}: buckets out of order`);
        if (i > 0 && b.value < (buckets[i - 1] as Sample).value) throw new Error(`${name}: buckets not cumulative`);
      });
      const rest = Object.fromEntries(JSON.parse(id) as Array<[string, string]>);
      const count = samples.find(
        (s) =>
          s.name === `${name}_count` &&
          JSON.stringify(Object.entries(s.labels).sort()) === JSON.stringify(Object.entries(rest).sort()),
      );
      if (count?.value !== (buckets[buckets.length - 1] as Sample).value) throw new Error(`${name}: +Inf != _count`);
    }
  }
}

/** A GET over a fresh connection (no keep-alive agent, so nothing stays open after the spec). */
export function httpGet(
  url: string,
  method = 'GET',
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const request = get(url, { agent: false, method }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}

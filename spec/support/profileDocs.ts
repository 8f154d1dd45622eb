import { binanceFutures, binanceSpot } from '../../src/profiles/binance';
import { bybit } from '../../src/profiles/bybit';
import { ExchangeProfile } from '../../src/profiles/ExchangeProfile';
import { hyperliquid } from '../../src/profiles/hyperliquid';
import { JsonObject } from '../../src/profiles/JsonObject';
import { okx } from '../../src/profiles/okx';

/** The profiles the README documents, in its order. */
export const documentedProfiles: ReadonlyArray<ExchangeProfile<unknown, JsonObject>> = [
  hyperliquid(),
  binanceSpot(),
  binanceFutures(),
  bybit(),
  okx(),
];

const cell = (text: string): string => text.replace(/\|/g, '\\|');

/** The README's table of exchange rules, rendered from the profiles' `rules`: exchange × rule × value × source. */
export function renderProfileTable(): string {
  const rows = documentedProfiles.flatMap((profile) =>
    profile.rules.map(({ rule, value, source }) => [profile.exchange, rule, cell(value), cell(source)]),
  );
  const header = ['exchange', 'rule', 'value', 'source'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((text, i) => text.padEnd(widths[i] as number)).join(' | ')} |`;
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

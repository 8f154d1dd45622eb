import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { documentedProfiles, renderProfileTable } from '../support/profileDocs';

const readmeFile = path.resolve(__dirname, '../../README.md');
const BEGIN = '<!-- profiles:begin (generated from the rules of src/profiles/*.ts) -->';
const END = '<!-- profiles:end -->';

describe("the README's exchange profile table", () => {
  it('should be the profiles’ rules, as they are (run with UPDATE_CONFIG_DOCS=1 to regenerate)', () => {
    const readme = readFileSync(readmeFile, 'utf8');
    const start = readme.indexOf(BEGIN);
    const end = readme.indexOf(END);
    expect(start).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(start);
    const actual = readme.slice(start + BEGIN.length, end).trim();
    const expected = renderProfileTable();
    if (process.env.UPDATE_CONFIG_DOCS === '1' && actual !== expected) {
      writeFileSync(readmeFile, `${readme.slice(0, start + BEGIN.length)}\n\n${expected}\n\n${readme.slice(end)}`);
    } else {
      expect({ file: readmeFile, text: actual }).toEqual({ file: readmeFile, text: expected });
    }
  });

  it('should document every exchange, each with its ping, idle cut or ping period, limits and cancel-on-disconnect', () => {
    expect(documentedProfiles.map((profile) => profile.exchange)).toEqual([
      'Hyperliquid',
      'Binance spot',
      'Binance USDⓈ-M futures',
      'Bybit v5',
      'OKX v5',
    ]);
    for (const profile of documentedProfiles) {
      const rules = profile.rules.map((each) => each.rule);
      expect({
        exchange: profile.exchange,
        ping: rules.includes('ping'),
        cancel: rules.includes('cancel on disconnect'),
      }).toEqual({
        exchange: profile.exchange,
        ping: true,
        cancel: true,
      });
      expect(rules.some((rule) => /^(messages|connections) per/.test(rule))).toBe(true);
    }
  });
});

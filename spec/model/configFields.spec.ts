import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { configFields } from '../../src/model/configFields';
import { defaultConfig, resolveConfig } from '../../src/model/LifelineConfig';
import { renderConfigInput, renderOptionTable } from '../support/configDocs';

const root = path.resolve(__dirname, '../..');
const inputFile = path.join(root, 'src/model/LifelineConfigInput.ts');
const readmeFile = path.join(root, 'README.md');
const BEGIN = '<!-- options:begin (generated from src/model/configFields.ts) -->';
const END = '<!-- options:end -->';

/** Rewrites the generated copies when asked (UPDATE_CONFIG_DOCS=1), else checks them. */
function sameAs(file: string, actual: string, expected: string, write: (text: string) => void): void {
  if (process.env.UPDATE_CONFIG_DOCS === '1' && actual !== expected) write(expected);
  else expect({ file, text: actual }).toEqual({ file, text: expected });
}

describe('configFields', () => {
  it('should be the one source of LifelineConfigInput (run with UPDATE_CONFIG_DOCS=1 to regenerate)', () => {
    const actual = readFileSync(inputFile, 'utf8');
    sameAs(inputFile, actual, renderConfigInput(), (text) => writeFileSync(inputFile, text));
  });

  it("should be the one source of the README's option table", () => {
    const readme = readFileSync(readmeFile, 'utf8');
    const start = readme.indexOf(BEGIN);
    const end = readme.indexOf(END);
    expect(start).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(start);
    const actual = readme.slice(start + BEGIN.length, end).trim();
    sameAs(readmeFile, actual, renderOptionTable(), (table) =>
      writeFileSync(readmeFile, `${readme.slice(0, start + BEGIN.length)}\n\n${table}\n\n${readme.slice(end)}`),
    );
  });

  it.each(Object.entries(configFields))(
    'should resolve the default of %s to the value in defaultConfig',
    (name, field) => {
      expect(field.resolve(field.default, name)).toEqual((defaultConfig as Record<string, unknown>)[name]);
    },
  );

  it('should take every default when only the url is given', () => {
    const url = 'wss://exchange.test/ws';
    expect(resolveConfig({ url })).toEqual({ url, urls: [url], ...defaultConfig });
  });

  it('should describe every field with a sentence and a placeholder matching its kind', () => {
    for (const [name, field] of Object.entries(configFields)) {
      expect({ name, sentence: /^[A-Z`'].*\.$/.test(field.doc) }).toEqual({ name, sentence: true });
      expect({ name, placeholder: field.kind === 'boolean' || field.placeholder.startsWith('<') }).toEqual({
        name,
        placeholder: true,
      });
    }
  });
});

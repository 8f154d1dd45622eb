// Writes, for every entry in package.json "exports", the ESM side of the package:
// - dist/<entry>.mjs re-exports the CommonJS build by name, so `import { connect } from 'lifeline-ws'` and
//   `require('lifeline-ws')` share one module instance (no dual-package hazard: one rxjs Subject class,
//   one ConfigError for instanceof);
// - dist/<entry>.d.mts declares exactly that for TypeScript's node16/nodenext/bundler `import`, so the
//   types are not "masquerading as CJS" (the CommonJS .d.ts stays the types of `require`).
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const dist = path.join(root, 'dist');
const { exports: exportMap } = require(path.join(root, 'package.json'));

/** The entries' base names: `./dist/testing.mjs` → `testing`. */
const entries = Object.values(exportMap)
  .filter((target) => typeof target === 'object')
  .map((target) => path.basename(target.import.default, '.mjs'));

for (const entry of entries) {
  const api = require(path.join(dist, `${entry}.js`));
  const names = Object.keys(api).filter((name) => name !== 'default' && name !== '__esModule');
  if (names.length === 0) throw new Error(`dist/${entry}.js exports nothing`);
  fs.writeFileSync(
    path.join(dist, `${entry}.mjs`),
    [`import api from './${entry}.js';`, `export const { ${names.join(', ')} } = api;`, 'export default api;', ''].join(
      '\n',
    ),
  );
  fs.writeFileSync(
    path.join(dist, `${entry}.d.mts`),
    [`import api from './${entry}.js';`, `export * from './${entry}.js';`, 'export default api;', ''].join('\n'),
  );
}

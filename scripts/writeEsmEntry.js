// Writes dist/index.mjs: an ESM entry that re-exports the CommonJS build by name, so `import { connect } from 'lifeline'`
// and `require('lifeline')` share one module instance (no dual-package hazard).
const fs = require('node:fs');
const path = require('node:path');

const dist = path.join(__dirname, '..', 'dist');
const api = require(path.join(dist, 'index.js'));
const names = Object.keys(api).filter((name) => name !== 'default' && name !== '__esModule');
const source = [
  "import api from './index.js';",
  `export const { ${names.join(', ')} } = api;`,
  'export default api;',
  '',
].join('\n');
fs.writeFileSync(path.join(dist, 'index.mjs'), source);

// `npm run build` (and `npm pack`, through prepack): a clean dist/ with the CommonJS build, its
// declarations, and per entry an ESM wrapper with declarations of its own (scripts/writeEsmEntry.js).
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const dist = path.join(root, 'dist');

// Stale files from a renamed or deleted source would otherwise ship.
fs.rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
  cwd: root,
  stdio: 'inherit',
});
require('./writeEsmEntry');
fs.chmodSync(path.join(dist, 'cli', 'main.js'), 0o755);

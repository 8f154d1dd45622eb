import path from 'node:path';

/**
 * The package's root folder. The suite runs compiled, from `.network-dist/spec/network/`, three
 * levels below it; the client loads the built library (`dist/`) from here as a user's `require` would.
 *
 * @example
 * require(packageRoot); // the package's main: dist/index.js
 */
export const packageRoot = path.resolve(__dirname, '..', '..', '..');

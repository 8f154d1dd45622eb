/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/spec', '<rootDir>/examples'],
  testMatch: ['**/*.spec.ts'],
  // The full fault matrix and the soak run with `npm run test:reliability`; the packed package's
  // consumer projects with `npm run test:package` (the last step of `npm test`); the network namespaces
  // suite (root, minutes) with `npm run test:network`.
  testPathIgnorePatterns: ['/node_modules/', '/spec/reliability/slow/', '/spec/package/', '/spec/network/'],
  transform: {
    '^.+\\.ts$': 'ts-jest',
  },
  testTimeout: 20000,
};

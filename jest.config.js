/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/spec', '<rootDir>/examples'],
  testMatch: ['**/*.spec.ts'],
  // The full fault matrix and the soak run with `npm run test:reliability`.
  testPathIgnorePatterns: ['/node_modules/', '/spec/reliability/slow/'],
  transform: {
    '^.+\\.ts$': 'ts-jest',
  },
  testTimeout: 20000,
};

import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'node_modules/', '.bench-dist/', '.example-dist/', 'docs/api/', '.network-dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // Streams, operators and sinks run in virtual time under TestScheduler: wall clocks break that.
    // Profiles too: a login is signed with session.exchangeNow(), the exchange's clock, never the wall clock.
    files: [
      'src/streams/**/*.ts',
      'src/operators/**/*.ts',
      'src/sinks/**/*.ts',
      'src/model/**/*.ts',
      'src/profiles/**/*.ts',
    ],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'Use scheduler.now() so marble tests hold.',
        },
        {
          selector: "CallExpression[callee.name='setTimeout']",
          message: 'Use an RxJS scheduler (timer(…, scheduler)).',
        },
        {
          selector: "CallExpression[callee.name='setInterval']",
          message: 'Use an RxJS scheduler (interval(…, scheduler)).',
        },
      ],
    },
  },
);

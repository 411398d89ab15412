import { defineConfig } from 'eslint/config';
import baseConfig from './.config/eslint.config.mjs';

// One lint setup for both halves: the scaffold's config (frontend) plus a block for the Node backend, the ledger
// tools, the shared contract, tests and scripts, type-aware against tsconfig.backend.json.
const NODE_FILES = [
  'src/backend/**/*.ts',
  'src/ledger/**/*.ts',
  'src/contract/**/*.ts',
  'tests/**/*.ts',
  'scripts/**/*.ts',
];

export default defineConfig([
  {
    ignores: [
      '**/node_modules/',
      '**/dist/',
      '**/coverage',
      '**/.eslintcache',
      'src/backend/protocol/generated/',
      'tests/conformance/',
      'test-results/',
      'playwright-report/',
    ],
  },
  ...baseConfig,
  {
    files: NODE_FILES,
    languageOptions: {
      parserOptions: {
        project: './tsconfig.backend.json',
      },
    },
    rules: {
      // The frontend's React rules do not apply to Node code.
      'react-hooks/rules-of-hooks': 'off',
      // A zod schema and its inferred type share a name on purpose; TypeScript itself reports real redeclarations.
      'no-redeclare': 'off',
    },
  },
  {
    // The browser tests' page bundle (React in the test host) is typed by its own tsconfig.
    files: ['tests/**/*.tsx'],
    languageOptions: {
      parserOptions: {
        project: './tests/browser/app/tsconfig.json',
      },
    },
  },
  {
    files: ['tests/**/*.ts', '**/*.test.ts'],
    rules: {
      // Tests poke at wire messages whose shapes are asserted at run time.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
]);

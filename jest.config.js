// Extends create-plugin's Jest config. Tests run in UTC so time formatting is deterministic.
process.env.TZ = 'UTC';

const base = require('./.config/jest.config');
const swc = base.transform['^.+\\.(t|j)sx?$'];

module.exports = {
  ...base,
  // d3-color ships an .mjs-only main; the scaffold's transform only matches .(t|j)sx?.
  transform: { '^.+\\.(t|j)sx?$': swc, '^.+\\.mjs$': swc },
  // Backend, ledger and contract code is tested with node:test (scripts/test.mjs), not Jest.
  testPathIgnorePatterns: [
    '/node_modules/',
    '<rootDir>/src/backend/',
    '<rootDir>/src/ledger/',
    '<rootDir>/src/contract/',
    '<rootDir>/tests/',
  ],
};

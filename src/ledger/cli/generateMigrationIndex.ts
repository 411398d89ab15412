/**
 * Regenerates src/ledger/migrations/index.ts from the .sql files. `--check` only reports whether it is up to date
 * (exit 1 when stale), for CI.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { MIGRATION_INDEX_FILE, readMigrationSources, renderMigrationIndex } from '../migrationSources';

function main(): number {
  const sources = readMigrationSources();
  const rendered = renderMigrationIndex(sources);
  let current = '';
  try {
    current = readFileSync(MIGRATION_INDEX_FILE, 'utf8');
  } catch {
    // missing: generate it
  }
  if (current === rendered) {
    console.log(`migrations/index.ts is up to date (${sources.length} migrations)`);
    return 0;
  }
  if (process.argv.includes('--check')) {
    console.error('migrations/index.ts is out of date: run npx tsx src/ledger/cli/generateMigrationIndex.ts');
    return 1;
  }
  writeFileSync(MIGRATION_INDEX_FILE, rendered);
  console.log(`wrote migrations/index.ts (${sources.length} migrations)`);
  return 0;
}

process.exitCode = main();

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { migrationChecksum, MIGRATIONS } from './migrate';
import { MIGRATION_INDEX_FILE, readMigrationSources, renderMigrationIndex } from './migrationSources';

describe('migration files', () => {
  const sources = readMigrationSources();

  it('are embedded in migrations/index.ts exactly as on disk', () => {
    assert.equal(
      readFileSync(MIGRATION_INDEX_FILE, 'utf8'),
      renderMigrationIndex(sources),
      'migrations/index.ts is stale: run npx tsx src/ledger/cli/generateMigrationIndex.ts'
    );
    assert.deepEqual(
      MIGRATIONS.map((m) => [m.version, m.name, migrationChecksum(m.sql)]),
      sources.map((m) => [m.version, m.name, migrationChecksum(m.sql)])
    );
  });

  for (const { name, sql } of sources) {
    it(`${name} starts by saying what, why, and whether it is safe on live data`, () => {
      const header = sql
        .split('\n')
        .filter((line) => line.startsWith('--'))
        .join('\n');
      assert.match(header, /^-- What: /);
      assert.match(header, /\n-- Why: /);
      assert.match(header, /\n-- Safe on live data: /);
    });
  }

  it('embeds SQL containing backslashes, backticks and ${ safely', () => {
    const tricky = [{ version: 1, name: '0001_tricky', sql: "-- x\nSELECT E'\\\\n', '`', '${not_a_placeholder}';\n" }];
    const rendered = renderMigrationIndex(tricky);
    // evaluate the generated array literal (plain JavaScript) and compare it with the input
    const literal = rendered.slice(rendered.indexOf('= [') + 2, rendered.lastIndexOf('];') + 1);
    const evaluated = new Function(`return ${literal};`)() as typeof tricky;
    assert.deepEqual(evaluated, tricky);
  });
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { createTestDatabase, freePort, type TestDatabase } from '../../tests/support/postgres';
import {
  LATEST_SCHEMA_VERSION,
  MIGRATIONS,
  migrate,
  migrationChecksum,
  MigrationError,
  pendingMigrations,
  schemaVersion,
  type Migration,
} from './migrate';

const databases: TestDatabase[] = [];
async function freshDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase('migrate');
  databases.push(db);
  return db;
}
after(async () => {
  await Promise.all(databases.map((db) => db.drop()));
});

async function query<R extends pg.QueryResultRow>(url: string, sql: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql)).rows;
  } finally {
    await client.end();
  }
}

function withSql(migrations: readonly Migration[], version: number, sql: string): Migration[] {
  return migrations.map((m) => (m.version === version ? { ...m, sql } : m));
}

describe('migrate', () => {
  it('builds the whole schema on an empty database and records every file', async () => {
    const db = await freshDatabase();
    const lines: string[] = [];
    const result = await migrate(db.url, { log: (line) => lines.push(line) });
    assert.equal(result.version, LATEST_SCHEMA_VERSION);
    assert.deepEqual(
      result.applied,
      MIGRATIONS.map((m) => m.name)
    );
    assert.equal(lines.length, MIGRATIONS.length);
    const rows = await query<{ version: number; name: string; checksum: string; applied_at: Date }>(
      db.url,
      'SELECT version, name, checksum, applied_at FROM ledger_schema_migrations ORDER BY version'
    );
    assert.deepEqual(
      rows.map((r) => [r.version, r.name, r.checksum]),
      MIGRATIONS.map((m) => [m.version, m.name, migrationChecksum(m.sql)])
    );
    const [version] = await query<{ v: number }>(db.url, 'SELECT ledger_schema_version() AS v');
    assert.equal(version?.v, LATEST_SCHEMA_VERSION);
    const tables = await query<{ t: string }>(
      db.url,
      "SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
    );
    assert.deepEqual(
      tables.map((r) => r.t),
      [
        'jobs',
        'ledger_duration_histogram_daily',
        'ledger_duration_top_hourly',
        'ledger_events',
        'ledger_rollup_5min',
        'ledger_rollup_hourly',
        'ledger_schema_migrations',
        'workers',
      ]
    );
  });

  it('does nothing when run again', async () => {
    const db = await freshDatabase();
    await migrate(db.url);
    const again = await migrate(db.url);
    assert.deepEqual(again, { applied: [], version: LATEST_SCHEMA_VERSION });
  });

  it('reports version 0 for a database that was never migrated', async () => {
    const db = await freshDatabase();
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      assert.equal(await schemaVersion(client), 0);
      await migrate(client);
      assert.equal(await schemaVersion(client), LATEST_SCHEMA_VERSION);
      assert.equal(client.getTransactionStatus(), 'I');
    } finally {
      await client.end();
    }
  });

  it('refuses when an applied migration was edited', async () => {
    const db = await freshDatabase();
    await migrate(db.url);
    const edited = withSql(MIGRATIONS, 3, `${MIGRATIONS[2]!.sql}\n-- a harmless-looking edit\n`);
    await assert.rejects(migrate(db.url, { migrations: edited }), (error: unknown) => {
      assert.ok(error instanceof MigrationError);
      assert.match(error.message, /migration 0003_make_ledger_events_append_only was changed after it was applied/);
      assert.match(error.message, /put the change in a new migration/);
      return true;
    });
  });

  it('refuses when the database is ahead of the code', async () => {
    const db = await freshDatabase();
    await migrate(db.url);
    await assert.rejects(
      migrate(db.url, { migrations: MIGRATIONS.slice(0, -1) }),
      new RegExp(
        `database is at schema version ${LATEST_SCHEMA_VERSION} .* only knows up to ${LATEST_SCHEMA_VERSION - 1}`
      )
    );
  });

  it('refuses a migration numbered below one already applied', async () => {
    const applied = [{ version: 2, name: 'b', checksum: migrationChecksum('select 2') }];
    const code: Migration[] = [
      { version: 1, name: 'a', sql: 'select 1' },
      { version: 2, name: 'b', sql: 'select 2' },
    ];
    assert.throws(
      () => pendingMigrations(code, applied),
      /migration a is missing from a database already at version 2/
    );
  });

  it('rolls back a failing migration entirely and names the file and line', async () => {
    const db = await freshDatabase();
    const broken: Migration = {
      version: LATEST_SCHEMA_VERSION + 1,
      name: `${LATEST_SCHEMA_VERSION + 1}_broken`,
      sql: '-- What: a broken migration\nCREATE TABLE half_done (id int);\nSELECT no_such_column FROM half_done;\n',
    };
    await assert.rejects(migrate(db.url, { migrations: [...MIGRATIONS, broken] }), (error: unknown) => {
      assert.ok(error instanceof MigrationError);
      assert.match(error.message, /_broken failed \(line 3\): column "no_such_column" does not exist/);
      return true;
    });
    // the good ones before it are kept, the broken one left nothing behind
    const [state] = await query<{ v: number; half: string | null }>(
      db.url,
      "SELECT ledger_schema_version() AS v, to_regclass('half_done')::text AS half"
    );
    assert.deepEqual(state, { v: LATEST_SCHEMA_VERSION, half: null });
  });

  it('lets concurrent runners take turns: every migration is applied exactly once', async () => {
    const db = await freshDatabase();
    const results = await Promise.all(Array.from({ length: 4 }, () => migrate(db.url)));
    const applied = results.flatMap((r) => r.applied).sort();
    assert.deepEqual(applied, MIGRATIONS.map((m) => m.name).sort());
    assert.ok(results.every((r) => r.version === LATEST_SCHEMA_VERSION));
  });

  it('migrates databases on the same server in parallel (roles are shared)', async () => {
    const dbs = await Promise.all([freshDatabase(), freshDatabase(), freshDatabase()]);
    const results = await Promise.all(dbs.map((db) => migrate(db.url)));
    assert.ok(results.every((r) => r.version === LATEST_SCHEMA_VERSION));
  });

  it('refuses a client inside a transaction', async () => {
    const db = await freshDatabase();
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query('BEGIN');
      await assert.rejects(migrate(client), /outside any transaction/);
    } finally {
      await client.end();
    }
  });
});

describe('npm run migrate (src/ledger/cli/migrate.ts)', () => {
  const cli = path.join(__dirname, 'cli', 'migrate.ts');
  const run = (env: Record<string, string | undefined>) =>
    spawnSync(process.execPath, ['--import', 'tsx', cli], {
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: undefined, LEDGER_TEST_ADMIN_URL: undefined, ...env },
    });

  it('applies the migrations and says so, then reports nothing to do', async () => {
    const db = await freshDatabase();
    const first = run({ DATABASE_URL: db.url });
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /applied 0001_create_ledger_roles/);
    assert.match(first.stdout, new RegExp(`migrated to version ${LATEST_SCHEMA_VERSION}`));
    const second = run({ DATABASE_URL: db.url });
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /already at version \d+; nothing to apply/);
  });

  it('exits 2 without DATABASE_URL and 1 with a clear reason when the server is unreachable', async () => {
    const missing = run({});
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /DATABASE_URL is not set/);
    const port = await freePort();
    const unreachable = run({ DATABASE_URL: `postgres://someone:secret@127.0.0.1:${port}/ledger` });
    assert.equal(unreachable.status, 1);
    assert.match(unreachable.stderr, /migrate: failed on postgres:\/\/someone:\*\*\*@127\.0\.0\.1.*ECONNREFUSED/);
    assert.doesNotMatch(unreachable.stderr, /secret/);
  });
});

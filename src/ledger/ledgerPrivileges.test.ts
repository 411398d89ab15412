import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../tests/support/postgres';
import type { LedgerEvent } from './ledgerEvent';
import { createLedgerTestDatabase, createLoginRole, type LedgerTestDatabase } from './ledgerTestDatabase';
import { LATEST_SCHEMA_VERSION, migrate } from './migrate';
import { appendEvents, copyEvents } from './writer';

let db: LedgerTestDatabase;
let owner: pg.Client;
before(async () => {
  db = await createLedgerTestDatabase('privileges');
  owner = await db.connect();
  await appendEvents(owner, [heartbeat('w-1')]);
});
after(() => db.drop());

function heartbeat(workerId: string): LedgerEvent {
  return { kind: 'worker.heartbeat', occurredAt: new Date(), workerId };
}

/** The derived tables the ledger's triggers maintain (migrations 0014-0017, 0022). */
const ROLLUPS = [
  'ledger_rollup_hourly',
  'ledger_rollup_5min',
  'ledger_duration_histogram_daily',
  'ledger_duration_top_hourly',
];

const APPEND_ONLY = (op: string) => new RegExp(`ledger_events is append-only: ${op} is not allowed`);
const DENIED = /permission denied/;

/** Every way we know to change or remove ledger rows. */
const CHANGES: Array<[string, string, string]> = [
  ['UPDATE', "UPDATE ledger_events SET name = 'rewritten'", 'UPDATE'],
  ['UPDATE matching no row', "UPDATE ledger_events SET name = 'x' WHERE false", 'UPDATE'],
  ['DELETE', 'DELETE FROM ledger_events', 'DELETE'],
  ['TRUNCATE', 'TRUNCATE ledger_events', 'TRUNCATE'],
  [
    'INSERT ... ON CONFLICT DO UPDATE',
    `INSERT INTO ledger_events (seq, occurred_at, kind, worker_id) OVERRIDING SYSTEM VALUE
       SELECT seq, now(), 'worker.heartbeat', 'w' FROM ledger_events LIMIT 1
     ON CONFLICT (seq) DO UPDATE SET worker_id = 'rewritten'`,
    'UPDATE',
  ],
  ['MERGE', 'MERGE INTO ledger_events e USING (SELECT 1) s ON true WHEN MATCHED THEN DELETE', 'DELETE'],
];

describe('ledger_events is append-only', () => {
  for (const [title, sql, op] of CHANGES) {
    it(`refuses ${title} even for the owner (a superuser)`, async () => {
      await assert.rejects(owner.query(sql), APPEND_ONLY(op));
    });
  }

  it('still refuses with session_replication_role = replica (the trigger is ENABLE ALWAYS)', async () => {
    await owner.query('SET session_replication_role = replica');
    try {
      await assert.rejects(owner.query('DELETE FROM ledger_events'), APPEND_ONLY('DELETE'));
    } finally {
      await owner.query('RESET session_replication_role');
    }
  });

  it('refuses a non-superuser owner by privilege, and by trigger once it re-grants itself', async () => {
    const separate: TestDatabase = await createTestDatabase('owner');
    const admin = new pg.Client({ connectionString: separate.url });
    await admin.connect();
    const role = `${separate.name}_owner`;
    try {
      const url = await createLoginRole(admin, separate.url, role);
      await admin.query(`ALTER DATABASE ${separate.name} OWNER TO ${role}`);
      const ownerOnly = new pg.Client({ connectionString: url });
      await ownerOnly.connect();
      try {
        // the ledger roles already exist on this server, so a plain database owner can migrate
        assert.equal((await migrate(ownerOnly)).version, LATEST_SCHEMA_VERSION);
        await appendEvents(ownerOnly, [heartbeat('w-owner')]);
        await assert.rejects(ownerOnly.query('DELETE FROM ledger_events'), DENIED);
        await ownerOnly.query('GRANT UPDATE, DELETE, TRUNCATE ON ledger_events TO CURRENT_USER');
        for (const [, sql, op] of CHANGES) {
          await assert.rejects(ownerOnly.query(sql), APPEND_ONLY(op));
        }
      } finally {
        await ownerOnly.end();
      }
    } finally {
      await admin.end();
      await separate.drop();
      const cleanup = new pg.Client({ connectionString: new URL('/postgres', separate.url).toString() });
      await cleanup.connect();
      await cleanup.query(`DROP ROLE IF EXISTS ${role}`).finally(() => cleanup.end());
    }
  });
});

describe('ledger_reader', () => {
  it('reads every table the datasource needs and the schema version', async () => {
    const reader = await db.connectAs('ledger_reader');
    for (const table of ['ledger_events', 'jobs', 'workers', 'ledger_schema_migrations', ...ROLLUPS]) {
      await reader.query(`SELECT * FROM ${table} LIMIT 1`);
    }
    const { rows } = await reader.query<{ v: number }>('SELECT ledger_schema_version() AS v');
    assert.equal(rows[0]?.v, LATEST_SCHEMA_VERSION);
  });

  it('cannot write anything', async () => {
    const reader = await db.connectAs('ledger_reader');
    await assert.rejects(appendEvents(reader, [heartbeat('w-r')]), DENIED);
    for (const sql of [
      'DELETE FROM ledger_events',
      'TRUNCATE ledger_events',
      "UPDATE jobs SET status = 'failed'",
      "INSERT INTO workers (worker_id, first_seen_at, last_seen_at, updated_seq) VALUES ('x', now(), now(), 0)",
      'DELETE FROM ledger_schema_migrations',
      "SELECT nextval(pg_get_serial_sequence('ledger_events', 'seq'))",
      'CREATE TABLE sneaky (id int)',
      ...ROLLUPS.map((table) => `DELETE FROM ${table}`),
      'UPDATE ledger_rollup_hourly SET events = 0',
    ]) {
      await assert.rejects(reader.query(sql), DENIED, sql);
    }
  });
});

describe('ledger_writer', () => {
  it('appends with INSERT and COPY, learning only the seqs it was given', async () => {
    const writer = await db.connectAs('ledger_writer');
    const appended = await appendEvents(writer, [heartbeat('w-2'), heartbeat('w-3')]);
    assert.equal(appended.count, 2);
    assert.deepEqual(await copyEvents(writer, [heartbeat('w-4')]), { count: 1 });
  });

  it('cannot forge seq or recorded_at, read the ledger, or touch anything else', async () => {
    const writer = await db.connectAs('ledger_writer');
    for (const sql of [
      "INSERT INTO ledger_events (seq, occurred_at, kind, worker_id) OVERRIDING SYSTEM VALUE VALUES (1e9, now(), 'worker.heartbeat', 'w')",
      "INSERT INTO ledger_events (recorded_at, occurred_at, kind, worker_id) VALUES ('2000-01-01', now(), 'worker.heartbeat', 'w')",
      'SELECT name, payload FROM ledger_events',
      "UPDATE ledger_events SET name = 'x'",
      'DELETE FROM ledger_events',
      'TRUNCATE ledger_events',
      'SELECT * FROM jobs',
      "UPDATE jobs SET status = 'failed'",
      'SELECT * FROM workers',
      'SELECT * FROM ledger_schema_migrations',
      "SELECT nextval(pg_get_serial_sequence('ledger_events', 'seq'))",
      ...ROLLUPS.map((table) => `SELECT * FROM ${table}`),
      'UPDATE ledger_rollup_hourly SET events = events + 1',
      "INSERT INTO ledger_duration_top_hourly (bucket, kind, events, top) VALUES (now(), 'tool.call', 1, '{1}')",
    ]) {
      await assert.rejects(writer.query(sql), DENIED, sql);
    }
  });

  it('keeps the rollups current through the trigger, without any privilege on them', async () => {
    const writer = await db.connectAs('ledger_writer');
    const at = new Date();
    await appendEvents(writer, [{ kind: 'tool.call', occurredAt: at, name: 'priv_tool', durationMs: 42 }]);
    const { rows } = await owner.query<{ events: string; top: number[] }>(
      "SELECT events, top FROM ledger_duration_top_hourly WHERE kind = 'tool.call' AND name = 'priv_tool'"
    );
    assert.deepEqual(rows, [{ events: '1', top: [42] }]);
  });
});

describe('a login role outside ledger_reader (a misconfigured datasource)', () => {
  it('can still read the schema version, so the health check can name the missing grant', async () => {
    const stranger = `${db.name}_stranger`;
    const client = new pg.Client({ connectionString: await createLoginRole(owner, db.url, stranger) });
    await client.connect();
    try {
      const { rows } = await client.query<{ v: number }>('SELECT ledger_schema_version() AS v');
      assert.equal(rows[0]?.v, LATEST_SCHEMA_VERSION);
      await assert.rejects(client.query('SELECT 1 FROM ledger_events LIMIT 1'), DENIED);
    } finally {
      await client.end();
      await owner.query(`DROP ROLE ${stranger}`); // it was granted nothing, so nothing holds it back
    }
  });
});

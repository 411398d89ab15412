/**
 * Test fixture: a fresh, migrated ledger database of its own on the real test server (tests/support/postgres.ts),
 * plus login users that belong to ledger_reader / ledger_writer, the way the datasource and a worker connect.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../tests/support/postgres';
import { migrate } from './migrate';

/** A migrated ledger database and helpers to connect to it. */
export interface LedgerTestDatabase extends TestDatabase {
  /** A connected client as the migrating superuser (the schema owner). */
  connect(): Promise<pg.Client>;
  /** A connected client as a fresh LOGIN user that is a member of `group` (dropped again by drop()). */
  connectAs(group: 'ledger_reader' | 'ledger_writer'): Promise<pg.Client>;
}

/**
 * Creates a LOGIN role with a random password (the test server authenticates TCP connections with scram) and
 * returns `url` rewritten to log in as it. Role names come from test code only, never from input.
 */
export async function createLoginRole(
  admin: pg.ClientBase,
  url: string,
  role: string,
  inRole?: string
): Promise<string> {
  const password = randomBytes(12).toString('hex');
  await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'${inRole ? ` IN ROLE ${inRole}` : ''}`);
  const login = new URL(url);
  login.username = role;
  login.password = password;
  return login.toString();
}

/** Creates a database, applies every migration, and returns it; call drop() when done. */
export async function createLedgerTestDatabase(prefix = 'ledger'): Promise<LedgerTestDatabase> {
  const db = await createTestDatabase(prefix);
  await migrate(db.url);
  const clients: pg.Client[] = [];
  const users: string[] = [];
  const open = async (url: string): Promise<pg.Client> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    clients.push(client);
    return client;
  };
  return {
    ...db,
    connect: () => open(db.url),
    async connectAs(group) {
      // roles are cluster-wide: a unique name per test database, so parallel test files never collide
      const user = `${db.name}_${group.replace('ledger_', '')}_${users.length}`;
      const admin = await open(db.url);
      const url = await createLoginRole(admin, db.url, user, group);
      users.push(user);
      return open(url);
    },
    async drop() {
      await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
      await db.drop();
      if (users.length > 0) {
        const admin = new pg.Client({ connectionString: new URL('/postgres', db.url).toString() });
        await admin.connect();
        try {
          for (const user of users) {
            await admin.query(`DROP ROLE IF EXISTS ${user}`);
          }
        } finally {
          await admin.end();
        }
      }
    },
  };
}

/**
 * Turns autovacuum (and so auto-analyze) off for every table of the connected database, so a test sees only the
 * statistics its own code gathered (the shared test server runs autovacuum).
 */
export async function disableAutovacuum(client: pg.ClientBase): Promise<void> {
  const { rows } = await client.query<{ name: string }>('SELECT relname AS name FROM pg_stat_user_tables');
  for (const { name } of rows) {
    await client.query(`ALTER TABLE ${name} SET (autovacuum_enabled = off, toast.autovacuum_enabled = off)`);
  }
}

/**
 * The ledger tables the planner has no statistics for: never analyzed, or without a single pg_stats row (the
 * migrations table, written once by migrate, is not the loaders' business).
 */
export async function tablesWithoutStatistics(client: pg.ClientBase): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT t.relname AS name FROM pg_stat_user_tables t
     WHERE t.relname <> 'ledger_schema_migrations'
       AND (coalesce(t.last_analyze, t.last_autoanalyze) IS NULL
         OR NOT EXISTS (SELECT 1 FROM pg_stats s WHERE s.schemaname = t.schemaname AND s.tablename = t.relname))
     ORDER BY 1`
  );
  return rows.map((r) => r.name);
}

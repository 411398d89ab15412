/**
 * The migration runner: applies the numbered, forward-only migrations in order, one transaction per file, and
 * records each in ledger_schema_migrations with a checksum. A session advisory lock makes concurrent runners (two
 * containers starting at once) take turns: the second finds nothing left to do.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from './migrations/index';

export { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration };

/** Thrown when migrating is refused or a migration fails; the message says what to do. */
export class MigrationError extends Error {
  override name = 'MigrationError';
}

/** Options of migrate. */
export interface MigrateOptions {
  /** Receives one line per applied migration. */
  log?: (line: string) => void;
  /** The migrations to apply; defaults to the shipped ones (tests pass altered lists). */
  migrations?: readonly Migration[];
  /** How long a migration may wait for a table lock before giving up, so it never queues live writes behind it. */
  lockTimeoutMs?: number;
}

/** What migrate did. */
export interface MigrateResult {
  /** Names of the migrations applied by this call, in order. */
  applied: string[];
  /** The schema version afterwards. */
  version: number;
}

/** A row of ledger_schema_migrations. */
interface AppliedMigration {
  version: number;
  name: string;
  checksum: string;
}

// pg_advisory_lock(int, int) key: 'LEDG', 'MIGR'. Advisory locks are per database, so databases don't block each other.
const MIGRATION_LOCK_KEY = [0x4c454447, 0x4d494752] as const;
const DEFAULT_LOCK_TIMEOUT_MS = 10_000;

const CREATE_MIGRATIONS_TABLE = `
  CREATE TABLE IF NOT EXISTS ledger_schema_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    checksum text NOT NULL
  )`;

/** SHA-256 of a migration's SQL (line endings normalized), as recorded in ledger_schema_migrations. */
export function migrationChecksum(sql: string): string {
  return createHash('sha256').update(sql.replace(/\r\n/g, '\n')).digest('hex');
}

/**
 * Decides which migrations to apply, or refuses: an applied migration whose file changed, a database newer than
 * this code, or a missing migration older than one already applied.
 */
export function pendingMigrations(migrations: readonly Migration[], applied: readonly AppliedMigration[]): Migration[] {
  const latest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  const byVersion = new Map(migrations.map((m) => [m.version, m]));
  for (const row of applied) {
    const migration = byVersion.get(row.version);
    if (migration === undefined) {
      throw new MigrationError(
        row.version > latest
          ? `the database is at schema version ${row.version} (${row.name}) but this code only knows up to ` +
            `${latest}: run a newer release; migrations are forward-only and are never rolled back`
          : `the database has migration ${row.version} (${row.name}) that this code does not contain`
      );
    }
    if (migration.name !== row.name || migrationChecksum(migration.sql) !== row.checksum) {
      throw new MigrationError(
        `migration ${migration.name} was changed after it was applied (recorded as ${row.name}, checksum ` +
          `${row.checksum.slice(0, 12)}…, file now ${migrationChecksum(migration.sql).slice(0, 12)}…): applied ` +
          'migrations are immutable; restore the file and put the change in a new migration'
      );
    }
  }
  const appliedVersions = new Set(applied.map((row) => row.version));
  const highestApplied = applied.reduce((max, row) => Math.max(max, row.version), 0);
  const pending = [...migrations].filter((m) => !appliedVersions.has(m.version)).sort((a, b) => a.version - b.version);
  const late = pending.find((m) => m.version < highestApplied);
  if (late) {
    throw new MigrationError(
      `migration ${late.name} is missing from a database already at version ${highestApplied}: ` +
        'migrations must be applied in order; renumber it after the newest one'
    );
  }
  return pending;
}

/** Turns a PostgreSQL error inside a migration into a message naming the file and line. */
function migrationFailure(migration: Migration, error: unknown): MigrationError {
  if (!(error instanceof Error)) {
    return new MigrationError(`migration ${migration.name} failed: ${String(error)}`);
  }
  const pgError = error as Partial<pg.DatabaseError>;
  const position = Number(pgError.position);
  const line = position > 0 ? ` (line ${migration.sql.slice(0, position).split('\n').length})` : '';
  const details = [pgError.detail, pgError.hint && `hint: ${pgError.hint}`, pgError.where && `where: ${pgError.where}`]
    .filter(Boolean)
    .join('; ');
  return new MigrationError(
    `migration ${migration.name} failed${line}: ${error.message}${details ? ` (${details})` : ''}; ` +
      'nothing of it was applied',
    { cause: error }
  );
}

async function applyMigration(client: pg.ClientBase, migration: Migration, lockTimeoutMs: number): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query("SELECT set_config('lock_timeout', $1, true)", [`${Math.max(0, Math.floor(lockTimeoutMs))}ms`]);
    await client.query(migration.sql);
    await client.query('INSERT INTO ledger_schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
      migration.version,
      migration.name,
      migrationChecksum(migration.sql),
    ]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw migrationFailure(migration, error);
  }
}

/** The highest applied migration, or 0 for a database that was never migrated. */
export async function schemaVersion(client: pg.ClientBase): Promise<number> {
  // two statements: a query naming a missing table fails at parse time, even in an untaken CASE branch
  const exists = await client.query<{ found: boolean }>(
    "SELECT to_regclass('ledger_schema_migrations') IS NOT NULL AS found"
  );
  if (!exists.rows[0]?.found) {
    return 0;
  }
  const { rows } = await client.query<{ version: number }>(
    'SELECT coalesce(max(version), 0) AS version FROM ledger_schema_migrations'
  );
  return rows[0]?.version ?? 0;
}

async function migrateLocked(client: pg.ClientBase, options: MigrateOptions): Promise<MigrateResult> {
  const migrations = options.migrations ?? MIGRATIONS;
  await client.query(CREATE_MIGRATIONS_TABLE);
  const { rows } = await client.query<AppliedMigration>(
    'SELECT version, name, checksum FROM ledger_schema_migrations ORDER BY version'
  );
  const applied: string[] = [];
  for (const migration of pendingMigrations(migrations, rows)) {
    await applyMigration(client, migration, options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS);
    applied.push(migration.name);
    options.log?.(`applied ${migration.name}`);
  }
  return { applied, version: await schemaVersion(client) };
}

/**
 * Brings the ledger schema up to date. Pass a connection string (a connection is opened and closed) or a connected
 * client that is not inside a transaction. Throws MigrationError when it must refuse or a migration fails.
 */
export async function migrate(target: string | pg.ClientBase, options: MigrateOptions = {}): Promise<MigrateResult> {
  if (typeof target === 'string') {
    const owned = new pg.Client({ connectionString: target });
    await owned.connect();
    try {
      return await migrate(owned, options);
    } finally {
      await owned.end();
    }
  }
  const status = target.getTransactionStatus();
  if (status !== 'I') {
    throw new MigrationError(
      status === null
        ? 'migrate needs a connected client'
        : 'migrate needs a client outside any transaction (each migration runs in its own)'
    );
  }
  await target.query('SELECT pg_advisory_lock($1, $2)', [...MIGRATION_LOCK_KEY]);
  try {
    return await migrateLocked(target, options);
  } finally {
    await target.query('SELECT pg_advisory_unlock($1, $2)', [...MIGRATION_LOCK_KEY]).catch(() => undefined);
  }
}

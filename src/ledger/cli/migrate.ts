/**
 * `npm run migrate`: applies pending ledger migrations to the database in DATABASE_URL (connect as the schema
 * owner, never as the datasource's read-only user). Prints what it applied; exits 1 with the reason on failure,
 * 2 when DATABASE_URL is missing.
 */
import { LATEST_SCHEMA_VERSION, migrate } from '../migrate';

/** The URL without its password, for messages. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) {
      parsed.password = '***';
    }
    return parsed.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

/** A one-line reason; connection errors from pg can have an empty message and only a code. */
function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.map(describe).join('; ');
  }
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return error.message || (typeof code === 'string' ? code : error.name);
  }
  return String(error);
}

async function main(): Promise<number> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('migrate: DATABASE_URL is not set (e.g. DATABASE_URL=postgres://ledger_owner@localhost:5432/ledger)');
    return 2;
  }
  try {
    const { applied, version } = await migrate(url, { log: (line) => console.log(line) });
    console.log(
      applied.length > 0
        ? `ledger schema migrated to version ${version} (${applied.length} applied)`
        : `ledger schema already at version ${version}; nothing to apply`
    );
    return 0;
  } catch (error) {
    console.error(
      `migrate: failed on ${redact(url)} (code expects version ${LATEST_SCHEMA_VERSION}): ${describe(error)}`
    );
    return 1;
  }
}

main().then((code) => {
  process.exitCode = code;
});

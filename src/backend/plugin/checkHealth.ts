/**
 * "Save & test": connect, check the ledger schema, and say in plain words what is wrong when something is.
 * Never throws: every failure is an ERROR result with a message an operator can act on. Never shows secrets.
 */
import { LATEST_SCHEMA_VERSION } from '../../ledger/migrations';
import { QueryError, SettingsError } from '../errors';
import { withReadOnlySession } from '../db/session';
import type { InstanceManager } from './instances';
import type { HealthResult, RequestContext } from './types';

interface LedgerStatus {
  server_version: string;
  has_schema: boolean;
  can_write: boolean;
  superuser: boolean;
  schema_version?: number;
  newest_event_age_s?: number | null;
  workers_alive?: number | null;
}

// Two round trips: the first cannot mention ledger objects (a missing function fails at parse time), so a missing
// schema is an answer, not an error.
const STATUS_SQL = `
SELECT current_setting('server_version') AS server_version,
       to_regproc('ledger_schema_version') IS NOT NULL AS has_schema,
       CASE WHEN to_regclass('ledger_events') IS NULL THEN false
            ELSE has_table_privilege(current_user, 'ledger_events', 'INSERT, UPDATE, DELETE') END AS can_write,
       current_setting('is_superuser') = 'on' AS superuser`;

const LEDGER_SQL = `
SELECT ledger_schema_version() AS schema_version,
       extract(epoch FROM now() - (SELECT recorded_at FROM ledger_events ORDER BY seq DESC LIMIT 1))::double precision AS newest_event_age_s,
       (SELECT count(*)::int FROM workers WHERE last_heartbeat_at > now() - interval '1 minute') AS workers_alive`;

function describeAge(seconds: number | null): string {
  if (seconds === null) {
    return 'the ledger is empty';
  }
  if (seconds < 120) {
    return `newest event ${Math.max(0, Math.round(seconds))} s ago`;
  }
  if (seconds < 7200) {
    return `newest event ${Math.round(seconds / 60)} min ago`;
  }
  return `newest event ${Math.round(seconds / 3600)} h ago`;
}

/** Runs the health check for the request's datasource. */
export async function checkHealth(
  instances: InstanceManager,
  context: RequestContext,
  signal: AbortSignal
): Promise<HealthResult> {
  let instance;
  try {
    instance = instances.get(context);
  } catch (error) {
    const message = error instanceof SettingsError ? error.message : `[config] ${String(error)}`;
    return { status: 'ERROR', message };
  }
  const { settings } = instance;
  try {
    const status = await withReadOnlySession(
      instance.pool,
      settings,
      async (session) => {
        const first = (await session.query<LedgerStatus>(STATUS_SQL)).rows[0];
        if (!first?.has_schema) {
          return first;
        }
        const ledger = (await session.query<Partial<LedgerStatus>>(LEDGER_SQL)).rows[0];
        return { ...first, ...ledger };
      },
      { signal, timeoutMs: 10_000 }
    );
    if (!status || !status.has_schema || status.schema_version === undefined) {
      return {
        status: 'ERROR',
        message: `[schema] connected, but the ledger schema is not installed in database "${settings.database}" — run the migrations (npm run migrate with DATABASE_URL set; the compose stack does it for you)`,
        details: { serverVersion: status?.server_version },
      };
    }
    const version = Number(status.schema_version);
    if (version < LATEST_SCHEMA_VERSION) {
      return {
        status: 'ERROR',
        message: `[schema] the ledger schema is at version ${version}, older than this plugin needs (${LATEST_SCHEMA_VERSION}) — run the migrations`,
        details: { schemaVersion: version, requiredSchemaVersion: LATEST_SCHEMA_VERSION },
      };
    }
    const notes: string[] = [];
    if (version > LATEST_SCHEMA_VERSION) {
      notes.push(
        `schema v${version} is newer than this plugin knows (v${LATEST_SCHEMA_VERSION}); consider upgrading the plugin`
      );
    }
    if (status.superuser) {
      // Read-only transactions stop writes, not a superuser's server-side functions (#9, docs/reliability.md).
      notes.push(
        `user "${settings.user}" is a superuser: it can write to the ledger, and raw SQL can read server files and end other sessions; log in as a member of ledger_reader`
      );
    } else if (status.can_write) {
      notes.push(
        `user "${settings.user}" can write to the ledger; a read-only role (member of ledger_reader) is recommended`
      );
    }
    const summary = [
      `Connected to PostgreSQL ${status.server_version.split(' ')[0]}, ledger schema v${version}`,
      describeAge(status.newest_event_age_s ?? null),
      `${status.workers_alive ?? 0} worker(s) alive`,
    ].join('; ');
    return {
      status: 'OK',
      message: notes.length > 0 ? `${summary}. Note: ${notes.join('; ')}` : summary,
      details: {
        serverVersion: status.server_version,
        schemaVersion: version,
        readOnlyRole: !status.can_write && !status.superuser,
        ingestLagSeconds: status.newest_event_age_s,
        workersAlive: status.workers_alive,
      },
    };
  } catch (error) {
    const message = error instanceof QueryError ? error.message : `[plugin] ${String(error)}`;
    return { status: 'ERROR', message };
  }
}

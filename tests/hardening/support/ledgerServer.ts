/**
 * A PostgreSQL cluster of the hardening suites' own — fault tests stop it, lock its tables and kill its backends,
 * so the run's shared server is never disturbed — holding a migrated ledger seeded from the deterministic simulator,
 * and a ledger_reader login with a distinctive password (the secrets suite searches every output for it).
 */
import pg from 'pg';

import { createLoginRole } from '../../../src/ledger/ledgerTestDatabase';
import type { LedgerEvent } from '../../../src/ledger/ledgerEvent';
import { migrate } from '../../../src/ledger/migrate';
import { simulate } from '../../../src/ledger/simulator/engine';
import { loadScenario } from '../../../src/ledger/simulator/scenarios/index';
import { appendEvents, copyEvents } from '../../../src/ledger/writer';
import { datasourceContext } from '../../support/grafanaRequests';
import { startCluster, type TestCluster } from '../../support/postgres';

/** The reader's password: distinctive, so a search for it in logs and responses cannot match anything else. */
export const READER_PASSWORD = 'Zq7-ledger-PW-d1st1nct1ve-9c4e';

/** Options of startLedgerServer. */
export interface LedgerServerOptions {
  /** Simulated history to seed, ending now (default 2 h of the `steady` scenario, about 19,000 events). */
  seedHours?: number;
  seed?: number;
}

/** A running cluster with a seeded ledger. */
export interface LedgerServer {
  cluster: TestCluster;
  /** Superuser URL of the ledger database. */
  ownerUrl: string;
  /** URL of the ledger_reader login (what the datasource uses). */
  readerUrl: string;
  /** Job ids present in the seeded history (for traces queries and job resources). */
  jobIds: string[];
  /** The pluginv2 PluginContext of a datasource logging in as the reader. */
  context(options?: {
    uid?: string;
    jsonData?: Record<string, unknown>;
    lastUpdatedMS?: number;
  }): ReturnType<typeof datasourceContext>;
  /** Runs SQL as the superuser on a fresh connection (survives restarts of the cluster). */
  sql<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
  /** Appends events through the real writer. */
  append(events: readonly LedgerEvent[]): Promise<void>;
  /** Checksum of every table, view definition and large object of the ledger database. */
  checksum(): Promise<string>;
  /** Sessions in pg_stat_activity with this application_name. */
  sessions(applicationName: string): Promise<number>;
  /** Stops the cluster and removes its files. */
  close(): void;
}

/**
 * Connects as a worker would, waiting out a database that is still starting or recovering from a crash (only the
 * connection is retried: nothing has been sent yet, so nothing can be written twice).
 */
async function connectPatiently(url: string, timeoutMs = 60_000): Promise<pg.Client> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) {
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** Starts a cluster, migrates a `ledger` database, seeds it and creates the reader login. */
export async function startLedgerServer(options: LedgerServerOptions = {}): Promise<LedgerServer> {
  const cluster = await startCluster();
  const admin = new pg.Client({ connectionString: cluster.adminUrl });
  await admin.connect();
  await admin.query('CREATE DATABASE ledger');
  // Throwaway clusters run with synchronous_commit=off for speed; a crashed backend then makes PostgreSQL forget the
  // last commits and reuse their seqs, which no reader can tell from a gap. Committed must mean durable here.
  await admin.query('ALTER DATABASE ledger SET synchronous_commit = on');
  await admin.end();
  const ownerUrl = new URL('/ledger', cluster.adminUrl).toString();
  await migrate(ownerUrl);

  const end = Date.now() - 1_000;
  const start = end - (options.seedHours ?? 2) * 3_600_000;
  const events = [...simulate({ scenario: loadScenario('steady'), seed: options.seed ?? 42, start, end })];
  const owner = new pg.Client({ connectionString: ownerUrl });
  await owner.connect();
  let readerUrl: string;
  try {
    await copyEvents(owner, events.values());
    const login = new URL(await createLoginRole(owner, ownerUrl, 'grafana_reader', 'ledger_reader'));
    await owner.query(`ALTER ROLE grafana_reader PASSWORD '${READER_PASSWORD}'`);
    login.password = READER_PASSWORD;
    readerUrl = login.toString();
  } finally {
    await owner.end();
  }
  const jobIds = [...new Set(events.filter((e) => e.kind === 'job.completed').map((e) => e.jobId!))];

  const sql = async <R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> => {
    const client = new pg.Client({ connectionString: ownerUrl });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return (await client.query<R>(text, values)).rows;
    } finally {
      await client.end().catch(() => undefined);
    }
  };

  return {
    cluster,
    ownerUrl,
    readerUrl,
    jobIds,
    context: (contextOptions = {}) =>
      datasourceContext({ url: readerUrl, uid: 'ledger-hardening', lastUpdatedMS: 1, ...contextOptions }),
    sql,
    async append(appended) {
      const client = await connectPatiently(ownerUrl);
      try {
        await appendEvents(client, appended);
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    async checksum() {
      // Every relation of the public schema, by content; plus the definitions (a dropped trigger or a grant would
      // change them) and large objects (lo_import is a write that no table shows).
      const tables = await sql<{ name: string }>(
        `SELECT quote_ident(relname) AS name FROM pg_class
         WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p', 'm') ORDER BY relname`
      );
      const parts: string[] = [];
      for (const { name } of tables) {
        const [row] = await sql<{ n: string; sum: string }>(
          `SELECT count(*)::text AS n, coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') AS sum FROM ${name} t`
        );
        parts.push(`${name}:${row!.n}:${row!.sum}`);
      }
      const [schema] = await sql<{ sum: string }>(
        `SELECT md5(string_agg(format('%s %s %s %s', c.relname, c.relkind, c.relacl, coalesce(t.tgname, '')), '|'
                ORDER BY c.relname, t.tgname)) AS sum
         FROM pg_class c LEFT JOIN pg_trigger t ON t.tgrelid = c.oid
         WHERE c.relnamespace = 'public'::regnamespace`
      );
      const [objects] = await sql<{ n: string }>('SELECT count(*)::text AS n FROM pg_largeobject_metadata');
      const [roles] = await sql<{ sum: string }>(
        `SELECT md5(string_agg(format('%s %s %s', rolname, rolsuper, rolcanlogin), '|' ORDER BY rolname)) AS sum
         FROM pg_roles`
      );
      return [...parts, `schema:${schema!.sum}`, `largeobjects:${objects!.n}`, `roles:${roles!.sum}`].join('\n');
    },
    async sessions(applicationName) {
      const [row] = await sql<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1',
        [applicationName]
      );
      return row!.n;
    },
    close: () => cluster.stop(),
  };
}

/**
 * Simulator data for the provisioning tests: a fresh migrated ledger per scenario, filled by the simulator
 * (src/ledger/simulator) through the real writer, and the plugin's own QueryData handler pointed at it as a member of
 * ledger_reader — the way the provisioned datasource connects.
 *
 * Windows are small (tens of minutes) and anchored at a fixed instant, so every run sees the same events: a window
 * that ended "now" would move with the clock through the diurnal load and make "steady stays calm" a matter of luck.
 * The anchor is a Wednesday at 15:00 UTC, the steady scenario's daily peak, so steady is tested at its busiest.
 */
import pg from 'pg';

import { Logger } from '../../../src/backend/log';
import { InstanceManager } from '../../../src/backend/plugin/instances';
import { queryData } from '../../../src/backend/plugin/queryData';
import type { DataResponse, RequestContext } from '../../../src/backend/plugin/types';
import {
  createLedgerTestDatabase,
  createLoginRole,
  disableAutovacuum,
  type LedgerTestDatabase,
} from '../../../src/ledger/ledgerTestDatabase';
import { bulkLoad } from '../../../src/ledger/simulator/bulk';
import { simulate } from '../../../src/ledger/simulator/engine';
import { loadScenario } from '../../../src/ledger/simulator/scenarios/index';

/** The instant every test window ends at (or near): Wednesday 2026-11-18 15:00 UTC. */
export const ANCHOR = Date.UTC(2026, 10, 18, 15, 0, 0);
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
/** The simulator seed of every test ledger. */
export const SEED = 42;

/** One simulated stretch of a scenario: events of [from, to), anomalies placed from `placementStart`. */
export interface ScenarioWindow {
  scenario: string;
  from: number;
  to: number;
  /** Where the scenario's window starts, i.e. what its anomalies' `at` offsets count from (default: `from`). */
  placementStart?: number;
}

/** One query of a QueryData request, in the shape Grafana sends it. */
export interface LedgerRequestQuery {
  refId: string;
  /** The query model (the target JSON a dashboard or an alert rule stores). */
  model: Record<string, unknown>;
  from: number;
  to: number;
  intervalMs?: number;
  maxDataPoints?: number;
}

/** A seeded ledger and the plugin's QueryData handler on it. */
export interface ScenarioLedger {
  ledger: LedgerTestDatabase;
  events: number;
  /** Calls QueryData with these queries (one request); `headers` as Grafana sends them (e.g. FromAlert). */
  query(
    queries: readonly LedgerRequestQuery[],
    options?: { headers?: Record<string, string>; jsonData?: Record<string, unknown>; url?: string }
  ): Promise<Map<string, DataResponse>>;
  /** The reader's connection URL (for proxies that sit between the plugin and PostgreSQL). */
  readerUrl: URL;
  close(): Promise<void>;
}

const quiet = new Logger(() => undefined, 'error');

/** Options of createScenarioLedger. */
export interface ScenarioLedgerOptions {
  /**
   * Leave the ledger as it is the moment before the bulk loader's ANALYZE (or after a user's own COPY): autovacuum
   * off on the ledger's tables and no ANALYZE, so the planner has no statistics at all.
   */
  unanalyzed?: boolean;
  /** Events per COPY statement (default 20,000). */
  batchSize?: number;
}

/** Simulates the windows (in order) and writes them with the ledger writer's COPY path into a fresh database. */
export async function createScenarioLedger(
  prefix: string,
  windows: readonly ScenarioWindow[],
  options: ScenarioLedgerOptions = {}
): Promise<ScenarioLedger> {
  const ledger = await createLedgerTestDatabase(prefix);
  const writers = [await ledger.connect(), await ledger.connect()];
  if (options.unanalyzed) {
    await disableAutovacuum(writers[0]!);
  }
  let events = 0;
  for (const window of windows) {
    const scenario = loadScenario(window.scenario);
    const placement = { mode: 'window' as const, start: window.placementStart ?? window.from };
    const result = await bulkLoad(
      writers,
      simulate({ scenario, seed: SEED, start: window.from, end: window.to, placement }),
      { batchSize: options.batchSize ?? 20_000, analyze: !options.unanalyzed }
    );
    events += result.events;
  }
  const role = `${ledger.name}_grafana`;
  const readerUrl = new URL(await createLoginRole(writers[0]!, ledger.url, role, 'ledger_reader'));
  const instances = new InstanceManager(quiet);
  let version = 0;

  const context = (jsonData: Record<string, unknown>, url: URL): RequestContext => ({
    orgId: 1,
    pluginId: 'aicodeteam-ledger-datasource',
    datasource: {
      id: 1,
      uid: 'ledger',
      name: 'Ledger',
      url: `${url.hostname}:${url.port}`,
      user: decodeURIComponent(url.username),
      database: '',
      jsonData: { database: url.pathname.slice(1), sslmode: 'disable', ...jsonData },
      secureJsonData: { password: decodeURIComponent(url.password) },
      // a new settings version per distinct configuration, so the instance (and its pool) is rebuilt
      lastUpdatedMS: ++version,
    },
    grafanaConfig: {},
    pluginVersion: 'test',
    userAgent: 'Grafana/12.4.0',
  });
  const contexts = new Map<string, RequestContext>();
  const contextFor = (jsonData: Record<string, unknown>, url: URL) => {
    const key = JSON.stringify([jsonData, url.toString()]);
    let found = contexts.get(key);
    if (!found) {
      found = context(jsonData, url);
      contexts.set(key, found);
    }
    return found;
  };

  return {
    ledger,
    events,
    readerUrl,
    query: (queries, options = {}) =>
      queryData(
        instances,
        {
          context: contextFor(options.jsonData ?? {}, options.url ? new URL(options.url) : readerUrl),
          headers: options.headers ?? {},
          queries: queries.map((q) => ({
            refId: q.refId,
            queryType: typeof q.model.queryType === 'string' ? q.model.queryType : '',
            maxDataPoints: q.maxDataPoints ?? 1_000,
            intervalMs: q.intervalMs ?? 60_000,
            timeRange: { fromMs: q.from, toMs: q.to },
            json: Buffer.from(JSON.stringify({ ...q.model, refId: q.refId })),
          })),
        },
        new AbortController().signal,
        quiet
      ),
    async close() {
      await instances.closeAll();
      await Promise.all(writers.map((w) => w.end().catch(() => undefined)));
      await ledger.drop();
      const cleanup = new pg.Client({ connectionString: new URL('/postgres', ledger.url).toString() });
      await cleanup.connect();
      await cleanup.query(`DROP ROLE IF EXISTS ${role}`).finally(() => cleanup.end());
    },
  };
}

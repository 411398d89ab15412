/**
 * In-process harness for the integration tests: a fresh migrated ledger seeded through the real writer, a login
 * role that is a member of ledger_reader (the datasource's least privilege), and the plugin's own handlers
 * (InstanceManager + queryData + callResource) called with requests shaped as protocol/decode.ts produces them.
 */
import pg from 'pg';

import { Logger } from '../../../src/backend/log';
import { InstanceManager } from '../../../src/backend/plugin/instances';
import { queryData } from '../../../src/backend/plugin/queryData';
import { callResource } from '../../../src/backend/plugin/resources';
import type { DataResponse, RequestContext, ResourceResponse } from '../../../src/backend/plugin/types';
import {
  createLedgerTestDatabase,
  createLoginRole,
  type LedgerTestDatabase,
} from '../../../src/ledger/ledgerTestDatabase';
import type { LedgerEvent } from '../../../src/ledger/ledgerEvent';
import { appendEvents } from '../../../src/ledger/writer';
import type { CheckedFrame, Field } from '../../../src/backend/frames/frame';
import { FIXTURE_RANGE } from '../fixtures/queryTypesFixture';

/** One query of a test request. */
export interface TestQuery {
  refId: string;
  json: Record<string, unknown> | string;
  range?: { from: number; to: number };
  intervalMs?: number;
  maxDataPoints?: number;
}

/** A seeded ledger plus the plugin's handlers pointed at it. */
export interface Harness {
  ledger: LedgerTestDatabase;
  /** Superuser client (for checks and checksums; never used by the plugin). */
  admin: pg.Client;
  /** A plugin context; `asOwner` connects as the database owner (a superuser) instead of a ledger_reader member. */
  context(jsonData?: Record<string, unknown>, asOwner?: boolean): RequestContext;
  query(
    queries: TestQuery[],
    options?: { signal?: AbortSignal; jsonData?: Record<string, unknown>; asOwner?: boolean }
  ): Promise<Map<string, DataResponse>>;
  resource(
    path: string,
    query?: Record<string, string>,
    options?: { method?: string; jsonData?: Record<string, unknown> }
  ): Promise<{ status: number; body: any; headers: Record<string, string> }>;
  close(): Promise<void>;
}

const quiet = new Logger(() => undefined, 'error');

/** Creates the harness; `events` are appended with the real writer. */
export async function createHarness(
  prefix: string,
  events: readonly LedgerEvent[],
  defaultRange: { from: number; to: number } = FIXTURE_RANGE
): Promise<Harness> {
  const ledger = await createLedgerTestDatabase(prefix);
  const admin = await ledger.connect();
  await appendEvents(admin, events);
  const role = `${ledger.name}_grafana`;
  const readerUrl = new URL(await createLoginRole(admin, ledger.url, role, 'ledger_reader'));
  const instances = new InstanceManager(quiet);
  let version = 0;

  const ownerUrl = new URL(ledger.url);
  const context = (jsonData: Record<string, unknown> = {}, asOwner = false): RequestContext => {
    const url = asOwner ? ownerUrl : readerUrl;
    return {
      orgId: 1,
      pluginId: 'aicodeteam-ledger-datasource',
      datasource: {
        id: 7,
        uid: asOwner ? 'ledger-owner' : 'ledger-test',
        name: 'Ledger',
        url: `${url.hostname}:${url.port}`,
        user: decodeURIComponent(url.username),
        database: '',
        jsonData: { database: url.pathname.slice(1), sslmode: 'disable', ...jsonData },
        secureJsonData: { password: decodeURIComponent(url.password) },
        lastUpdatedMS: Object.keys(jsonData).length > 0 ? ++version : 0,
      },
      grafanaConfig: {},
      pluginVersion: 'test',
      userAgent: 'test',
    };
  };

  return {
    ledger,
    admin,
    context,
    query: (queries, options = {}) =>
      queryData(
        instances,
        {
          context: context(options.jsonData, options.asOwner),
          headers: {},
          queries: queries.map((q) => ({
            refId: q.refId,
            queryType: typeof q.json === 'object' && typeof q.json.queryType === 'string' ? q.json.queryType : '',
            maxDataPoints: q.maxDataPoints ?? 1000,
            intervalMs: q.intervalMs ?? 60_000,
            timeRange: { fromMs: (q.range ?? defaultRange).from, toMs: (q.range ?? defaultRange).to },
            json: Buffer.from(typeof q.json === 'string' ? q.json : JSON.stringify({ refId: q.refId, ...q.json })),
          })),
        },
        options.signal ?? new AbortController().signal,
        quiet
      ),
    async resource(path, query = {}, options = {}) {
      const response: ResourceResponse = await callResource(
        instances,
        {
          context: context(options.jsonData),
          path,
          method: options.method ?? 'GET',
          query: new URLSearchParams(query),
          headers: {},
          body: new Uint8Array(0),
        },
        new AbortController().signal
      );
      const text = typeof response.body === 'string' ? response.body : Buffer.from(response.body).toString();
      return { status: response.status, body: JSON.parse(text), headers: response.headers ?? {} };
    },
    async close() {
      await instances.closeAll();
      await ledger.drop();
      const cleanup = new pg.Client({ connectionString: new URL('/postgres', ledger.url).toString() });
      await cleanup.connect();
      await cleanup.query(`DROP ROLE IF EXISTS ${role}`).finally(() => cleanup.end());
    },
  };
}

/** The one frame of a successful response (fails the test with the error otherwise). */
export function onlyFrame(response: DataResponse | undefined): CheckedFrame {
  if (!response) {
    throw new Error('no response for the refId');
  }
  if (response.error) {
    throw new Error(`query failed: ${response.error.message}`);
  }
  if (response.frames.length !== 1) {
    throw new Error(`expected one frame, got ${response.frames.length}`);
  }
  return response.frames[0]!;
}

/** A field by name. */
export function field(frame: CheckedFrame, name: string): Field {
  const found = frame.fields.find((f) => f.name === name);
  if (!found) {
    throw new Error(`no field "${name}" in ${frame.fields.map((f) => f.name).join(', ')}`);
  }
  return found;
}

/** A field's values as a plain array. */
export function values<T = unknown>(frame: CheckedFrame, name: string): T[] {
  return Array.from(field(frame, name).values as ArrayLike<T>);
}

/** A stable checksum of a table's content (to prove a query left it unchanged). */
export async function tableChecksum(client: pg.ClientBase, table: string): Promise<string> {
  const { rows } = await client.query(
    `SELECT count(*)::text AS n, coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') AS sum FROM ${table} t`
  );
  return `${rows[0].n}:${rows[0].sum}`;
}

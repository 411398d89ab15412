/**
 * SQL injection (#9): a corpus of classic and PostgreSQL-specific injections in every string field of every query
 * type, in refIds, in resource paths and parameters, and in live stream specs; plus hostile raw SQL, as a
 * ledger_reader login and as the database owner (a superuser). Through the built executable over gRPC. Every value is
 * data: it matches nothing (or fails validation with a clear 4xx), nothing sleeps, no file is written, and the ledger
 * is byte-for-byte unchanged.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { datasourceContext, dataQuery } from '../support/grafanaRequests';
import { launchPlugin, type PluginUnderTest } from '../support/pluginProcess';
import { startLedgerServer, type LedgerServer } from './support/ledgerServer';
import { channelPathOf } from './support/liveStream';

const PWNED = path.join(tmpdir(), 'ledger-hardening-pwned');

/** Injections: quote escapes, stacked statements, comments, dollar quoting, unicode escapes, time-based probes. */
const INJECTIONS: readonly string[] = [
  `' OR '1'='1`,
  `'; DROP TABLE ledger_events; --`,
  `'); DELETE FROM jobs; --`,
  `" OR ""="`,
  `1; UPDATE ledger_events SET name = 'x'`,
  `$$; DELETE FROM ledger_events; $$`,
  `\\'; TRUNCATE ledger_events; --`,
  `%' AND pg_sleep(5) IS NULL AND '%'='`,
  `'||(SELECT pg_sleep(5))||'`,
  `x' UNION SELECT usename, passwd FROM pg_shadow --`,
  `E'\\x27; DROP TABLE jobs; --`,
  `/**/;DELETE/**/FROM/**/ledger_events`,
  `U&'\\0027; DROP TABLE jobs; --'`,
  `'; COPY (SELECT 1) TO PROGRAM 'touch ${PWNED}'; --`,
  `'; SELECT lo_import('/etc/passwd'); --`,
  `'; SET ROLE postgres; --`,
  `$1`,
  `$__timeFilter(occurred_at) OR 1=1`,
  `') OR pg_sleep(5) IS NULL --`,
  `\u0000'; DROP TABLE jobs; --`,
  `ʼ OR 1=1 --`,
];

/**
 * Raw SQL that must not change anything, whoever the datasource logs in as. A superuser login can still call
 * server-side functions that are not writes (read server files, signal other sessions): no transaction mode stops
 * them, which is why the datasource must log in as a ledger_reader member (the health check says so).
 */
const SUPERUSER_ONLY_EFFECTS = [/^SELECT lo_import/, /^SELECT pg_terminate_backend/];
const HOSTILE_SQL: readonly string[] = [
  `DELETE FROM ledger_events`,
  `SELECT 1; DELETE FROM ledger_events`,
  `WITH d AS (DELETE FROM ledger_events RETURNING 1) SELECT count(*) FROM d`,
  `SELECT * FROM ledger_events WHERE $__timeFilter(occurred_at); DROP TABLE jobs`,
  `COPY (SELECT 1) TO PROGRAM 'touch ${PWNED}'`,
  `SELECT set_config('transaction_read_only', 'off', false); DELETE FROM jobs`,
  `DO $$ BEGIN EXECUTE 'DELETE FROM ledger_events'; END $$`,
  `EXPLAIN ANALYZE DELETE FROM ledger_events`,
  `SELECT lo_import('/etc/hostname')`,
  `CREATE TABLE evil AS SELECT 1`,
  `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid()`,
  `SELECT nextval(pg_get_serial_sequence('ledger_events', 'seq'))`,
  `SELECT * FROM jobs FOR UPDATE`,
  `CALL nonexistent()`,
  `LOCK TABLE ledger_events`,
];

let server: LedgerServer;
let plugin: PluginUnderTest;
let stateDir: string;
let before0: string;

before(async () => {
  server = await startLedgerServer({ seedHours: 0.5 });
  stateDir = mkdtempSync(path.join(tmpdir(), 'hardening-injection-'));
  plugin = await launchPlugin({ env: { LEDGER_STATE_DIR: stateDir } });
  before0 = await server.checksum();
});

after(() => {
  plugin?.kill();
  server?.close();
  rmSync(stateDir, { recursive: true, force: true });
  rmSync(PWNED, { force: true });
});

/** Every string field of every query type, with `s` in it. */
function queriesWith(s: string): Array<{ field: string; json: Record<string, unknown>; matchesNothing?: boolean }> {
  const f = (key: string, operator: string, value: unknown) => [{ key, operator, value }];
  return [
    { field: 'metrics.metric', json: { queryType: 'metrics', metric: s } },
    { field: 'metrics.legend', json: { queryType: 'metrics', metric: 'job.completed', groupBy: ['mode'], legend: s } },
    { field: 'metrics.filter =', json: { queryType: 'metrics', metric: 'job.completed', filters: f('mode', '=', s) } },
    {
      field: 'metrics.filter =~',
      json: { queryType: 'metrics', metric: 'job.completed', filters: f('mode', '=~', s) },
    },
    {
      field: 'metrics.filter in',
      json: { queryType: 'metrics', metric: 'job.completed', filters: f('mode', 'in', [s]) },
    },
    { field: 'metrics.timezone', json: { queryType: 'metrics', metric: 'job.completed', timezone: s } },
    { field: 'metrics.aggregation', json: { queryType: 'metrics', metric: 'job.duration_ms', aggregation: s } },
    { field: 'metrics.groupBy', json: { queryType: 'metrics', metric: 'job.completed', groupBy: [s] } },
    { field: 'logs.search', json: { queryType: 'logs', search: `"${s}"` }, matchesNothing: true },
    { field: 'logs.filter !=', json: { queryType: 'logs', limit: 5, filters: f('job', '!=', s) } },
    { field: 'logs.filter =', json: { queryType: 'logs', filters: f('worker', '=', s) }, matchesNothing: true },
    {
      field: 'jobs.filter =',
      json: { queryType: 'jobs', jobWindow: 'active', filters: f('error_type', '=', s) },
      matchesNothing: true,
    },
    { field: 'jobs.filter =~', json: { queryType: 'jobs', filters: f('worker', '=~', s) } },
    {
      field: 'jobs.condition field',
      json: { queryType: 'jobs', jobConditions: [{ field: s, operator: '>', value: 1 }] },
    },
    {
      field: 'jobs.condition operator',
      json: { queryType: 'jobs', jobConditions: [{ field: 'duration_ms', operator: s, value: 1 }] },
    },
    {
      field: 'jobs.condition value',
      json: { queryType: 'jobs', jobConditions: [{ field: 'duration_ms', operator: '>', value: s }] },
    },
    { field: 'jobs.sortBy', json: { queryType: 'jobs', sortBy: s } },
    { field: 'jobs.jobWindow', json: { queryType: 'jobs', jobWindow: s } },
    { field: 'traces.traceId', json: { queryType: 'traces', traceId: s } },
    { field: 'variables.dimension', json: { queryType: 'variables', dimension: s } },
    {
      field: 'variables.filter',
      json: { queryType: 'variables', dimension: 'mode', filters: f('agent', 'not in', [s]) },
    },
    { field: 'annotations.filter', json: { queryType: 'annotations', filters: f('mode', '!~', s) } },
    { field: 'annotations.sources', json: { queryType: 'annotations', annotationSources: [s] } },
    { field: 'sql.sqlFormat', json: { queryType: 'sql', rawSql: 'SELECT 1', sqlFormat: s } },
    { field: 'queryType', json: { queryType: s } },
  ];
}

const contextFor = (asOwner: boolean) =>
  asOwner
    ? datasourceContext({ url: server.ownerUrl, uid: 'injection-owner', jsonData: { statementTimeoutMs: 10_000 } })
    : server.context({ uid: 'injection', jsonData: { statementTimeoutMs: 10_000 } });

/** Rows of the first frame of a response (0 when it has no frame). */
async function rowCount(frames: Buffer[]): Promise<number> {
  if (frames.length === 0) {
    return 0;
  }
  const { tableFromIPC } = await import('apache-arrow');
  return tableFromIPC(frames[0]!).numRows;
}

describe('SQL injection', () => {
  it('treats injections in every string field of every query type as data', async () => {
    const now = Date.now();
    const range = { from: now - 3_600_000, to: now };
    for (const [i, s] of INJECTIONS.entries()) {
      const cases = queriesWith(s);
      const started = Date.now();
      const response = await plugin.unary('data', 'QueryData', {
        pluginContext: contextFor(false),
        queries: [
          ...cases.map((c, j) => dataQuery(`Q${j}`, c.json, range)),
          { ...dataQuery(s, { queryType: 'logs', limit: 1 }, range) }, // the refId itself
          { ...dataQuery('QT', { limit: 1 }, range), queryType: s }, // DataQuery.queryType
        ],
      });
      assert.ok(Date.now() - started < 4_000, `injection ${i} slept: ${Date.now() - started} ms`);
      for (const [j, c] of cases.entries()) {
        const result = response.responses[`Q${j}`];
        assert.ok(result, `${c.field}: no response`);
        if (result.status !== 200) {
          assert.ok(
            [400, 404].includes(result.status),
            `${c.field} ${JSON.stringify(s)}: ${result.status} ${result.error}`
          );
          assert.equal(result.errorSource, 'downstream');
          assert.match(result.error, /^\[(query|not found|sql)\] /);
        } else if (c.matchesNothing) {
          assert.equal(await rowCount(result.frames), 0, `${c.field} ${JSON.stringify(s)} matched rows`);
        }
      }
      assert.ok(response.responses[s], 'the refId is answered as given');
      assert.ok([200, 400].includes(response.responses.QT.status), response.responses.QT.error);
    }
    assert.equal(await server.checksum(), before0);
  });

  it('treats injections in resource paths and parameters as data', async () => {
    const call = async (resourcePath: string, query = '') => {
      const [response] = await plugin.collect('resource', 'CallResource', {
        pluginContext: contextFor(false),
        path: resourcePath,
        method: 'GET',
        url: `${resourcePath}${query}`,
      });
      return { code: response.code as number, body: JSON.parse(Buffer.from(response.body).toString()) };
    };
    for (const s of INJECTIONS) {
      const encoded = encodeURIComponent(s);
      const job = await call(`jobs/${encoded}`);
      assert.ok([400, 404].includes(job.code), `jobs/${s}: ${job.code} ${JSON.stringify(job.body)}`);
      const dimension = await call(`dimensions/${encoded}/values`);
      assert.equal(
        dimension.code,
        dimension.code === 404 ? 404 : 400,
        `dimensions/${s}: ${JSON.stringify(dimension.body)}`
      );
      const search = await call('dimensions/mode/values', `?search=${encoded}`);
      assert.ok(
        (search.code === 200 && search.body.values.length === 0) || search.code === 400,
        `search ${s}: ${search.code} ${JSON.stringify(search.body)}`
      );
    }
    assert.equal(await server.checksum(), before0);
  });

  it('treats injections in live stream specs as data', async () => {
    const now = Date.now();
    for (const s of INJECTIONS.slice(0, 8)) {
      const answer = await plugin.unary('data', 'QueryData', {
        pluginContext: contextFor(false),
        queries: [
          dataQuery(
            'L',
            { queryType: 'logs', live: true, search: `"${s}"`, filters: [{ key: 'mode', operator: '=~', value: s }] },
            {
              from: now - 600_000,
              to: now,
            }
          ),
        ],
      });
      if (answer.responses.L.status !== 200) {
        assert.match(answer.responses.L.error, /^\[query\] /);
        continue;
      }
      const streamPath = await channelPathOf(answer.responses.L.frames[0], 'injection');
      const subscribed = await plugin.unary('stream', 'SubscribeStream', {
        pluginContext: contextFor(false),
        path: streamPath,
      });
      assert.equal(subscribed.status, 'OK');
    }
    assert.equal(await server.checksum(), before0);
  });

  for (const asOwner of [false, true]) {
    it(`refuses hostile raw SQL ${asOwner ? 'as the database owner (a superuser)' : 'as a ledger_reader login'}`, async () => {
      const now = Date.now();
      // Signalling sessions as a superuser would end the others of this request: that one runs alone, last.
      const statements = asOwner
        ? HOSTILE_SQL.filter((rawSql) => !rawSql.startsWith('SELECT pg_terminate_backend'))
        : HOSTILE_SQL;
      const response = await plugin.unary('data', 'QueryData', {
        pluginContext: contextFor(asOwner),
        queries: statements.map((rawSql, i) =>
          dataQuery(`S${i}`, { queryType: 'sql', rawSql }, { from: now - 60_000, to: now })
        ),
      });
      statements.forEach((rawSql, i) => {
        const result = response.responses[`S${i}`];
        if (asOwner && SUPERUSER_ONLY_EFFECTS.some((effect) => effect.test(rawSql))) {
          return; // possible for a superuser; the ledger stays unchanged (checked below)
        }
        assert.notEqual(result.status, 200, `${rawSql} succeeded`);
        assert.equal(result.errorSource, 'downstream', `${rawSql}: ${result.error}`);
        assert.match(result.error, /^\[(read-only|sql|query|permission|database|timeout)\] /, rawSql);
      });
      assert.equal(await server.checksum(), before0, 'the ledger is byte-for-byte unchanged');
      assert.equal(existsSync(PWNED), false, 'no file written by COPY TO PROGRAM');
      const sleeping = await server.sql(`SELECT 1 FROM pg_stat_activity WHERE wait_event = 'PgSleep'`);
      assert.equal(sleeping.length, 0);
    });
  }
});

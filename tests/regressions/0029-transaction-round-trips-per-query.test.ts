/**
 * #14: every query ran inside `BEGIN TRANSACTION READ ONLY` / `SET LOCAL statement_timeout` / `ROLLBACK`: three
 * round trips to PostgreSQL on top of the statement itself, on every panel, although each connection already starts
 * read-only with the datasource's statement timeout (db/pool.ts). Now built queries (metrics, logs, traces, jobs,
 * variables, annotations) run their statements alone; only raw SQL (whose session changes must be rolled back and
 * discarded) and work that needs a snapshot or a shorter timeout still open a transaction.
 * Judged by PostgreSQL itself: pg_stat_statements lists what the datasource's login ran.
 * Fixed in src/backend/db/session.ts.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import pg from 'pg';

import { createLoginRole } from '../../src/ledger/ledgerTestDatabase';
import { migrate } from '../../src/ledger/migrate';
import { appendEvents } from '../../src/ledger/writer';
import { FIXTURE_EVENTS, FIXTURE_RANGE } from '../integration/fixtures/queryTypesFixture';
import { datasourceContext, dataQuery } from '../support/grafanaRequests';
import { launchPlugin, type PluginUnderTest } from '../support/pluginProcess';
import { startCluster, type TestCluster } from '../support/postgres';

let cluster: TestCluster;
let plugin: PluginUnderTest;
let owner: pg.Client;
let readerUrl: string;

before(async () => {
  cluster = await startCluster({ serverOptions: ['shared_preload_libraries=pg_stat_statements'] });
  const admin = new pg.Client({ connectionString: cluster.adminUrl });
  await admin.connect();
  await admin.query('CREATE DATABASE ledger');
  await admin.end();
  const ledgerUrl = new URL('/ledger', cluster.adminUrl).toString();
  await migrate(ledgerUrl);
  owner = new pg.Client({ connectionString: ledgerUrl });
  await owner.connect();
  await owner.query('CREATE EXTENSION pg_stat_statements');
  await appendEvents(owner, FIXTURE_EVENTS);
  readerUrl = await createLoginRole(owner, ledgerUrl, 'reg0029_reader', 'ledger_reader');
  plugin = await launchPlugin();
});

after(async () => {
  plugin?.kill();
  await owner?.end();
  cluster?.stop();
});

/** What the reader login ran since the last reset: statement text → calls. */
async function statementsRun(): Promise<Map<string, number>> {
  const { rows } = await owner.query<{ query: string; calls: string }>(
    `SELECT s.query, s.calls FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid
     WHERE r.rolname = 'reg0029_reader'`
  );
  return new Map(rows.map((row) => [row.query, Number(row.calls)]));
}

const TRANSACTION_CONTROL = /^\s*(BEGIN|START TRANSACTION|SET\b|ROLLBACK|COMMIT|DISCARD)/i;

it('runs a built query as its statement alone: no transaction framing, one round trip', async () => {
  const pluginContext = datasourceContext({ url: readerUrl, uid: 'reg0029' });
  const queries = [
    dataQuery('SERIES', { queryType: 'metrics', metric: 'job.completed', aggregation: 'count' }, FIXTURE_RANGE),
    dataQuery('STAT', { queryType: 'metrics', metric: 'job.completed', format: 'instant' }, FIXTURE_RANGE),
    dataQuery('LOGS', { queryType: 'logs', limit: 5 }, FIXTURE_RANGE),
    dataQuery('TRACE', { queryType: 'traces', traceId: 'job-42' }, FIXTURE_RANGE),
    dataQuery('JOBS', { queryType: 'jobs', limit: 5 }, FIXTURE_RANGE),
    dataQuery('VARS', { queryType: 'variables', dimension: 'mode' }, FIXTURE_RANGE),
    dataQuery('ANN', { queryType: 'annotations', annotationSources: ['incident'] }, FIXTURE_RANGE),
  ];
  // A warm-up, so connection start-up (which runs no statements of ours) is out of the way.
  await plugin.unary('data', 'QueryData', { pluginContext, queries });
  await owner.query('SELECT pg_stat_statements_reset()');

  const response = await plugin.unary('data', 'QueryData', { pluginContext, queries });
  for (const { refId } of queries) {
    assert.equal(response.responses[refId].status, 200, `${refId}: ${response.responses[refId].error}`);
  }
  const ran = await statementsRun();
  const framing = [...ran.keys()].filter((text) => TRANSACTION_CONTROL.test(text));
  assert.deepEqual(framing, [], `transaction framing still sent: ${framing.join(' | ')}`);
  assert.ok(ran.size >= queries.length, `expected a statement per query, saw ${[...ran.keys()].join(' | ')}`);
});

it('still frames raw SQL: read-only transaction, rolled back, session discarded', async () => {
  const pluginContext = datasourceContext({ url: readerUrl, uid: 'reg0029' });
  await owner.query('SELECT pg_stat_statements_reset()');
  const response = await plugin.unary('data', 'QueryData', {
    pluginContext,
    queries: [dataQuery('SQL', { queryType: 'sql', rawSql: 'SELECT 1 AS one' }, FIXTURE_RANGE)],
  });
  assert.equal(response.responses.SQL.status, 200, response.responses.SQL.error);
  const ran = [...(await statementsRun()).keys()].join(' | ');
  assert.match(ran, /BEGIN TRANSACTION READ ONLY/);
  assert.match(ran, /ROLLBACK/);
  assert.match(ran, /DISCARD ALL/);
});

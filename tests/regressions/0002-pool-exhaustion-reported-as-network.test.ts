/**
 * #9: when every connection of a datasource's pool was busy, a query that waited the whole connect timeout for one
 * failed with "[network] timed out connecting to PostgreSQL … — check that the server is up and reachable": the
 * server was fine, and the message sent operators the wrong way. It now says the pool is exhausted ([capacity], 503).
 * Fixed in src/backend/db/classifyPgError.ts.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';

import { datasourceContext, dataQuery } from '../support/grafanaRequests';
import { launchPlugin, type PluginUnderTest } from '../support/pluginProcess';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

let db: TestDatabase;
let plugin: PluginUnderTest;

before(async () => {
  db = await createTestDatabase('reg0002');
  plugin = await launchPlugin();
});

after(async () => {
  plugin?.kill();
  await db?.drop();
});

it('says the pool is busy, not that the server is unreachable', async () => {
  const pluginContext = datasourceContext({ url: db.url, jsonData: { maxOpenConns: 1, connectTimeoutMs: 500 } });
  const now = Date.now();
  const sql = (refId: string, rawSql: string) => ({
    pluginContext,
    queries: [dataQuery(refId, { queryType: 'sql', rawSql }, { from: now - 60_000, to: now })],
  });
  const busy = plugin.unary('data', 'QueryData', sql('BUSY', 'SELECT pg_sleep(2)'));
  await new Promise((resolve) => setTimeout(resolve, 300));
  const waiting = await plugin.unary('data', 'QueryData', sql('WAIT', 'SELECT 1'));
  const result = waiting.responses.WAIT;
  assert.equal(result.status, 503, result.error);
  assert.equal(result.errorSource, 'downstream');
  assert.match(result.error, /^\[capacity\] all 1 connections of this datasource's pool stayed busy/);
  assert.doesNotMatch(result.error, /\[network\]|server is up/);
  assert.equal((await busy).responses.BUSY.status, 200);
});

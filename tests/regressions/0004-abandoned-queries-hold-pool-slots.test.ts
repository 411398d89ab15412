/**
 * #9: a request Grafana cancelled while it waited for a pool connection still took one when it came free and ran
 * its SQL for nobody. Under load (Grafana cancels on timeouts) the pool filled with abandoned work and every later
 * request waited behind it. A cancelled request now leaves the queue at once and never runs.
 * Fixed in src/backend/db/session.ts (acquire).
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import pg from 'pg';

import { datasourceContext, dataQuery } from '../support/grafanaRequests';
import { launchPlugin, type PluginUnderTest } from '../support/pluginProcess';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

let db: TestDatabase;
let plugin: PluginUnderTest;

before(async () => {
  db = await createTestDatabase('reg0004');
  plugin = await launchPlugin();
});

after(async () => {
  plugin?.kill();
  await db?.drop();
});

it('never runs the SQL of a request cancelled while it waited for a connection', async () => {
  const pluginContext = datasourceContext({ url: db.url, jsonData: { maxOpenConns: 1, connectTimeoutMs: 20_000 } });
  const now = Date.now();
  const sql = (refId: string, rawSql: string) => ({
    pluginContext,
    queries: [dataQuery(refId, { queryType: 'sql', rawSql }, { from: now - 60_000, to: now })],
  });
  const busy = plugin.unary('data', 'QueryData', sql('BUSY', 'SELECT pg_sleep(1.5)'));
  await new Promise((resolve) => setTimeout(resolve, 300));
  // Grafana gives up on this one (deadline → cancel) while it waits for the only connection.
  await assert.rejects(
    plugin.unary('data', 'QueryData', sql('GONE', "SELECT pg_sleep(2), 'abandoned-0004'"), { deadlineMs: 300 }),
    /DEADLINE_EXCEEDED/
  );
  assert.equal((await busy).responses.BUSY.status, 200);

  // The connection is free at once for the next request, and the abandoned SQL never reached the server.
  const started = Date.now();
  const next = await plugin.unary('data', 'QueryData', sql('NEXT', 'SELECT 1 AS one'));
  assert.equal(next.responses.NEXT.status, 200, next.responses.NEXT.error);
  assert.ok(Date.now() - started < 1_500, `the next request waited ${Date.now() - started} ms`);
  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  try {
    const { rows } = await admin.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%abandoned-0004%' AND pid <> pg_backend_pid()`
    );
    assert.equal(rows[0].n, 0);
  } finally {
    await admin.end();
  }
});

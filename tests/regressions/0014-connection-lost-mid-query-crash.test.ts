/**
 * #9: pg-pool removes its error listener from a connection while a query holds it. When that connection died without
 * a message from the server — the backend process crashed or was killed (OOM killer), the network dropped — pg
 * emitted 'error' to nobody and the uncaught exception took the whole plugin down (exit 70), failing every other
 * query and stream with it. Now the query fails with a [network] error and the plugin carries on.
 * Fixed in src/backend/db/session.ts (an error listener for the time a connection is checked out). Runs on a cluster
 * of its own: a killed backend makes PostgreSQL restart every session of the server.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import pg from 'pg';

import { waitUntil } from '../hardening/support/observe';
import { datasourceContext, dataQuery } from '../support/grafanaRequests';
import { launchPlugin, type PluginUnderTest } from '../support/pluginProcess';
import { startCluster, type TestCluster } from '../support/postgres';

let cluster: TestCluster;
let plugin: PluginUnderTest;

before(async () => {
  cluster = await startCluster();
  plugin = await launchPlugin();
});

after(() => {
  plugin?.kill();
  cluster?.stop();
});

it('survives the backend of a running query being killed', async () => {
  const pluginContext = datasourceContext({ url: cluster.adminUrl, uid: 'reg0014' });
  const now = Date.now();
  const query = (rawSql: string) =>
    plugin.unary('data', 'QueryData', {
      pluginContext,
      queries: [dataQuery('A', { queryType: 'sql', rawSql }, { from: now - 60_000, to: now })],
    });
  const running = query('SELECT pg_sleep(5)');
  const admin = new pg.Client({ connectionString: cluster.adminUrl });
  admin.on('error', () => undefined); // the crash restart ends this session too
  await admin.connect();
  let pid = 0;
  await waitUntil(
    async () => {
      const { rows } = await admin.query(
        `SELECT pid FROM pg_stat_activity WHERE application_name = 'grafana-ledger-datasource' AND wait_event = 'PgSleep'`
      );
      pid = rows[0]?.pid ?? 0;
      return pid > 0;
    },
    10_000,
    'the query to run'
  );
  process.kill(pid, 'SIGKILL');

  const result = (await running).responses.A;
  assert.equal(result.status, 502, result.error);
  assert.match(result.error, /^\[network\] /);
  assert.equal(plugin.child.exitCode, null, plugin.stderr.slice(-2).join('\n'));
  assert.deepEqual(
    plugin.stderr.filter((line) => /uncaught/.test(line)),
    []
  );
  // Once PostgreSQL has recovered, the same datasource works again without restarting the plugin.
  await waitUntil(
    async () => (await query('SELECT 1')).responses.A.status === 200,
    30_000,
    'queries to succeed after the crash recovery'
  );
});

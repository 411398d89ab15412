/**
 * #14: a datasource instance lived until the process exited: a deleted or renamed datasource kept its pool (and its
 * database connections), stream hub and metric scans, and RSS only grew. Now an instance unused for the idle TTL
 * (LEDGER_INSTANCE_IDLE_TTL_MS, short here) is evicted. Through the built executable, as Grafana runs it: two
 * datasources on two databases; one keeps being queried while the other idles past the TTL. The idle one's
 * connections must leave pg_stat_activity and its series must leave CollectMetrics, while the busy one keeps its
 * connections and works; the idle one is rebuilt transparently by its next query.
 * Fixed in src/backend/plugin/instances.ts (with the in-flight and stream guards unit-tested in instances.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import pg from 'pg';

import { APPLICATION_NAME } from '../../src/backend/db/pool';
import { createLedgerTestDatabase, type LedgerTestDatabase } from '../../src/ledger/ledgerTestDatabase';
import { appendEvents } from '../../src/ledger/writer';
import { datasourceContext, dataQuery } from '../support/grafanaRequests';
import { launchPlugin, type PluginUnderTest } from '../support/pluginProcess';

const IDLE_TTL_MS = 1_500;

let idle: LedgerTestDatabase;
let busy: LedgerTestDatabase;
let admin: pg.Client;
let plugin: PluginUnderTest;

before(async () => {
  [idle, busy] = await Promise.all([
    createLedgerTestDatabase('reg0028_idle'),
    createLedgerTestDatabase('reg0028_busy'),
  ]);
  for (const ledger of [idle, busy]) {
    const client = await ledger.connect();
    await appendEvents(client, [{ kind: 'job.created', occurredAt: new Date(), jobId: 'j1', mode: 'genius' }]);
    await client.end();
  }
  admin = await idle.connect();
  plugin = await launchPlugin({ env: { LEDGER_INSTANCE_IDLE_TTL_MS: String(IDLE_TTL_MS) } });
});

after(async () => {
  plugin?.kill();
  await admin?.end();
  await Promise.all([idle?.drop(), busy?.drop()]);
});

const contextOf = (ledger: LedgerTestDatabase, uid: string) => datasourceContext({ url: ledger.url, uid });

async function query(ledger: LedgerTestDatabase, uid: string): Promise<number> {
  const now = Date.now();
  const response = await plugin.unary('data', 'QueryData', {
    pluginContext: contextOf(ledger, uid),
    queries: [
      dataQuery(
        'A',
        { queryType: 'metrics', metric: 'job.created', format: 'instant' },
        { from: now - 3_600_000, to: now }
      ),
    ],
  });
  const answer = response.responses.A;
  assert.equal(answer.error, '', `${uid}: ${answer.error}`);
  return answer.frames.length;
}

async function metricsText(): Promise<string> {
  const response = await plugin.unary('diagnostics', 'CollectMetrics', {
    pluginContext: { pluginId: 'aicodeteam-ledger-datasource' },
  });
  return Buffer.from(response.metrics.prometheus).toString();
}

async function connectionsTo(ledger: LedgerTestDatabase): Promise<number> {
  const { rows } = await admin.query<{ n: string }>(
    'SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1 AND datname = $2',
    [APPLICATION_NAME, ledger.name]
  );
  return Number(rows[0]!.n);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('evicts the idle datasource with its connections and metrics, keeps the busy one, and rebuilds on use', async () => {
  assert.ok((await query(idle, 'ds-idle')) > 0);
  assert.ok((await query(busy, 'ds-busy')) > 0);
  const both = await metricsText();
  assert.match(both, /^ledger_up\{datasource="ds-idle"\} 1$/m);
  assert.match(both, /^ledger_up\{datasource="ds-busy"\} 1$/m);
  assert.ok((await connectionsTo(idle)) > 0, 'the idle datasource had connections');

  // Keep one datasource busy, scraping metrics as Prometheus would, until the other's connections are gone.
  let idleConnections = await connectionsTo(idle);
  for (let waited = 0; idleConnections > 0 && waited < 20 * IDLE_TTL_MS; waited += 250) {
    await query(busy, 'ds-busy');
    await metricsText();
    await sleep(250);
    idleConnections = await connectionsTo(idle);
  }
  assert.equal(idleConnections, 0, 'the idle datasource closed its connections');
  assert.ok((await connectionsTo(busy)) > 0, 'the busy datasource keeps its pool');

  const afterEviction = await metricsText();
  assert.doesNotMatch(afterEviction, /datasource="ds-idle"/, 'no series of the evicted datasource');
  assert.match(afterEviction, /^ledger_up\{datasource="ds-busy"\} 1$/m);
  assert.match(afterEviction, /^ledger_plugin_datasource_instances 1$/m);

  assert.ok((await query(idle, 'ds-idle')) > 0, 'the evicted datasource answers its next query');
  assert.match(await metricsText(), /^ledger_up\{datasource="ds-idle"\} 1$/m);
});

/**
 * #12 (defect 4): the runbooks' write step run through the datasource got an unhelpful or wrong answer. As the
 * documented ledger_reader login, `SELECT requeue_stale_jobs('30 seconds')` was told to "grant the datasource's role
 * read access" — wrong advice for a statement that writes — and `SELECT requeueStaleJobs(30000)` (the monitoring
 * guide's JavaScript name) only that the function does not exist. Both must say that the datasource is read-only and
 * where the requeue is done instead: the runbooks' remediation command, as its writer role. Nothing is written.
 * Fixed in src/backend/query/sql/readOnlyChecks.ts (and the 42501/25006 advice in db/classifyPgError.ts).
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import pg from 'pg';

import { REQUEUE_STALE_JOBS } from '../../src/app/runbooks/runbookTypes';
import {
  createLedgerTestDatabase,
  createLoginRole,
  type LedgerTestDatabase,
} from '../../src/ledger/ledgerTestDatabase';
import { datasourceContext, dataQuery } from '../support/grafanaRequests';
import { launchPlugin, type PluginUnderTest } from '../support/pluginProcess';

let ledger: LedgerTestDatabase;
let admin: pg.Client;
let readerUrl: string;
let plugin: PluginUnderTest;
const reader = `reg0019_grafana_${process.pid}`;

before(async () => {
  ledger = await createLedgerTestDatabase('reg0019');
  admin = await ledger.connect();
  readerUrl = await createLoginRole(admin, ledger.url, reader, 'ledger_reader');
  // A running job whose worker went silent: exactly what requeue_stale_jobs would requeue if it ran.
  const old = new Date(Date.now() - 3_600_000);
  await admin.query(
    `INSERT INTO ledger_events (occurred_at, kind, job_id, worker_id, mode)
     VALUES ($1, 'job.created', 'job-stale', NULL, 'mechanic'), ($1, 'job.claimed', 'job-stale', 'worker-01', 'mechanic')`,
    [old]
  );
  plugin = await launchPlugin();
});

after(async () => {
  plugin?.kill();
  await admin?.query(`DROP OWNED BY ${reader}`).catch(() => undefined);
  await ledger?.drop();
  const postgres = new pg.Client({ connectionString: new URL('/postgres', ledger.url).toString() });
  await postgres.connect();
  await postgres.query(`DROP ROLE IF EXISTS ${reader}`);
  await postgres.end();
});

const ledgerState = async () =>
  (
    await admin.query<{ events: number; running: number }>(
      `SELECT (SELECT count(*)::int FROM ledger_events) AS events,
              (SELECT count(*)::int FROM jobs WHERE status = 'running') AS running`
    )
  ).rows[0];

it('says, as the ledger_reader login, that the requeue writes and where it is done instead', async () => {
  const before = await ledgerState();
  assert.deepEqual(before, { events: 2, running: 1 });
  const now = Date.now();
  const statements = { CAMEL: 'SELECT requeueStaleJobs(30000)', SNAKE: "SELECT requeue_stale_jobs('30 seconds')" };
  const response = await plugin.unary('data', 'QueryData', {
    pluginContext: datasourceContext({ url: readerUrl }),
    queries: Object.entries(statements).map(([refId, rawSql]) =>
      dataQuery(refId, { queryType: 'sql', rawSql, format: 'table' }, { from: now - 3_600_000, to: now })
    ),
  });
  const [functionName] = REQUEUE_STALE_JOBS!.sql.match(/requeue_stale_jobs/)!;
  for (const refId of Object.keys(statements)) {
    const answer = response.responses[refId];
    assert.equal(answer.status, 400, `${refId}: ${answer.error}`);
    assert.equal(answer.errorSource, 'downstream');
    assert.match(answer.error, /^\[read-only\] /, refId);
    assert.match(answer.error, /only reads the ledger/, refId);
    // where the requeue is done instead: the runbooks' command, as the role the runbook names
    assert.ok(answer.error.includes(`${functionName}(`), `${refId} names the function: ${answer.error}`);
    assert.ok(answer.error.includes(REQUEUE_STALE_JOBS!.runAs), `${refId} names the writer role: ${answer.error}`);
    assert.doesNotMatch(answer.error, /grant|does not exist/i, refId);
  }
  // the JavaScript call's milliseconds become the SQL function's interval
  assert.match(response.responses.CAMEL.error, /SELECT requeue_stale_jobs\('30 seconds'\);/);
  assert.deepEqual(await ledgerState(), before, 'nothing was written');
});

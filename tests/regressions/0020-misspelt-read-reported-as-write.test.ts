/**
 * #12 (defect 5): a misspelt read was reported as a write attempt — `SELEC count(*) FROM jobs` answered "[read-only]
 * SELEC statements cannot run here". It is a syntax error, and the answer must be PostgreSQL's own.
 * Fixed in src/backend/query/sql/readOnlyChecks.ts: a first word PostgreSQL does not know goes to its parser.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import pg from 'pg';

import { createLedgerTestDatabase, type LedgerTestDatabase } from '../../src/ledger/ledgerTestDatabase';
import { datasourceContext, dataQuery } from '../support/grafanaRequests';
import { launchPlugin, type PluginUnderTest } from '../support/pluginProcess';

let ledger: LedgerTestDatabase;
let admin: pg.Client;
let plugin: PluginUnderTest;

before(async () => {
  ledger = await createLedgerTestDatabase('reg0020');
  admin = await ledger.connect();
  plugin = await launchPlugin();
});

after(async () => {
  plugin?.kill();
  await ledger?.drop();
});

/** PostgreSQL's own answer to the text (a parse error: nothing runs). */
async function postgresError(sql: string): Promise<string> {
  const error = await admin.query(sql).then(
    () => undefined,
    (e: Error) => e
  );
  assert.ok(error, `PostgreSQL accepted ${sql}`);
  return error.message;
}

it("answers a misspelt keyword with PostgreSQL's syntax error, not as a write", async () => {
  const statements = {
    UPPER: 'SELEC count(*) FROM jobs',
    LOWER: 'selec count(*) from jobs',
    COMMENTED: '-- jobs per status\n/* typo */ SELCT status, count(*) FROM jobs GROUP BY status',
  };
  const now = Date.now();
  const response = await plugin.unary('data', 'QueryData', {
    pluginContext: datasourceContext({ url: ledger.url }),
    queries: Object.entries(statements).map(([refId, rawSql]) =>
      dataQuery(refId, { queryType: 'sql', rawSql, format: 'table' }, { from: now - 3_600_000, to: now })
    ),
  });
  for (const [refId, rawSql] of Object.entries(statements)) {
    const answer = response.responses[refId];
    assert.equal(answer.status, 400, `${refId}: ${answer.error}`);
    assert.equal(answer.error, `[query] ${await postgresError(rawSql)}`, refId);
    assert.doesNotMatch(answer.error, /read-only/);
  }
});

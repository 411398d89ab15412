/**
 * #9 (found by the fuzzer): a QueryData request with more than 10 queries — an ordinary dashboard — made Node print
 * "MaxListenersExceededWarning: Possible EventTarget memory leak detected. 11 abort listeners added to
 * [AbortSignal]" as a raw stderr line (Grafana logs it as unparsed text, and it cries leak where there is none: each
 * query's listeners are removed when it ends).
 * Fixed in src/backend/protocol/server.ts (cancellationOf).
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';

import { createLedgerTestDatabase, type LedgerTestDatabase } from '../../src/ledger/ledgerTestDatabase';
import { datasourceContext, dataQuery } from '../support/grafanaRequests';
import { launchPlugin, type PluginUnderTest } from '../support/pluginProcess';

let ledger: LedgerTestDatabase;
let plugin: PluginUnderTest;

before(async () => {
  ledger = await createLedgerTestDatabase('reg0015');
  plugin = await launchPlugin();
});

after(async () => {
  plugin?.kill();
  await ledger?.drop();
});

it('answers a request of 30 queries without a raw warning on stderr', async () => {
  const now = Date.now();
  const queries = Array.from({ length: 30 }, (_, i) =>
    dataQuery(`Q${i}`, { queryType: 'metrics', metric: 'job.completed' }, { from: now - 3_600_000, to: now })
  );
  const response = await plugin.unary('data', 'QueryData', {
    pluginContext: datasourceContext({ url: ledger.url }),
    queries,
  });
  assert.equal(Object.values<{ status: number }>(response.responses).filter((r) => r.status === 200).length, 30);
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.deepEqual(
    plugin.stderr.filter((line) => !line.startsWith('{')),
    [],
    'no raw stderr line'
  );
});

/**
 * The fresh-ledger suite (#12): a ledger bulk-loaded a moment ago — autovacuum off and no ANALYZE, the moment before
 * the bulk loader's own ANALYZE or after a user's own COPY — must serve every provisioned dashboard query and alert
 * rule through the built executable as it serves an analyzed one:
 * - each within QUERY_BUDGET_MS, enforced as the datasource's statement timeout (no timing assertion: a plan built
 *   on guessed row counts, like the old workers.alive nested loop of every bucket × every heartbeat, fails with a
 *   timeout error);
 * - with the same answers as after ANALYZE (queries that read the clock excepted).
 * The measured times are in docs/benchmarks.md (`npm run bench -- --only=fresh-ledger`).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';

import { tablesWithoutStatistics } from '../../src/ledger/ledgerTestDatabase';
import { analyzeLedger } from '../../src/ledger/writer';
import { datasourceContext } from '../support/grafanaRequests';
import { launchPlugin, type PluginUnderTest } from '../support/pluginProcess';
import { EXECUTABLE, queryExecutable } from './support/executableQueries';
import {
  createFreshLedger,
  failedJobId,
  QUERY_BUDGET_MS,
  runEveryQuery,
  type AnsweredQuery,
} from './support/freshLedger';
import { provisionedJsonData } from './support/provisioningFiles';
import type { ScenarioLedger } from './support/scenarioLedger';

/** Metrics whose answer depends on the wall clock or the server's timing, not only on the ledger. */
const READS_THE_CLOCK = new Set(['database.latency_ms', 'ledger.ingest_lag_s']);

/**
 * An answer as comparable data: frame and field names, labels, values (numbers to 12 significant digits). Frames are
 * compared as a set: the order of an instant query's series is not specified (one frame per series, each labelled).
 * So are the rows of raw SQL without ORDER BY (e.g. the durations a histogram panel buckets).
 */
function answerOf(answered: AnsweredQuery): string {
  const { response, model } = answered;
  if (response.error) {
    return `error: ${response.error.message}`;
  }
  const unordered = model.queryType === 'sql' && !/\border\s+by\b/i.test(String(model.rawSql));
  const frames = response.frames.map((frame) => {
    const columns = frame.fields.map((field) =>
      Array.from(field.values as ArrayLike<unknown>, (v) =>
        typeof v === 'number' && Number.isFinite(v) ? Number(v.toPrecision(12)) : v
      )
    );
    const rows = (columns[0] ?? []).map((_, row) => JSON.stringify(columns.map((column) => column[row])));
    return JSON.stringify({
      name: frame.name,
      fields: frame.fields.map((field) => ({ name: field.name, labels: field.labels })),
      rows: unordered ? rows.sort() : rows,
    });
  });
  return frames.sort().join('\n');
}

describe('a ledger bulk-loaded a moment ago, without statistics', () => {
  let plugin: PluginUnderTest | undefined;
  let ledger: ScenarioLedger;
  let jobId: string;
  let fresh: AnsweredQuery[] = [];

  before(async () => {
    if (!existsSync(EXECUTABLE)) {
      return;
    }
    ledger = await createFreshLedger('fresh');
    jobId = await failedJobId(ledger);
    // a generous handshake limit: the suite runs beside others on two cores
    plugin = await launchPlugin({ executable: EXECUTABLE, handshakeTimeoutMs: 60_000 });
  });

  after(async () => {
    plugin?.kill();
    await ledger?.close();
  });

  const runAll = () => {
    const context = datasourceContext({
      url: ledger.readerUrl.toString(),
      uid: 'ledger',
      jsonData: { ...provisionedJsonData(), statementTimeoutMs: QUERY_BUDGET_MS },
    });
    return runEveryQuery((query) => queryExecutable(plugin!, context, query), jobId);
  };

  test(`every dashboard query and alert rule answers within ${QUERY_BUDGET_MS} ms`, async (t) => {
    if (!plugin) {
      if (process.env.CI) {
        assert.fail(`${EXECUTABLE} is missing: npm test builds it before this suite`);
      }
      t.skip(`${EXECUTABLE} is missing: run npm run build`);
      return;
    }
    const owner = await ledger.ledger.connect();
    assert.ok(ledger.events > 400_000, `a ledger large enough for a bad plan to show (${ledger.events} events)`);
    assert.ok((await tablesWithoutStatistics(owner)).includes('ledger_events'), 'the ledger has not been analyzed');
    fresh = await runAll();
    assert.ok((await tablesWithoutStatistics(owner)).includes('ledger_events'), 'nothing analyzed it meanwhile');
    const failed = fresh.filter((a) => a.response.error).map((a) => `${a.key}: ${a.response.error!.message}`);
    assert.deepEqual(failed, [], 'queries that failed (a timeout is over the budget)');
    assert.ok(fresh.length > 250, `${fresh.length} queries`);
    const slowest = [...fresh].sort((a, b) => b.ms - a.ms).slice(0, 3);
    t.diagnostic(
      `${fresh.length} queries; slowest: ${slowest.map((a) => `${a.key} ${Math.round(a.ms)} ms`).join('; ')}`
    );
  });

  test('the same answers after ANALYZE', async (t) => {
    if (!plugin || fresh.length === 0) {
      t.skip('needs the previous test');
      return;
    }
    const owner = await ledger.ledger.connect();
    await analyzeLedger(owner);
    assert.deepEqual(await tablesWithoutStatistics(owner), []);
    const analyzed = new Map((await runAll()).map((a) => [a.key, a]));
    assert.equal(analyzed.size, fresh.length, 'the same queries (keys are unique)');
    let compared = 0;
    const different: string[] = [];
    for (const before of fresh) {
      const afterAnalyze = analyzed.get(before.key);
      assert.ok(afterAnalyze, before.key);
      if (READS_THE_CLOCK.has(before.model.metric as string)) {
        continue;
      }
      if (answerOf(afterAnalyze) !== answerOf(before)) {
        different.push(before.key);
      }
      compared++;
    }
    assert.deepEqual(different, [], 'queries whose answer changed with statistics');
    t.diagnostic(`${compared} answers compared`);
  });
});

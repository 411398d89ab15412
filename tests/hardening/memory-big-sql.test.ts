/**
 * #14: a big raw SQL answer (100,000 rows × 10 mixed columns, ~9 MB of Arrow) must not leave the plugin's memory
 * high: within a minute and a half of the answer (the pool lets its idle connections go after 60 s), the executable's
 * resident set, read from /proc/<pid>/status as an operator would, is back under 120 MB. Behaviour, not timing: the
 * only bound is how long we are willing to wait for the memory to come back.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, it } from 'node:test';

import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { datasourceContext, dataQuery } from '../support/grafanaRequests';
import { launchPlugin, type PluginUnderTest } from '../support/pluginProcess';

const ROWS = 100_000;
const RSS_LIMIT_MB = 120;
const WAIT_LIMIT_MS = 90_000;
const SQL = `SELECT g AS id, g::int4 AS n4, (g * 1.5)::float8 AS f8, g::numeric / 7 AS num,
  now() - g * interval '1 second' AS time, 'row ' || g AS label, (g % 3 = 0) AS flag,
  md5(g::text) AS hash, (g % 10)::int2 AS small, CASE WHEN g % 5 = 0 THEN NULL ELSE 'x' || (g % 17) END AS maybe
  FROM generate_series(1, ${ROWS}) AS g`;

let database: TestDatabase;
let plugin: PluginUnderTest;

before(async () => {
  database = await createTestDatabase('memory_big_sql');
  plugin = await launchPlugin();
});

after(async () => {
  plugin?.kill();
  await database?.drop();
});

function residentMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  assert.ok(match, 'VmRSS in /proc/<pid>/status');
  return Number(match[1]) / 1024;
}

it(`gives its memory back after a ${ROWS}-row SQL answer`, { timeout: WAIT_LIMIT_MS + 60_000 }, async () => {
  const pid = plugin.child.pid!;
  const now = Date.now();
  const response = await plugin.unary(
    'data',
    'QueryData',
    {
      pluginContext: datasourceContext({ url: database.url, uid: 'big-sql' }),
      queries: [dataQuery('A', { queryType: 'sql', rawSql: SQL, format: 'table' }, { from: now - 3_600_000, to: now })],
    },
    { deadlineMs: 120_000 }
  );
  const answer = response.responses.A;
  assert.equal(answer.error, '');
  const bytes = answer.frames.reduce((sum: number, frame: Buffer) => sum + frame.length, 0);
  assert.ok(bytes > ROWS * 50, `the answer holds every row (${bytes} bytes of Arrow)`);
  const peak = residentMb(pid);

  let resident = peak;
  for (let waited = 0; resident >= RSS_LIMIT_MB && waited < WAIT_LIMIT_MS; waited += 1_000) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    resident = residentMb(pid);
  }
  assert.ok(
    resident < RSS_LIMIT_MB,
    `RSS ${resident.toFixed(0)} MB ${WAIT_LIMIT_MS / 1000} s after the answer (${peak.toFixed(0)} MB right after it)`
  );
});

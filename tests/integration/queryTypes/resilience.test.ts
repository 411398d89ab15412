/**
 * Resilience of the logs, traces, sql, variables and annotations kinds: malformed JSON, hostile strings in every
 * string field, huge and empty ranges, a zero interval — each a clear per-query error or a correct result, never a
 * crash, and the other refIds of the same request unaffected.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { toArrowIpc } from '../../../src/backend/frames/arrowIpc';
import { FIXTURE_EVENTS, HOSTILE_JOB, T0 } from '../fixtures/queryTypesFixture';
import { createHarness, onlyFrame, tableChecksum, values, type Harness, type TestQuery } from './harness';

const HOSTILE_STRINGS = [
  `'; DROP TABLE ledger_events; --`,
  `" OR 1=1 --`,
  `$1`,
  `$$; DELETE FROM jobs; $$`,
  `\\'); SELECT pg_sleep(10); --`,
  `%_\\`,
  `\u0000`,
  `ünï 😀 \u202e`,
  `${'x'.repeat(999)}`,
  `$__timeFilter(x)`,
];

const KINDS = ['logs', 'traces', 'sql', 'variables', 'annotations'] as const;
const YEAR = 365 * 86_400_000;

describe('resilience of the query kinds', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness('resilience', FIXTURE_EVENTS);
  });
  after(() => h?.close());

  const good: TestQuery = {
    refId: 'GOOD',
    json: { queryType: 'logs', filters: [{ key: 'job', operator: '=', value: 'job-7' }] },
  };
  const assertGoodAnswered = (response: Map<string, { error?: unknown; frames: unknown[] }>) => {
    assert.equal(response.get('GOOD')?.error, undefined, 'the good query next to the bad ones still works');
    assert.equal(values(onlyFrame(response.get('GOOD') as never), 'id').length, 4);
  };

  it('answers malformed JSON and wrong shapes per query', async () => {
    const bad: TestQuery[] = [
      { refId: 'A', json: '{"queryType": "logs", "search": ' },
      { refId: 'B', json: '[1, 2]' },
      { refId: 'C', json: 'null' },
      { refId: 'D', json: { queryType: 'logs', limit: -5 } },
      { refId: 'E', json: { queryType: 'logs', limit: 'all' } },
      { refId: 'F', json: { queryType: 'traces' } },
      { refId: 'G', json: { queryType: 'sql', rawSql: '   ' } },
      { refId: 'H', json: { queryType: 'sql', sqlFormat: 'csv', rawSql: 'SELECT 1' } },
      { refId: 'I', json: { queryType: 'annotations', annotationSources: 'incident' } },
      { refId: 'J', json: { queryType: 'logs', filters: [{ key: 'payload', operator: '=', value: 'x' }] } },
      { refId: 'K', json: { queryType: 'logs', search: 'x'.repeat(1001) } },
      { refId: 'L', json: { queryType: 'sql', rawSql: 'x'.repeat(100_001) } },
    ];
    const response = await h.query([...bad, good]);
    for (const { refId } of bad) {
      const error = response.get(refId)?.error;
      assert.equal(error?.status, 400, `${refId}: ${error?.message}`);
      assert.match(error?.message ?? '', /^\[query\] /, refId);
    }
    assertGoodAnswered(response);
  });

  it('treats hostile strings in every string field as data', async () => {
    const before = await tableChecksum(h.admin, 'ledger_events');
    const queries: TestQuery[] = HOSTILE_STRINGS.flatMap((text, i) => [
      { refId: `search${i}`, json: { queryType: 'logs', search: text } },
      {
        refId: `filter${i}`,
        json: { queryType: 'logs', filters: [{ key: 'job', operator: 'in', value: [text, 'job-7'] }] },
      },
      { refId: `regex${i}`, json: { queryType: 'logs', filters: [{ key: 'worker', operator: '=~', value: text }] } },
      { refId: `trace${i}`, json: { queryType: 'traces', traceId: text.slice(0, 200) } },
      { refId: `sql${i}`, json: { queryType: 'sql', rawSql: `SELECT ${text}` } },
      {
        refId: `var${i}`,
        json: { queryType: 'variables', dimension: 'job', filters: [{ key: 'mode', operator: '!=', value: text }] },
      },
      {
        refId: `ann${i}`,
        json: { queryType: 'annotations', filters: [{ key: 'mode', operator: 'not in', value: [text] }] },
      },
      { refId: `dim${i}`, json: { queryType: 'variables', dimension: text } },
    ]);
    const response = await h.query([...queries, good]);
    for (const { refId } of queries) {
      const result = response.get(refId)!;
      if (result.error) {
        assert.ok([400, 404].includes(result.error.status), `${refId}: ${result.error.status} ${result.error.message}`);
        assert.equal(result.error.source, 'downstream', refId);
      } else {
        result.frames.forEach((frame) => toArrowIpc(frame));
      }
    }
    // Hostile text is matched literally: the SQL-looking search finds exactly the two events of the job named so.
    assert.deepEqual(
      values<Record<string, string>>(onlyFrame(response.get('search0')), 'labels').map((l) => l.job),
      [HOSTILE_JOB, HOSTILE_JOB]
    );
    assert.equal(values(onlyFrame(response.get('search1')), 'id').length, 0);
    assert.equal(values(onlyFrame(response.get('filter0')), 'id').length, 4);
    assert.equal(response.get('trace0')?.error?.status, 404);
    assert.equal(await tableChecksum(h.admin, 'ledger_events'), before);
    assertGoodAnswered(response);
  });

  it('answers a five-year range correctly, a longer or inverted one with 400', async () => {
    const wide = { from: T0 - 5 * YEAR, to: T0 + 999 };
    const response = await h.query([
      ...KINDS.map((kind) => ({
        refId: kind,
        range: wide,
        json: {
          queryType: kind,
          traceId: 'job-7',
          dimension: 'mode',
          rawSql: 'SELECT count(*) AS n FROM ledger_events WHERE $__timeFilter(occurred_at)',
        },
      })),
      { refId: 'TOO_LONG', range: { from: T0 - 6 * YEAR, to: T0 }, json: { queryType: 'logs' } },
      { refId: 'INVERTED', range: { from: T0, to: T0 - 1 }, json: { queryType: 'sql', rawSql: 'SELECT 1' } },
      good,
    ]);
    for (const kind of KINDS) {
      assert.equal(response.get(kind)?.error, undefined, `${kind}: ${response.get(kind)?.error?.message}`);
    }
    assert.deepEqual(values(onlyFrame(response.get('sql')), 'n'), [1n]);
    assert.deepEqual(values(onlyFrame(response.get('variables')), 'value'), ['genius']);
    assert.match(response.get('TOO_LONG')?.error?.message ?? '', /longer than 5 years/);
    assert.match(response.get('INVERTED')?.error?.message ?? '', /empty or inverted/);
    assertGoodAnswered(response);
  });

  it('uses the range over maxDataPoints when Grafana sends a zero interval', async () => {
    const range = { from: T0, to: T0 + 60 * 60_000 };
    const rawSql = `SELECT $__timeGroupAlias(occurred_at, $__interval, 0), count(*) AS n, $__interval_ms AS ms
                    FROM ledger_events WHERE $__timeFilter(occurred_at) GROUP BY 1 ORDER BY 1`;
    const response = await h.query([
      {
        refId: 'A',
        range,
        intervalMs: 0,
        maxDataPoints: 6,
        json: { queryType: 'sql', sqlFormat: 'timeseries', rawSql },
      },
      {
        refId: 'B',
        range,
        intervalMs: 0,
        maxDataPoints: 0,
        json: { queryType: 'sql', rawSql: 'SELECT $__interval_ms AS ms' },
      },
      { refId: 'C', range, intervalMs: -5, json: { queryType: 'logs', limit: 1 } },
    ]);
    const frames = response.get('A')!.frames;
    assert.equal(response.get('A')?.error, undefined);
    const n = frames.find((f) => f.fields[1]?.name === 'n')!;
    assert.deepEqual(
      Array.from(n.fields[0]!.values as number[]),
      [0, 1, 2, 3, 4, 5, 6].map((i) => T0 + i * 600_000)
    );
    assert.deepEqual(values(onlyFrame(response.get('B')), 'ms'), [3_600]);
    assert.equal(response.get('C')?.error, undefined);
  });

  it('keeps a failing database error to its own refId', async () => {
    const response = await h.query([
      { refId: 'A', json: { queryType: 'sql', rawSql: 'SELECT 1/0' } },
      { refId: 'B', json: { queryType: 'logs', filters: [{ key: 'worker', operator: '=~', value: '(' }] } },
      good,
    ]);
    assert.match(response.get('A')?.error?.message ?? '', /^\[query\] division by zero/);
    assert.match(response.get('B')?.error?.message ?? '', /^\[query\] invalid regular expression/);
    assertGoodAnswered(response);
  });
});

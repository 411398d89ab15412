/** Raw SQL queries against a real ledger: every macro evaluated by PostgreSQL, column types, both formats, fill. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { fromArrowIpc, toArrowIpc } from '../../../src/backend/frames/arrowIpc';
import type { CheckedFrame } from '../../../src/backend/frames/frame';
import { FIXTURE_EVENTS, T0 } from '../fixtures/queryTypesFixture';
import { createHarness, onlyFrame, values, type Harness } from './harness';

const MIN = 60_000;
const range = { from: T0 - 10 * MIN, to: T0 + 50 * MIN };

describe('raw SQL queries', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness('sql', FIXTURE_EVENTS);
  });
  after(() => h?.close());

  const table = async (rawSql: string, intervalMs = MIN): Promise<CheckedFrame> =>
    onlyFrame((await h.query([{ refId: 'A', json: { queryType: 'sql', rawSql }, range, intervalMs }])).get('A'));
  const row = async (rawSql: string, intervalMs = MIN) => {
    const frame = await table(rawSql, intervalMs);
    return Object.fromEntries(frame.fields.map((f) => [f.name, Array.from(f.values as ArrayLike<unknown>)[0]]));
  };

  it('expands every time macro to what PostgreSQL evaluates as the query range and interval', async () => {
    const r = await row(`SELECT $__timeFrom()::timestamptz AS from_ts, $__timeTo()::timestamptz AS to_ts,
      $__unixEpochFrom() AS from_s, $__unixEpochTo() AS to_s, $__unixEpochNanoFrom() AS from_ns,
      $__interval::interval = interval '1 minute' AS interval_ok, $__interval_ms AS interval_ms,
      '$__interval'::interval = interval '1 minute' AS quoted_ok, $__from AS from_ms, $__to AS to_ms`);
    assert.deepEqual(r, {
      from_ts: range.from,
      to_ts: range.to,
      from_s: range.from / 1000,
      to_s: range.to / 1000,
      from_ns: BigInt(range.from) * 1_000_000n,
      interval_ok: true,
      interval_ms: MIN,
      quoted_ok: true,
      from_ms: BigInt(range.from),
      to_ms: BigInt(range.to),
    });
  });

  it('filters with $__timeFilter, $__unixEpochFilter and $__unixEpochNanoFilter like an independent count', async () => {
    const { rows } = await h.admin.query(
      'SELECT count(*)::int AS n FROM ledger_events WHERE occurred_at BETWEEN $1 AND $2',
      [new Date(range.from), new Date(range.to)]
    );
    const r = await row(`SELECT
      (SELECT count(*) FROM ledger_events WHERE $__timeFilter(occurred_at))::int AS a,
      (SELECT count(*) FROM ledger_events WHERE $__unixEpochFilter(floor(extract(epoch FROM occurred_at))))::int AS b,
      (SELECT count(*) FROM ledger_events WHERE $__unixEpochNanoFilter((extract(epoch FROM occurred_at) * 1e9)::int8))::int AS c`);
    assert.equal(r.a, rows[0].n);
    assert.equal(r.b, rows[0].n);
    assert.equal(r.c, rows[0].n);
  });

  it('buckets with $__timeGroup / $__timeGroupAlias / $__unixEpochGroup and names the column with $__time', async () => {
    const frame =
      await table(`SELECT $__timeGroupAlias(occurred_at, '5m'), $__timeGroup(occurred_at, $__interval) AS minute,
        $__unixEpochGroup(extract(epoch FROM occurred_at), '1h') AS hour_s, $__time(occurred_at), $__timeEpoch(occurred_at)
      FROM ledger_events WHERE kind = 'tool.call' AND job_id = 'job-42' ORDER BY occurred_at`);
    assert.deepEqual(
      frame.fields.map((f) => `${f.name}:${f.type}`),
      ['time:time', 'minute:time', 'hour_s:number', 'time:time', 'time:number']
    );
    assert.deepEqual(values(frame, 'time'), [T0, T0]);
    assert.deepEqual(values(frame, 'minute'), [T0, T0]);
    assert.deepEqual(values(frame, 'hour_s'), [T0 / 1000, T0 / 1000]);
  });

  it('maps PostgreSQL types to field types through one registry, nulls to nullable fields', async () => {
    const frame =
      await table(`SELECT 1::int2 AS i2, 2::int4 AS i4, 9007199254740993::int8 AS i8, 1.5::float4 AS f4, 2.5::float8 AS f8,
      12345.678::numeric AS num, true AS b, 'x'::text AS t, 'y'::varchar AS v, 'z'::name AS n, 'c'::char(2) AS c,
      '2026-11-20T10:00:00.123456Z'::timestamptz AS tz, '2026-11-20 10:00:00'::timestamp AS ts, '2026-11-20'::date AS d,
      '{"a":[1,null]}'::jsonb AS jb, '{"b":2}'::json AS j, ARRAY[1,2] AS arr, '00000000-0000-0000-0000-000000000001'::uuid AS u,
      '10.0.0.1'::inet AS ip, '1 day 02:00'::interval AS iv, NULL::text AS nul, 'infinity'::timestamptz AS inf`);
    assert.deepEqual(
      frame.fields.map(
        (f) => `${f.name}:${f.type}${f.type === 'number' ? `/${f.storage}` : ''}${f.nullable ? '?' : ''}`
      ),
      [
        'i2:number/int16',
        'i4:number/int32',
        'i8:number/int64',
        'f4:number/float32',
        'f8:number/float64',
        'num:number/float64',
        'b:boolean',
        't:string',
        'v:string',
        'n:string',
        'c:string',
        'tz:time',
        'ts:time',
        'd:time',
        'jb:json',
        'j:json',
        'arr:json',
        'u:string',
        'ip:string',
        'iv:string',
        'nul:string?',
        'inf:time?',
      ]
    );
    const r = await row(
      "SELECT 9007199254740993::int8 AS i8, '2026-11-20 10:00:00'::timestamp AS ts, '{\"a\":[1,null]}'::jsonb AS jb, '1 day 02:00'::interval AS iv"
    );
    assert.deepEqual(r, { i8: 9007199254740993n, ts: T0, jb: { a: [1, null] }, iv: '1 day 02:00:00' });
    assert.equal(fromArrowIpc(toArrowIpc(frame)).fields.length, 22);
    assert.match(frame.meta?.executedQueryString ?? '', /^SELECT 1::int2/);
  });

  it('turns long time series into timeseries-multi frames with labels', async () => {
    const response = await h.query([
      {
        refId: 'A',
        json: {
          queryType: 'sql',
          sqlFormat: 'timeseries',
          rawSql: `SELECT $__timeGroupAlias(occurred_at, '5m'), kind, count(*) AS events
                   FROM ledger_events WHERE kind IN ('job.completed', 'job.failed') AND $__timeFilter(occurred_at)
                   GROUP BY 1, 2 ORDER BY 1`,
        },
        range: { from: T0 + 30 * MIN, to: T0 + 45 * MIN },
      },
    ]);
    const frames = response.get('A')!.frames;
    assert.equal(response.get('A')!.error, undefined);
    const series = frames.map((f) => [
      f.fields[1]!.labels?.kind,
      Array.from(f.fields[0]!.values as number[]),
      Array.from(f.fields[1]!.values as number[]),
    ]);
    assert.deepEqual(
      series.sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      [
        ['job.completed', [T0 + 30 * MIN, T0 + 35 * MIN, T0 + 40 * MIN], [2, 5, 5]],
        ['job.failed', [T0 + 30 * MIN, T0 + 35 * MIN, T0 + 40 * MIN], [4, 3, 1]],
      ]
    );
    assert.deepEqual(frames[0]!.meta?.type, 'timeseries-multi');
    assert.deepEqual(frames[0]!.meta?.typeVersion, [0, 1]);
  });

  it('fills the $__timeGroup buckets of the range with the fill mode', async () => {
    const sql = (fill: string) => `SELECT $__timeGroupAlias(occurred_at, '10m', ${fill}), count(*) AS failed
      FROM ledger_events WHERE kind = 'job.failed' AND $__timeFilter(occurred_at) GROUP BY 1 ORDER BY 1`;
    const fillRange = { from: T0, to: T0 + 60 * MIN };
    const response = await h.query(
      ['0', 'NULL', 'previous'].map((fill, i) => ({
        refId: String(i),
        json: { queryType: 'sql', sqlFormat: 'timeseries', rawSql: sql(fill) },
        range: fillRange,
      }))
    );
    const series = [...response.values()].map((r) =>
      Array.from(onlyFrame(r).fields[1]!.values as Array<number | null>)
    );
    // job-42 failed in [0, 10), the spike in [30, 40) (7) and [40, 50) (1).
    assert.deepEqual(series, [
      [1, 0, 0, 7, 1, 0, 0],
      [1, null, null, 7, 1, null, null],
      [1, 1, 1, 7, 1, 1, 1],
    ]);
    const table = onlyFrame(
      (await h.query([{ refId: 'T', json: { queryType: 'sql', rawSql: sql('0') }, range: fillRange }])).get('T')
    );
    assert.equal(values(table, 'failed').length, 3, 'table format is not filled');
    assert.match(table.meta?.notices?.[0]?.text ?? '', /applies to the Time series format only/);
  });

  it('leaves macros in comments and string literals alone, and reports unknown macros', async () => {
    const r = await row(`SELECT '$__nope()' AS s, $q$ $__timeFilter(x) $q$ AS d -- $__nope()
      /* $__timeFilter( */`);
    assert.deepEqual(r, { s: '$__nope()', d: ' $__timeFilter(x) ' });
    const response = await h.query([
      { refId: 'A', json: { queryType: 'sql', rawSql: 'SELECT $__nope(occurred_at) FROM ledger_events' } },
    ]);
    assert.equal(response.get('A')?.error?.status, 400);
    assert.match(response.get('A')?.error?.message ?? '', /^\[macro\] unknown macro \$__nope/);
  });

  it('runs EXPLAIN and SHOW directly', async () => {
    assert.match(String((await row('EXPLAIN SELECT * FROM jobs'))['QUERY PLAN']), /Scan/);
    assert.equal((await row('SHOW transaction_read_only')).transaction_read_only, 'on');
  });

  it('explains time series mistakes', async () => {
    const response = await h.query([
      { refId: 'A', json: { queryType: 'sql', sqlFormat: 'timeseries', rawSql: 'SELECT 1 AS v' } },
      {
        refId: 'B',
        json: {
          queryType: 'sql',
          sqlFormat: 'timeseries',
          rawSql:
            "SELECT occurred_at AS time, 1 AS v FROM ledger_events WHERE job_id = 'job-42' AND kind = 'worker.heartbeat' UNION ALL SELECT occurred_at, 2 FROM ledger_events WHERE job_id = 'job-42' AND kind = 'worker.heartbeat'",
        },
      },
      {
        refId: 'C',
        json: {
          queryType: 'sql',
          sqlFormat: 'timeseries',
          rawSql: 'SELECT now() AS time, payload FROM ledger_events LIMIT 1',
        },
      },
    ]);
    assert.match(response.get('A')?.error?.message ?? '', /needs a time column/);
    assert.match(response.get('B')?.error?.message ?? '', /have the same time/);
    assert.match(response.get('C')?.error?.message ?? '', /column "payload" is jsonb/);
  });

  it('reports PostgreSQL errors as query errors for that refId only', async () => {
    const response = await h.query([
      { refId: 'A', json: { queryType: 'sql', rawSql: 'SELECT no_such_column FROM ledger_events' } },
      { refId: 'B', json: { queryType: 'sql', rawSql: 'SELECT 1 AS ok' } },
    ]);
    assert.equal(response.get('A')?.error?.status, 400);
    assert.match(response.get('A')?.error?.message ?? '', /^\[query\] column "no_such_column" does not exist/);
    assert.deepEqual(values(onlyFrame(response.get('B')), 'ok'), [1]);
  });
});

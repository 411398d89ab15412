import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { QueryError } from '../../errors';
import { SQL_MACRO_DOCS } from '../../../contract/sqlMacros';
import { expandMacros } from './expandMacros';
import { MACROS, VARIABLES } from './macroCatalog';

const ctx = {
  fromMs: Date.UTC(2026, 10, 20, 9, 0, 0),
  toMs: Date.UTC(2026, 10, 20, 12, 0, 0, 500),
  intervalMs: 60_000,
};
const FROM = "'2026-11-20T09:00:00.000Z'";
const TO = "'2026-11-20T12:00:00.500Z'";

describe('expandMacros', () => {
  const cases: Array<{ name: string; sql: string; expected: string }> = [
    {
      name: '$__timeFilter',
      sql: 'SELECT 1 WHERE $__timeFilter(occurred_at)',
      expected: `SELECT 1 WHERE occurred_at BETWEEN ${FROM} AND ${TO}`,
    },
    {
      name: '$__timeFilter on an expression',
      sql: 'SELECT 1 WHERE $__timeFilter(a::timestamptz)',
      expected: `SELECT 1 WHERE (a::timestamptz) BETWEEN ${FROM} AND ${TO}`,
    },
    { name: '$__timeFrom / $__timeTo', sql: 'SELECT $__timeFrom(), $__timeTo()', expected: `SELECT ${FROM}, ${TO}` },
    {
      name: '$__time / $__timeEpoch',
      sql: 'SELECT $__time(t), $__timeEpoch(t)',
      expected: 'SELECT t AS "time", extract(epoch FROM t) AS "time"',
    },
    {
      name: '$__timeGroup',
      sql: "SELECT $__timeGroup(t, '5m')",
      expected: 'SELECT to_timestamp(floor(extract(epoch FROM t) / 300) * 300)',
    },
    {
      name: '$__timeGroup with $__interval',
      sql: 'SELECT $__timeGroup(t, $__interval)',
      expected: 'SELECT to_timestamp(floor(extract(epoch FROM t) / 60) * 60)',
    },
    {
      name: '$__timeGroupAlias with fill',
      sql: "SELECT $__timeGroupAlias(t, '100ms', 0)",
      expected: 'SELECT to_timestamp(floor(extract(epoch FROM t) / 0.1) * 0.1) AS "time"',
    },
    {
      name: '$__unixEpochFilter / From / To',
      sql: 'SELECT $__unixEpochFrom(), $__unixEpochTo() WHERE $__unixEpochFilter(s)',
      expected: 'SELECT 1795165200, 1795176000 WHERE s >= 1795165200 AND s <= 1795176000',
    },
    {
      name: '$__unixEpochNano*',
      sql: 'SELECT $__unixEpochNanoFrom() WHERE $__unixEpochNanoFilter(ns)',
      expected: 'SELECT 1795165200000000000 WHERE ns >= 1795165200000000000 AND ns <= 1795176000500000000',
    },
    {
      name: '$__unixEpochGroupAlias',
      sql: "SELECT $__unixEpochGroupAlias(s, '1h')",
      expected: 'SELECT floor(s / 3600) * 3600 AS "time"',
    },
    {
      name: '$__interval and $__interval_ms in code',
      sql: 'SELECT $__interval::interval, $__interval_ms',
      expected: "SELECT '1m'::interval, 60000",
    },
    {
      name: 'variables inside string literals',
      sql: "SELECT '$__interval'::interval, 'x $__interval_ms $__from $__to'",
      expected: "SELECT '1m'::interval, 'x 60000 1795165200000 1795176000500'",
    },
    { name: 'zero-argument macros without parentheses', sql: 'SELECT $__timeFrom', expected: `SELECT ${FROM}` },
    {
      name: 'not in comments',
      sql: 'SELECT 1 -- $__timeFilter(x) $__nope\n/* $__nope() */',
      expected: 'SELECT 1 -- $__timeFilter(x) $__nope\n/* $__nope() */',
    },
    {
      name: 'not in string literals or identifiers',
      sql: 'SELECT \'$__nope()\', "$__col", $q$ $__nope $q$',
      expected: 'SELECT \'$__nope()\', "$__col", $q$ $__nope $q$',
    },
    { name: 'a trailing semicolon is dropped', sql: 'SELECT 1; -- done', expected: 'SELECT 1 -- done' },
    {
      name: 'parentheses and commas inside arguments',
      sql: "SELECT $__timeGroup(coalesce(a, b), '1h')",
      expected: 'SELECT to_timestamp(floor(extract(epoch FROM coalesce(a, b)) / 3600) * 3600)',
    },
    {
      name: 'nested macro in an argument',
      sql: 'SELECT $__timeFilter(coalesce(t, $__timeFrom()))',
      expected: `SELECT (coalesce(t, ${FROM})) BETWEEN ${FROM} AND ${TO}`,
    },
    {
      name: 'semicolons inside literals and comments are not statements',
      sql: "SELECT ';' /* ; */ -- ;",
      expected: "SELECT ';' /* ; */ -- ;",
    },
    { name: 'WITH, VALUES, TABLE, EXPLAIN, SHOW and parentheses', sql: '(SELECT 1)', expected: '(SELECT 1)' },
  ];
  for (const { name, sql, expected } of cases) {
    it(name, () => assert.equal(expandMacros(sql, ctx).sql, expected));
  }

  it('collects $__timeGroup intervals and fills', () => {
    const { timeGroups } = expandMacros(
      "SELECT $__timeGroup(a, '5m', previous), $__timeGroup(b, '1h', NULL), $__timeGroup(c, '1m', -1.5), $__timeGroup(d, '1m')",
      ctx
    );
    assert.deepEqual(timeGroups, [
      { intervalMs: 300_000, fill: { mode: 'previous' } },
      { intervalMs: 3_600_000, fill: { mode: 'null' } },
      { intervalMs: 60_000, fill: { mode: 'value', value: -1.5 } },
      { intervalMs: 60_000 },
    ]);
  });

  it('runs reads through a cursor and EXPLAIN / SHOW directly', () => {
    assert.deepEqual(
      [
        'SELECT 1',
        'with x as (select 1) select * from x',
        'VALUES (1)',
        'TABLE jobs',
        '/* c */ (select 1)',
        'EXPLAIN SELECT 1',
        'show timezone',
      ].map((sql) => expandMacros(sql, ctx).mode),
      ['cursor', 'cursor', 'cursor', 'cursor', 'cursor', 'direct', 'direct']
    );
  });

  it('leaves a first word PostgreSQL does not know to its parser (a typo is not a write)', () => {
    assert.equal(expandMacros('SELEC count(*) FROM jobs', ctx).mode, 'cursor');
  });

  it('lets reads that only mention writes through', () => {
    const reads = [
      "SELECT 'requeue_stale_jobs(1)' AS s -- nextval(x)",
      'SELECT * FROM jobs FOR UPDATE', // PostgreSQL refuses it in the read-only transaction, with its reason
      'SELECT pg_advisory_lock(1)', // not a write; DISCARD ALL releases it afterwards
      'WITH x AS (SELECT 1) SELECT * FROM x',
    ];
    assert.deepEqual(
      reads.map((sql) => expandMacros(sql, ctx).mode),
      reads.map(() => 'cursor')
    );
  });

  const errors: Array<{ name: string; sql: string; message: RegExp }> = [
    {
      name: 'unknown macro',
      sql: 'SELECT $__nope(x)',
      message: /^\[macro\] unknown macro \$__nope — known macros: \$__time, /,
    },
    {
      name: 'wrong arity',
      sql: 'SELECT $__timeFilter()',
      message: /^\[macro\] \$__timeFilter takes 1 argument: \$__timeFilter\(column\)/,
    },
    { name: 'missing argument', sql: 'SELECT $__timeGroup(t)', message: /takes 2 arguments or 3 arguments/ },
    { name: 'empty argument', sql: "SELECT $__timeGroup(, '5m')", message: /an argument of \$__timeGroup is empty/ },
    { name: 'unclosed', sql: 'SELECT $__timeFilter(t', message: /never closed/ },
    { name: 'bad interval', sql: "SELECT $__timeGroup(t, 'soon')", message: /"soon" is not an interval/ },
    { name: 'zero interval', sql: "SELECT $__timeGroup(t, '0m')", message: /at least 1ms/ },
    {
      name: 'bad fill',
      sql: "SELECT $__timeGroup(t, '5m', sometimes)",
      message: /fill must be NULL, previous or a number/,
    },
    {
      name: 'two statements',
      sql: 'SELECT 1; DELETE FROM ledger_events',
      message: /^\[sql\] the query has more than one statement/,
    },
    {
      name: 'two statements behind a comment',
      sql: 'SELECT 1 /* ; */ ; -- x\n SELECT 2',
      message: /more than one statement/,
    },
    { name: 'positional parameter', sql: 'SELECT $1', message: /positional parameters such as \$1/ },
    { name: 'only comments', sql: '-- nothing\n/* here */', message: /has no statement/ },
    {
      name: 'INSERT',
      sql: "INSERT INTO ledger_events (kind) VALUES ('x')",
      message: /^\[read-only\] INSERT statements cannot run here/,
    },
    { name: 'DELETE', sql: 'delete from ledger_events', message: /^\[read-only\] DELETE statements/ },
    { name: 'SET ROLE', sql: 'SET ROLE postgres', message: /^\[read-only\] SET statements/ },
    { name: 'COPY', sql: "COPY ledger_events TO PROGRAM 'id'", message: /^\[read-only\] COPY statements/ },
    { name: 'DDL', sql: 'DROP TABLE ledger_events', message: /^\[read-only\] DROP statements/ },
    { name: 'DO block', sql: 'do $$ begin perform 1; end $$', message: /^\[read-only\] DO statements/ },
    { name: 'CALL', sql: '/* c */ CALL p()', message: /^\[read-only\] CALL statements/ },
    { name: 'BEGIN', sql: 'begin', message: /^\[read-only\] BEGIN statements .* the datasource opens and rolls back/ },
    {
      name: 'requeue_stale_jobs',
      sql: "SELECT public.requeue_stale_jobs('30 seconds')",
      message:
        /^\[read-only\] requeue_stale_jobs\(\) appends job\.requeued events, .* as a member of ledger_writer, SELECT requeue_stale_jobs\('30 seconds'\);/,
    },
    {
      name: 'requeueStaleJobs (the runbooks JS name), milliseconds',
      sql: '-- the guide\nSELECT "requeueStaleJobs"(30000)',
      message:
        /^\[read-only\] "requeueStaleJobs"\(\) is the runbooks' name .* SELECT requeue_stale_jobs\('30 seconds'\);/,
    },
    { name: 'nextval', sql: "select nextval('s')", message: /^\[read-only\] nextval\(\) changes a sequence/ },
    {
      name: 'data-modifying WITH',
      sql: 'WITH d AS MATERIALIZED (delete FROM jobs RETURNING 1) SELECT * FROM d',
      message: /^\[read-only\] DELETE inside WITH/,
    },
    {
      name: 'WITH … INSERT',
      sql: 'WITH x AS (SELECT 1) INSERT INTO jobs SELECT * FROM x',
      message: /^\[read-only\] INSERT statements/,
    },
    {
      name: 'SELECT INTO',
      sql: 'SELECT * INTO copy FROM jobs',
      message: /^\[read-only\] SELECT … INTO creates a table/,
    },
  ];
  for (const { name, sql, message } of errors) {
    it(`rejects: ${name}`, () => {
      assert.throws(
        () => expandMacros(sql, ctx),
        (error: unknown) => error instanceof QueryError && error.status === 400 && message.test(error.message)
      );
    });
  }
});

describe('the macro documentation the SQL editor shows', () => {
  it('names exactly the macros and variables the backend expands', () => {
    const expanded = [...MACROS, ...VARIABLES].map((entry) => `$${entry.name}`).sort();
    assert.deepEqual(SQL_MACRO_DOCS.map((doc) => doc.name).sort(), expanded);
  });
});

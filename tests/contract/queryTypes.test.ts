/**
 * Contract tests for the jobs, logs, traces, sql, variables and annotations query kinds and the resource routes: act as
 * Grafana towards the built executable (gRPC), decode every frame with apache-arrow the way Grafana's Go reader
 * would see it, and cancel a call to prove its SQL stops on the server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { tableFromIPC, type Table } from 'apache-arrow';

import { APPLICATION_NAME } from '../../src/backend/db/pool';
import { appendEvents } from '../../src/ledger/writer';
import { createLedgerTestDatabase, type LedgerTestDatabase } from '../../src/ledger/ledgerTestDatabase';
import { FIXTURE_EVENTS, FIXTURE_RANGE, T0 } from '../integration/fixtures/queryTypesFixture';
import { datasourceContext, dataQuery } from '../support/grafanaRequests';
import { launchPlugin, type PluginUnderTest } from '../support/pluginProcess';

const frameMeta = (table: Table) => JSON.parse(table.schema.metadata.get('meta') ?? '{}');
const fieldSummary = (table: Table) =>
  table.schema.fields.map((f) => `${f.name}:${f.type.toString()}${f.nullable ? '?' : ''}`);
const column = (table: Table, name: string) => [...(table.getChild(name)?.toArray() ?? [])];
const text = (bytes: Uint8Array | null) => (bytes === null ? null : Buffer.from(bytes).toString());

describe('query kinds and resources, through the built executable', () => {
  let ledger: LedgerTestDatabase;
  let plugin: PluginUnderTest;
  let context: ReturnType<typeof datasourceContext>;

  before(async () => {
    ledger = await createLedgerTestDatabase('contract_kinds');
    const client = await ledger.connect();
    await appendEvents(client, FIXTURE_EVENTS);
    plugin = await launchPlugin();
    context = datasourceContext({ url: ledger.url });
  });

  after(async () => {
    plugin?.kill();
    await ledger?.drop();
  });

  const query = (queries: unknown[]) => plugin.unary('data', 'QueryData', { pluginContext: context, queries });
  const q = (refId: string, json: Record<string, unknown>, range = FIXTURE_RANGE) =>
    dataQuery(refId, json, range, 60_000);

  it('answers each kind with frames Grafana decodes, and a bad query alone with its error', async () => {
    const response = await query([
      q('LOGS', { queryType: 'logs', limit: 5 }),
      q('TRACE', { queryType: 'traces', traceId: 'job-42' }),
      q('SQL', {
        queryType: 'sql',
        rawSql: "SELECT count(*) AS n FROM ledger_events WHERE $__timeFilter(occurred_at) AND kind = 'job.failed'",
      }),
      q('SERIES', {
        queryType: 'sql',
        sqlFormat: 'timeseries',
        rawSql:
          "SELECT $__timeGroupAlias(occurred_at, '10m', 0), count(*) AS failed FROM ledger_events WHERE kind = 'job.failed' AND $__timeFilter(occurred_at) GROUP BY 1 ORDER BY 1",
      }),
      q('VARS', { queryType: 'variables', dimension: 'mode' }),
      q('ANN', { queryType: 'annotations', annotationSources: ['incident'] }),
      q('BAD', { queryType: 'sql', rawSql: 'DELETE FROM ledger_events' }),
      q('MISSING', { queryType: 'traces', traceId: 'job-404' }),
    ]);
    for (const refId of ['LOGS', 'TRACE', 'SQL', 'SERIES', 'VARS', 'ANN']) {
      assert.equal(response.responses[refId].status, 200, `${refId}: ${response.responses[refId].error}`);
      for (const bytes of response.responses[refId].frames as Buffer[]) {
        assert.equal(bytes.subarray(0, 6).toString(), 'ARROW1');
        assert.equal(tableFromIPC(bytes).schema.metadata.get('refId'), refId);
      }
    }

    const logs = tableFromIPC(response.responses.LOGS.frames[0]);
    assert.deepEqual(fieldSummary(logs), [
      'timestamp:Timestamp<NANOSECOND>',
      'body:Utf8',
      'severity:Utf8',
      'id:Utf8',
      'labels:Binary',
      'trace:Utf8?',
    ]);
    assert.deepEqual(
      [frameMeta(logs).type, frameMeta(logs).typeVersion, frameMeta(logs).preferredVisualisationType],
      ['log-lines', [0, 0], 'logs']
    );
    assert.equal(column(logs, 'body').length, 5);
    assert.equal(frameMeta(logs).notices[0].severity, 'warning');
    const traceConfig = JSON.parse(logs.schema.fields[5]!.metadata.get('config') ?? '{}');
    assert.deepEqual(traceConfig.links[0].internal, {
      query: { refId: 'trace', queryType: 'traces', traceId: '${__value.raw}' },
      datasourceUid: 'ledger-test',
      datasourceName: 'Ledger',
    });
    assert.equal(typeof JSON.parse(text(column(logs, 'labels')[0] as Uint8Array)!).kind, 'string');

    const trace = tableFromIPC(response.responses.TRACE.frames[0]);
    assert.equal(frameMeta(trace).preferredVisualisationType, 'trace');
    assert.deepEqual(fieldSummary(trace).slice(0, 8), [
      'traceID:Utf8',
      'spanID:Utf8',
      'parentSpanID:Utf8',
      'operationName:Utf8',
      'serviceName:Utf8',
      'serviceTags:Binary',
      'startTime:Float64',
      'duration:Float64',
    ]);
    assert.deepEqual(column(trace, 'operationName'), [
      'process-job',
      'agent-loop',
      'llm-call',
      'tool-execution',
      'tool-execution',
      'process-job',
      'llm-call',
    ]);
    assert.equal(column(trace, 'startTime')[0], T0 + 5_000);

    const sql = tableFromIPC(response.responses.SQL.frames[0]);
    assert.deepEqual(fieldSummary(sql), ['n:Int64']);
    assert.deepEqual(column(sql, 'n'), [9n]);
    assert.match(
      frameMeta(sql).executedQueryString,
      /occurred_at BETWEEN '2026-11-20T09:00:00.000Z' AND '2026-11-20T12:00:00.000Z'/
    );

    const series = tableFromIPC(response.responses.SERIES.frames[0]);
    assert.deepEqual([frameMeta(series).type, frameMeta(series).typeVersion], ['timeseries-multi', [0, 1]]);
    assert.equal(column(series, 'failed').length, 19, 'every 10-minute bucket of the 3-hour range, filled with 0');

    const vars = tableFromIPC(response.responses.VARS.frames[0]);
    assert.deepEqual(
      [column(vars, 'text'), column(vars, 'value')],
      [
        ['genius', 'mechanic'],
        ['genius', 'mechanic'],
      ]
    );

    const ann = tableFromIPC(response.responses.ANN.frames[0]);
    assert.deepEqual(fieldSummary(ann), [
      'time:Timestamp<NANOSECOND>',
      'timeEnd:Timestamp<NANOSECOND>?',
      'title:Utf8',
      'text:Utf8',
      'tags:Binary',
    ]);
    assert.equal(column(ann, 'title').length, 3);

    assert.deepEqual([response.responses.BAD.status, response.responses.BAD.errorSource], [400, 'downstream']);
    assert.match(response.responses.BAD.error, /^\[read-only\] DELETE statements cannot run here/);
    assert.equal(response.responses.MISSING.status, 404);
  });

  it('answers a jobs listing as a typed table whose job cells link to the job page and its trace', async () => {
    // Oracle: each job's latest finish in the fixture (a completion wins a tie), plain TypeScript over the events.
    const latest = new Map<string, { at: number; durationMs: number; completed: boolean }>();
    for (const e of FIXTURE_EVENTS) {
      if ((e.kind === 'job.completed' || e.kind === 'job.failed') && e.jobId && typeof e.durationMs === 'number') {
        const at = new Date(e.occurredAt).getTime();
        const seen = latest.get(e.jobId);
        const completed = e.kind === 'job.completed';
        if (!seen || at > seen.at || (at === seen.at && completed && !seen.completed)) {
          latest.set(e.jobId, { at, durationMs: e.durationMs, completed });
        }
      }
    }
    const expected = [...latest]
      .filter(([, f]) => f.at >= FIXTURE_RANGE.from && f.at < FIXTURE_RANGE.to && f.durationMs > 10_000)
      .sort(([a, x], [b, y]) => y.durationMs - x.durationMs || (a < b ? 1 : -1));
    assert.ok(expected.length >= 2, 'the fixture has jobs over 10 s');

    const response = await query([
      q('JOBS', {
        queryType: 'jobs',
        jobConditions: [{ field: 'duration_ms', operator: '>', value: 10_000 }],
        sortBy: 'duration_ms',
      }),
      q('BAD', { queryType: 'jobs', limit: 5001 }),
    ]);
    assert.equal(response.responses.JOBS.status, 200, response.responses.JOBS.error);
    const jobs = tableFromIPC(response.responses.JOBS.frames[0]);
    assert.deepEqual(fieldSummary(jobs), [
      'job:Utf8',
      'status:Utf8',
      'mode:Utf8?',
      'agent:Utf8?',
      'worker:Utf8?',
      'error_type:Utf8?',
      'created:Timestamp<NANOSECOND>',
      'claimed:Timestamp<NANOSECOND>?',
      'finished:Timestamp<NANOSECOND>?',
      'duration_ms:Float64?',
      'queue_ms:Float64?',
      'tokens_used:Int64',
      'token_cap:Int64?',
      'token_cap_used:Float64?',
      'cost_usd:Float64',
      'attempts:Int32',
      'trace_id:Utf8?',
    ]);
    assert.equal(frameMeta(jobs).preferredVisualisationType, 'table');
    assert.deepEqual(
      column(jobs, 'job'),
      expected.map(([id]) => id)
    );
    assert.deepEqual(
      column(jobs, 'duration_ms'),
      expected.map(([, f]) => f.durationMs)
    );
    const config = (name: string) =>
      JSON.parse(jobs.schema.fields.find((f) => f.name === name)!.metadata.get('config') ?? '{}');
    assert.deepEqual(
      config('job').links.map((link: { url: string; internal?: unknown }) => link.internal ?? link.url),
      [
        '/a/aicodeteam-ledger-app/job/${__value.raw}',
        {
          query: { refId: 'trace', queryType: 'traces', traceId: '${__value.raw}' },
          datasourceUid: 'ledger-test',
          datasourceName: 'Ledger',
        },
      ]
    );
    assert.deepEqual(
      ['duration_ms', 'tokens_used', 'token_cap_used', 'cost_usd'].map((name) => config(name).unit),
      ['ms', 'suffix: tokens', 'percent', 'currencyUSD']
    );
    assert.deepEqual([response.responses.BAD.status, response.responses.BAD.errorSource], [400, 'downstream']);
    assert.match(response.responses.BAD.error, /^\[query\] limit: a jobs listing returns at most 5000 jobs/);
  });

  it('serves the resource routes over CallResource', async () => {
    // As Grafana maps an HTTP request: `path` without the query string, `url` with it.
    const call = async (url: string, method = 'GET') => {
      const path = url.split('?')[0];
      const [message] = await plugin.collect('resource', 'CallResource', {
        pluginContext: context,
        path,
        method,
        url,
        headers: {},
        body: Buffer.alloc(0),
      });
      return { code: message.code, body: JSON.parse(Buffer.from(message.body).toString()) };
    };
    const values = await call(`dimensions/worker/values?from=${FIXTURE_RANGE.from}&to=${FIXTURE_RANGE.to}&limit=2`);
    assert.deepEqual(values, { code: 200, body: { dimension: 'worker', values: ['w4', 'w5'] } });
    const schema = await call('sql/schema');
    assert.equal(schema.code, 200);
    assert.ok(schema.body.tables.some((t: { name: string }) => t.name === 'jobs'));
    const job = await call('jobs/job-7');
    assert.deepEqual([job.code, job.body.job.status, job.body.totals.llmCalls], [200, 'completed', 0]);
    assert.equal((await call('jobs/job-404')).code, 404);
    assert.equal((await call('dimensions/nope/values')).code, 400);
    assert.equal((await call('sql/schema', 'DELETE')).code, 405);
  });

  it('stops the SQL on the server when Grafana cancels the call', async () => {
    const admin = await ledger.connect();
    const sleeping = async () =>
      (
        await admin.query(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1 AND wait_event = 'PgSleep'",
          [APPLICATION_NAME]
        )
      ).rows[0].n as number;
    const call = (plugin.clients.data as any).QueryData(
      { pluginContext: context, queries: [q('SLOW', { queryType: 'sql', rawSql: 'SELECT pg_sleep(60)' })] },
      () => undefined
    );
    const deadline = Date.now() + 15_000;
    while ((await sleeping()) === 0) {
      assert.ok(Date.now() < deadline, 'the statement never started');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    call.cancel();
    const stopped = Date.now() + 5_000;
    while ((await sleeping()) > 0) {
      assert.ok(Date.now() < stopped, 'the statement kept running after the call was cancelled');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const after = await query([q('AFTER', { queryType: 'sql', rawSql: 'SELECT 1 AS one' })]);
    assert.equal(after.responses.AFTER.status, 200, 'the plugin keeps serving');
  });
});

/** Resource routes: metrics catalog, dimension values, SQL schema, job detail; validation and methods. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { JobDetailResponse, SqlSchemaResponse } from '../../../src/contract/resources';
import { FIXTURE_EVENTS, FIXTURE_RANGE, HOSTILE_JOB, T0 } from '../fixtures/queryTypesFixture';
import { createHarness, type Harness } from './harness';

const range = { from: String(FIXTURE_RANGE.from), to: String(FIXTURE_RANGE.to) };

describe('resource routes', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness('resources', FIXTURE_EVENTS);
  });
  after(() => h?.close());

  it('serves the metrics catalog', async () => {
    const { status, body, headers } = await h.resource('metrics');
    assert.equal(status, 200);
    assert.equal(headers['Content-Type'], 'application/json');
    assert.ok(Array.isArray(body.areas) && body.metrics.some((m: { id: string }) => m.id === 'job.completed'));
  });

  it('lists dimension values, most frequent first, searchable and bounded', async () => {
    assert.deepEqual((await h.resource('dimensions/mode/values', range)).body, {
      dimension: 'mode',
      values: ['genius', 'mechanic'],
    });
    assert.deepEqual((await h.resource('dimensions/tool/values', { ...range, search: 'READ' })).body.values, [
      'read_file',
      'read_file%',
    ]);
    assert.deepEqual((await h.resource('dimensions/tool/values', { ...range, search: '%' })).body.values, [
      'read_file%',
    ]);
    assert.deepEqual((await h.resource('dimensions/tool/values', { ...range, search: '_' })).body.values.sort(), [
      'apply_patch',
      'read_file',
      'read_file%',
    ]);
    assert.deepEqual((await h.resource('dimensions/mode/values', { ...range, limit: '1' })).body.values, ['genius']);
    assert.deepEqual(
      (await h.resource('dimensions/mode/values', { from: String(T0 - 10_000), to: String(T0 + 500) })).body.values,
      ['genius']
    );
    assert.deepEqual((await h.resource('dimensions/job/values/', { ...range, search: "'; DROP" })).body.values, [
      HOSTILE_JOB,
    ]);
  });

  it('rejects bad dimension-value requests with 400 and a JSON error', async () => {
    const bad: Array<[string, Record<string, string>, RegExp]> = [
      ['dimensions/name;DROP/values', range, /unknown dimension "name;DROP" — use one of: mode, agent/],
      ['dimensions/mode/values', { from: 'yesterday', to: range.to }, /from must be an integer/],
      ['dimensions/mode/values', { from: range.to, to: range.from }, /from must be before to/],
      ['dimensions/mode/values', { from: '0', to: String(T0) }, /longer than 5 years/],
      ['dimensions/mode/values', { ...range, limit: '0' }, /limit must be between 1 and 1000/],
      ['dimensions/mode/values', { ...range, limit: '5000' }, /limit must be between 1 and 1000/],
      ['dimensions/mode/values', { ...range, search: 'x'.repeat(201) }, /search is longer than 200/],
      ['dimensions/mode/values', { ...range, search: 'a\u0000b' }, /search contains control characters/],
      ['dimensions/mode/values', { ...range, to: '1e99' }, /to must be an integer/],
    ];
    for (const [path, query, message] of bad) {
      const { status, body } = await h.resource(path, query);
      assert.equal(status, 400, `${path} ${JSON.stringify(query)}`);
      assert.match(body.error, message);
    }
  });

  it('describes the readable ledger tables and the macros', async () => {
    const { status, body } = (await h.resource('sql/schema')) as { status: number; body: SqlSchemaResponse };
    assert.equal(status, 200);
    assert.deepEqual(
      body.tables.map((t) => t.name),
      ['ledger_events', 'jobs', 'workers', 'ledger_schema_migrations']
    );
    const events = body.tables[0]!;
    assert.match(events.description ?? '', /Append-only facts/);
    assert.deepEqual(
      events.columns.slice(0, 3).map((c) => [c.name, c.type]),
      [
        ['seq', 'bigint'],
        ['occurred_at', 'timestamp with time zone'],
        ['recorded_at', 'timestamp with time zone'],
      ]
    );
    assert.match(events.columns.find((c) => c.name === 'name')?.description ?? '', /Tool \(tool\.call\)/);
    assert.ok(body.macros.some((m) => m.name === '$__timeFilter' && m.signature === '$__timeFilter(column)'));
    assert.ok(body.macros.some((m) => m.name === '$__interval'));
  });

  it('details one job: state, totals, conversation and a time range', async () => {
    const { status, body } = (await h.resource('jobs/job-42')) as { status: number; body: JobDetailResponse };
    assert.equal(status, 200);
    assert.deepEqual(body.job, {
      id: 'job-42',
      status: 'completed',
      mode: 'genius',
      workerId: 'w2',
      agent: 'coder',
      traceId: 'tr-42b',
      createdAt: new Date(T0).toISOString(),
      claimedAt: new Date(T0 + 80_000).toISOString(),
      finishedAt: new Date(T0 + 100_000).toISOString(),
      lastHeartbeatAt: new Date(T0 + 80_000).toISOString(),
      attempts: 2,
      durationMs: 20_000,
      tokensUsed: 1550,
      tokenCap: 8000,
      costUsd: 0.060000000000000005,
      errorType: null,
    });
    assert.deepEqual(body.totals, {
      llmCalls: 2,
      toolCalls: 2,
      errors: 2,
      escalations: 1,
      tokensIn: 1300,
      tokensOut: 250,
    });
    assert.deepEqual(body.messages, [
      { at: new Date(T0 + 85_000).toISOString(), role: 'user', conversationId: 'c-42', text: 'please fix the tests' },
    ]);
    assert.deepEqual(body.range, { from: T0 - 60_000, to: T0 + 160_000 });
  });

  it('finds jobs whose ids need encoding, and answers 404 for unknown ones', async () => {
    const hostile = await h.resource(`jobs/${encodeURIComponent(HOSTILE_JOB)}`);
    assert.equal(hostile.status, 200);
    assert.equal(hostile.body.job.id, HOSTILE_JOB);
    const missing = await h.resource('jobs/job-404');
    assert.deepEqual(missing, {
      status: 404,
      body: { error: 'no job "job-404" in the ledger' },
      headers: { 'Content-Type': 'application/json' },
    });
    assert.equal((await h.resource(`jobs/${'x'.repeat(201)}`)).status, 400);
    assert.equal((await h.resource('jobs/%00')).status, 400);
  });

  it('answers 405 to other methods, 404 to unknown paths, 400 to bad settings', async () => {
    const post = await h.resource('metrics', {}, { method: 'POST' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.Allow, 'GET');
    assert.match(post.body.error, /resources are read-only/);
    assert.equal((await h.resource('nope')).status, 404);
    assert.equal((await h.resource('dimensions/mode')).status, 404);
    const settings = await h.resource('sql/schema', {}, { jsonData: { maxOpenConns: 'lots' } });
    assert.equal(settings.status, 400);
    assert.match(settings.body.error, /^\[config\] invalid datasource settings: maxOpenConns/);
  });
});

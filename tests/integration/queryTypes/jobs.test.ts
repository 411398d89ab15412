/**
 * Jobs listings against a real ledger, checked against an oracle over the facts the jobs were written from
 * (tests/integration/fixtures/jobsFixture.ts): time windows and their edges, every comparison operator, sorts both
 * ways with empty values last, dimension filters, limits, the frame's types, units and links, and validation.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { fromArrowIpc, toArrowIpc } from '../../../src/backend/frames/arrowIpc';
import {
  expectedJob,
  J0,
  JOB_SPECS,
  jobEvents,
  JOBS_RANGE,
  oracleJobIds,
  type ExpectedJob,
  type OracleListing,
} from '../fixtures/jobsFixture';
import { createHarness, field, onlyFrame, values, type Harness } from './harness';

const MIN = 60_000;

describe('jobs listings', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness('jobs', jobEvents(), JOBS_RANGE);
  });
  after(() => h?.close());

  const listing = async (json: Record<string, unknown>, range = JOBS_RANGE) =>
    onlyFrame((await h.query([{ refId: 'A', json: { queryType: 'jobs', ...json }, range }])).get('A'));
  const errorOf = async (json: Record<string, unknown>) =>
    (await h.query([{ refId: 'A', json: { queryType: 'jobs', ...json } }])).get('A')?.error;

  /** Sends the same listing to the backend and the oracle and compares the job ids in order. */
  async function agrees(query: Record<string, unknown>, oracle: OracleListing, range = JOBS_RANGE): Promise<string[]> {
    const frame = await listing(query, range);
    const want = oracleJobIds({ ...oracle, range });
    assert.deepEqual(values<string>(frame, 'job'), want, JSON.stringify(query));
    return want;
  }

  it('answers a typed table frame with units and links that survives Arrow encoding', async () => {
    const frame = await listing({ jobWindow: 'created', limit: 1000 });
    assert.deepEqual(
      frame.fields.map((f) => [f.name, f.type, f.type === 'number' ? (f.storage ?? 'float64') : '', f.config?.unit]),
      [
        ['job', 'string', '', undefined],
        ['status', 'string', '', undefined],
        ['mode', 'string', '', undefined],
        ['agent', 'string', '', undefined],
        ['worker', 'string', '', undefined],
        ['error_type', 'string', '', undefined],
        ['created', 'time', '', undefined],
        ['claimed', 'time', '', undefined],
        ['finished', 'time', '', undefined],
        ['duration_ms', 'number', 'float64', 'ms'],
        ['queue_ms', 'number', 'float64', 'ms'],
        ['tokens_used', 'number', 'int64', 'suffix: tokens'],
        ['token_cap', 'number', 'int64', 'suffix: tokens'],
        ['token_cap_used', 'number', 'float64', 'percent'],
        ['cost_usd', 'number', 'float64', 'currencyUSD'],
        ['attempts', 'number', 'int32', undefined],
        ['trace_id', 'string', '', undefined],
      ]
    );
    assert.equal(frame.meta?.preferredVisualisationType, 'table');
    assert.match(frame.meta?.executedQueryString ?? '', /FROM jobs j/);
    assert.deepEqual(
      field(frame, 'job').config?.links?.map((link) => [link.title, link.url, link.internal?.query]),
      [
        ['Open job ${__value.raw}', '/a/aicodeteam-ledger-app/job/${__value.raw}', undefined],
        ['Open trace', '', { refId: 'trace', queryType: 'traces', traceId: '${__value.raw}' }],
      ]
    );
    assert.equal(fromArrowIpc(toArrowIpc(frame)).fields.length, 17);
  });

  it('holds every job value the facts imply, empty where the job has none', async () => {
    const frame = await listing({ jobWindow: 'active', limit: 1000 });
    const names = frame.fields.map((f) => f.name).filter((n) => n !== 'trace_id') as Array<keyof ExpectedJob>;
    const rows = values<string>(frame, 'job').map((_, i) =>
      Object.fromEntries(names.map((name) => [name, values(frame, name)[i]]))
    );
    const byId = new Map(JOB_SPECS.map((spec) => [spec.id, expectedJob(spec)]));
    assert.ok(rows.length > 30);
    for (const row of rows) {
      assert.deepEqual(row, byId.get(row.job as string), `row of ${row.job}`);
    }
    const requeued = rows.find((r) => r.job === 'job-edge-requeued');
    assert.deepEqual([requeued?.status, requeued?.attempts, requeued?.error_type], ['running', 2, 'TimeoutError']);
    assert.ok(rows.some((r) => r.duration_ms === null && r.queue_ms === null && r.token_cap === null));
  });

  it('selects jobs by finish, creation or activity, with half-open edges', async () => {
    const finished = await agrees({}, {});
    assert.ok(finished.includes('job-edge-finish-at-from'), 'a finish exactly at "from" is inside');
    assert.ok(!finished.includes('job-edge-finish-at-to'), 'a finish exactly at "to" is outside');
    const created = await agrees({ jobWindow: 'created' }, { jobWindow: 'created' });
    assert.ok(created.includes('job-edge-created-at-from') && !created.includes('job-edge-created-at-to'));
    const active = await agrees({ jobWindow: 'active' }, { jobWindow: 'active' });
    assert.ok(active.includes('job-edge-requeued'), 'a requeued job runs again although it finished once');
    assert.ok(!active.includes('job-edge-old-over-cap') && !active.includes('job-edge-created-at-to'));
    await agrees({ jobWindow: 'active' }, { jobWindow: 'active' }, { from: J0 + 30 * MIN, to: J0 + 31 * MIN });
  });

  it('applies each comparison operator to each kind of numeric field', async () => {
    const cases: Array<[string, '>' | '>=' | '<' | '<=' | '=', number]> = [
      ['duration_ms', '>', 60_000],
      ['duration_ms', '<=', 60_000],
      ['queue_ms', '>=', 60_000],
      ['queue_ms', '<', 30_000],
      ['tokens_used', '=', 0],
      ['token_cap', '>', 4000],
      ['token_cap_used', '>', 100],
      ['cost_usd', '>=', 0.03],
      ['attempts', '=', 2],
    ];
    for (const [name, operator, value] of cases) {
      const condition = { field: name as keyof ExpectedJob, operator, value };
      const ids = await agrees(
        { jobWindow: 'active', jobConditions: [{ field: name, operator, value }], limit: 1000 },
        { jobWindow: 'active', conditions: [condition], limit: 1000 }
      );
      assert.ok(
        ids.length > 0,
        `${name} ${operator} ${value} matches some jobs (a case that matches none proves little)`
      );
    }
    // an exact equality on a float: one job's duration
    const one = expectedJob(JOB_SPECS[25]!);
    assert.deepEqual(
      await agrees(
        { jobWindow: 'active', jobConditions: [{ field: 'duration_ms', operator: '=', value: one.duration_ms }] },
        { jobWindow: 'active', conditions: [{ field: 'duration_ms', operator: '=', value: one.duration_ms! }] }
      ),
      [one.job]
    );
    // conditions combine with AND
    await agrees(
      {
        jobConditions: [
          { field: 'duration_ms', operator: '>', value: 30_000 },
          { field: 'tokens_used', operator: '>', value: 0 },
        ],
      },
      {
        conditions: [
          { field: 'duration_ms', operator: '>', value: 30_000 },
          { field: 'tokens_used', operator: '>', value: 0 },
        ],
      }
    );
  });

  it('sorts by every field both ways, empty values last, ties by job id', async () => {
    for (const sortBy of [
      'duration_ms',
      'queue_ms',
      'token_cap',
      'token_cap_used',
      'attempts',
      'created',
      'finished',
    ]) {
      for (const sortDesc of [true, false]) {
        const ids = await agrees(
          { jobWindow: 'active', sortBy, sortDesc, limit: 1000 },
          { jobWindow: 'active', sortBy: sortBy as keyof ExpectedJob, sortDesc, limit: 1000 }
        );
        const lastValue = expectedJob(JOB_SPECS.find((s) => s.id === ids[ids.length - 1])!)[
          sortBy as keyof ExpectedJob
        ];
        if (sortBy !== 'created' && sortBy !== 'attempts') {
          assert.equal(lastValue, null, `${sortBy} ${sortDesc ? 'desc' : 'asc'}: empty values come last`);
        }
      }
    }
  });

  it('filters by dimensions with the metrics operators', async () => {
    await agrees(
      { jobWindow: 'active', filters: [{ key: 'mode', operator: 'in', value: ['genius', 'reviewer'] }] },
      { jobWindow: 'active', where: (j) => j.mode === 'genius' || j.mode === 'reviewer' }
    );
    await agrees(
      { jobWindow: 'active', filters: [{ key: 'worker', operator: '!=', value: 'w1' }] },
      { jobWindow: 'active', where: (j) => j.worker !== 'w1' }
    );
    await agrees(
      { filters: [{ key: 'error_type', operator: '=~', value: '^Time' }] },
      { where: (j) => j.error_type?.startsWith('Time') ?? false }
    );
    await agrees(
      { jobWindow: 'created', filters: [{ key: 'agent', operator: 'not in', value: ['codex'] }] },
      { jobWindow: 'created', where: (j) => j.agent !== 'codex' }
    );
    await agrees(
      { jobWindow: 'active', filters: [{ key: 'status', operator: '=', value: 'queued' }] },
      { jobWindow: 'active', where: (j) => j.status === 'queued' }
    );
  });

  it('cuts at the limit and says so, and lists 100 jobs by default', async () => {
    const frame = await listing({ jobWindow: 'active', limit: 3 });
    assert.deepEqual(values(frame, 'job'), oracleJobIds({ jobWindow: 'active', limit: 3 }));
    assert.equal(frame.meta?.notices?.[0]?.severity, 'warning');
    assert.match(frame.meta?.notices?.[0]?.text ?? '', /first 3 jobs; more match/);
    const all = oracleJobIds({ jobWindow: 'active', limit: 1000 });
    const exact = await listing({ jobWindow: 'active', limit: all.length });
    assert.equal(exact.meta?.notices, undefined, 'no notice when nothing was cut');
    assert.equal(values(await listing({ jobWindow: 'active' }), 'job').length, Math.min(all.length, 100));
  });

  it('answers the three everyday questions, one builder query each', async () => {
    // jobs over 60 s, slowest first
    await agrees(
      { jobConditions: [{ field: 'duration_ms', operator: '>', value: 60_000 }], sortBy: 'duration_ms' },
      { conditions: [{ field: 'duration_ms', operator: '>', value: 60_000 }], sortBy: 'duration_ms' }
    );
    // jobs over their token cap (any job active in the range)
    const over = await agrees(
      { jobWindow: 'active', jobConditions: [{ field: 'token_cap_used', operator: '>', value: 100 }] },
      { jobWindow: 'active', conditions: [{ field: 'token_cap_used', operator: '>', value: 100 }] }
    );
    assert.ok(over.every((id) => expectedJob(JOB_SPECS.find((s) => s.id === id)!).tokens_used > 0));
    // the failed jobs of the last hour
    const lastHour = { from: JOBS_RANGE.to - 60 * MIN, to: JOBS_RANGE.to };
    const failed = await agrees(
      { filters: [{ key: 'status', operator: '=', value: 'failed' }] },
      { where: (j) => j.status === 'failed' },
      lastHour
    );
    assert.ok(failed.length > 0);
  });

  it('rejects bad listings with a message naming the field', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ limit: 5001 }, /^\[query\] limit: a jobs listing returns at most 5000 jobs/],
      [
        { filters: [{ key: 'tool', operator: '=', value: 'x' }] },
        /^\[query\] filters\.0\.key: jobs cannot be filtered by "tool"/,
      ],
      [{ jobConditions: [{ field: 'duration_ms', operator: '!=', value: 1 }] }, /jobConditions\.0\.operator/],
      [{ jobConditions: [{ field: 'duration_ms', operator: '>', value: '60s' }] }, /jobConditions\.0\.value/],
      [{ jobConditions: [{ field: 'seq', operator: '>', value: 1 }] }, /jobConditions\.0\.field/],
      [{ sortBy: 'id; DROP TABLE jobs' }, /sortBy/],
      [{ jobWindow: 'yesterday' }, /jobWindow/],
    ];
    for (const [json, message] of cases) {
      const error = await errorOf(json);
      assert.equal(error?.status, 400, JSON.stringify(json));
      assert.match(error?.message ?? '', message);
    }
  });
});

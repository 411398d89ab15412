import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';
import type { LedgerEvent } from './ledgerEvent';
import { createLedgerTestDatabase, type LedgerTestDatabase } from './ledgerTestDatabase';
import { appendEvents, copyEvents } from './writer';

let db: LedgerTestDatabase;
let client: pg.Client;
before(async () => {
  db = await createLedgerTestDatabase('jobstate');
  client = await db.connect();
});
after(() => db.drop());

const T0 = Date.UTC(2026, 10, 29, 10, 0, 0);
const t = (seconds: number) => new Date(T0 + seconds * 1000);

/** The facts of one job that fails once, is requeued, and completes on a second worker; `x` keeps runs apart. */
function retriedJob(x: string): LedgerEvent[] {
  const job = { jobId: `job-r${x}`, mode: 'genius', agent: 'coder' };
  return [
    { kind: 'job.created', occurredAt: t(0), ...job, payload: { token_cap: 8000, priority: 1 } },
    { kind: 'job.claimed', occurredAt: t(5), ...job, workerId: `w1${x}`, traceId: `tr1${x}`, spanId: 'p1' },
    { kind: 'worker.heartbeat', occurredAt: t(10), jobId: job.jobId, workerId: `w1${x}` },
    { kind: 'agent.loop', occurredAt: t(11), jobId: job.jobId, traceId: `tr1${x}`, spanId: 'l1', parentSpanId: 'p1' },
    { kind: 'llm.call', occurredAt: t(12), ...job, name: 'model-a', tokensIn: 1000, tokensOut: 200, costUsd: 0.5 },
    { kind: 'job.failed', occurredAt: t(20), ...job, workerId: `w1${x}`, name: 'ToolError', durationMs: 15000 },
    { kind: 'worker.heartbeat', occurredAt: t(21), workerId: `w1${x}` }, // idle
    { kind: 'job.requeued', occurredAt: t(30), ...job, name: 'retry' },
    { kind: 'job.claimed', occurredAt: t(40), ...job, workerId: `w2${x}`, traceId: `tr2${x}`, spanId: 'p2' },
    { kind: 'worker.heartbeat', occurredAt: t(50), jobId: job.jobId, workerId: `w2${x}` },
    { kind: 'llm.call', occurredAt: t(55), ...job, name: 'model-b', tokensIn: 300, tokensOut: 0, costUsd: 0.25 },
    { kind: 'tool.call', occurredAt: t(56), jobId: job.jobId, name: 'apply_patch', durationMs: 40, status: 'ok' },
    { kind: 'job.completed', occurredAt: t(60), ...job, workerId: `w2${x}`, durationMs: 20000, tokensIn: 300 },
  ];
}

/** A job still running on a third worker, whose heartbeat arrives in the same run. */
function runningJob(x: string): LedgerEvent[] {
  return [
    { kind: 'job.created', occurredAt: t(1), jobId: `job-q${x}`, mode: 'mechanic' },
    { kind: 'job.claimed', occurredAt: t(2), jobId: `job-q${x}`, workerId: `w3${x}`, mode: 'mechanic' },
    { kind: 'worker.heartbeat', occurredAt: t(70), jobId: `job-q${x}`, workerId: `w3${x}` },
    { kind: 'budget.exceeded', occurredAt: t(71), jobId: `job-q${x}`, value: 9000, payload: { token_cap: 100 } },
  ];
}

const JOB_COLUMNS = `status, status_changed_at, mode, worker_id, agent, created_at, claimed_at, finished_at,
  last_heartbeat_at, attempts, tokens_used, token_cap, cost_usd, duration_ms, error_type, trace_id`;

/** jobs and workers rows of one run, with the run suffix removed so runs compare equal. */
async function stateOf(x: string): Promise<unknown> {
  const strip = (value: unknown) => (typeof value === 'string' ? value.replaceAll(x, '') : value);
  const clean = (rows: Array<Record<string, unknown>>) =>
    rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, strip(v)])));
  const jobs = await client.query(`SELECT id, ${JOB_COLUMNS} FROM jobs WHERE id LIKE '%' || $1 ORDER BY id`, [x]);
  const workers = await client.query(
    `SELECT worker_id, first_seen_at, last_seen_at, last_heartbeat_at, current_job_id, current_job_since, jobs_processed
     FROM workers WHERE worker_id LIKE '%' || $1 ORDER BY worker_id`,
    [x]
  );
  return { jobs: clean(jobs.rows), workers: clean(workers.rows) };
}

async function job(id: string): Promise<Record<string, unknown>> {
  const { rows } = await client.query(`SELECT ${JOB_COLUMNS}, updated_seq FROM jobs WHERE id = $1`, [id]);
  assert.ok(rows[0], `job ${id} exists`);
  return rows[0];
}

/** mulberry32: a tiny seeded PRNG, so shuffles are the same on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

describe('jobs and workers state', () => {
  it('follows a retried job through failure, requeue and completion', async () => {
    for (const event of retriedJob('-seq')) {
      await appendEvents(client, [event]); // one statement per event, in order
    }
    assert.deepEqual(await stateOf('-seq'), {
      jobs: [
        {
          id: 'job-r',
          status: 'completed',
          status_changed_at: t(60),
          mode: 'genius',
          worker_id: 'w2',
          agent: 'coder',
          created_at: t(0),
          claimed_at: t(40),
          finished_at: t(60),
          last_heartbeat_at: t(50),
          attempts: 2,
          tokens_used: '1500', // bigint arrives as text
          token_cap: '8000',
          cost_usd: 0.75,
          duration_ms: 20000,
          error_type: null,
          trace_id: 'tr2',
        },
      ],
      workers: [
        {
          worker_id: 'w1',
          first_seen_at: t(5),
          last_seen_at: t(21),
          last_heartbeat_at: t(21),
          current_job_id: null,
          current_job_since: t(21),
          jobs_processed: 1,
        },
        {
          worker_id: 'w2',
          first_seen_at: t(40),
          last_seen_at: t(60),
          last_heartbeat_at: t(50),
          current_job_id: null,
          current_job_since: t(60),
          jobs_processed: 1,
        },
      ],
    });
  });

  it('reaches the same state whatever the arrival order and batching', async () => {
    const events = (x: string) => [...retriedJob(x), ...runningJob(x)];
    await appendEvents(client, events('-one')); // everything in one statement
    const expected = await stateOf('-one');
    assert.deepEqual(
      Object.values(expected as Record<string, unknown[]>).map((rows) => rows.length),
      [2, 3],
      'two jobs, three workers'
    );
    for (const event of events('-rev').reverse()) {
      await appendEvents(client, [event]); // newest first, one by one
    }
    assert.deepEqual(await stateOf('-rev'), expected, 'reverse order');
    await copyEvents(client, events('-copy').reverse());
    assert.deepEqual(await stateOf('-copy'), expected, 'one reversed COPY');
    const random = prng(42);
    for (let run = 0; run < 6; run++) {
      const x = `-shuffle${run}`;
      const shuffled = events(x)
        .map((event) => ({ event, key: random() }))
        .sort((a, b) => a.key - b.key)
        .map(({ event }) => event);
      while (shuffled.length > 0) {
        await appendEvents(client, shuffled.splice(0, 1 + Math.floor(random() * 5)));
      }
      assert.deepEqual(await stateOf(x), expected, `shuffle ${run}`);
    }
    const running = (expected as { jobs: Array<Record<string, unknown>> }).jobs.find((j) => j.id === 'job-q');
    assert.equal(running?.status, 'running');
    assert.equal(running?.token_cap, '100', 'a budget.exceeded cap fills in when job.created had none');
  });

  it('treats a heartbeat before the claim as a running job, then applies the claim', async () => {
    await appendEvents(client, [{ kind: 'worker.heartbeat', occurredAt: t(10), jobId: 'job-hb', workerId: 'w-hb' }]);
    assert.deepEqual(
      { status: (await job('job-hb')).status, at: (await job('job-hb')).status_changed_at },
      { status: 'running', at: null }
    );
    await appendEvents(client, [{ kind: 'job.claimed', occurredAt: t(5), jobId: 'job-hb', workerId: 'w-hb' }]);
    const row = await job('job-hb');
    assert.deepEqual(
      [row.status, row.status_changed_at, row.claimed_at, row.last_heartbeat_at, row.attempts],
      ['running', t(5), t(5), t(10), 1]
    );
  });

  it('keeps a completion that arrives before its claim', async () => {
    await appendEvents(client, [{ kind: 'job.completed', occurredAt: t(30), jobId: 'job-early', durationMs: 5 }]);
    await appendEvents(client, [{ kind: 'job.claimed', occurredAt: t(20), jobId: 'job-early', workerId: 'w-e' }]);
    const row = await job('job-early');
    assert.deepEqual([row.status, row.finished_at, row.worker_id, row.attempts], ['completed', t(30), 'w-e', 1]);
  });

  it('lets the stronger status win a tie: completed over failed over running over queued', async () => {
    await appendEvents(client, [
      { kind: 'job.completed', occurredAt: t(9), jobId: 'job-tie' },
      { kind: 'job.failed', occurredAt: t(9), jobId: 'job-tie', name: 'Boom' },
      { kind: 'job.claimed', occurredAt: t(9), jobId: 'job-tie', workerId: 'w-t' },
    ]);
    await appendEvents(client, [{ kind: 'job.created', occurredAt: t(9), jobId: 'job-tie' }]);
    const row = await job('job-tie');
    assert.deepEqual([row.status, row.error_type], ['completed', null]);
  });

  it('records a failure with its error type', async () => {
    await appendEvents(client, [
      { kind: 'job.created', occurredAt: t(0), jobId: 'job-fail', mode: 'mechanic' },
      { kind: 'job.claimed', occurredAt: t(1), jobId: 'job-fail', workerId: 'w-f' },
      {
        kind: 'job.failed',
        occurredAt: t(4),
        jobId: 'job-fail',
        workerId: 'w-f',
        name: 'BudgetExceeded',
        durationMs: 3000,
      },
    ]);
    const row = await job('job-fail');
    assert.deepEqual(
      [row.status, row.error_type, row.duration_ms, row.finished_at],
      ['failed', 'BudgetExceeded', 3000, t(4)]
    );
  });

  it('ignores a malformed token_cap instead of refusing the writer', async () => {
    await appendEvents(client, [
      { kind: 'job.created', occurredAt: t(0), jobId: 'job-cap', payload: { token_cap: 'lots' } },
      { kind: 'budget.exceeded', occurredAt: t(1), jobId: 'job-cap', value: 10, payload: { token_cap: -5 } },
    ]);
    assert.equal((await job('job-cap')).token_cap, null);
  });

  it('tracks what a worker is doing: claim, heartbeats, idle, and late heartbeats', async () => {
    await appendEvents(client, [
      { kind: 'job.claimed', occurredAt: t(0), jobId: 'job-x', workerId: 'w-cur' },
      { kind: 'worker.heartbeat', occurredAt: t(30), workerId: 'w-cur' }, // idle
    ]);
    // a heartbeat for the old job, delayed in transit, must not put the worker back on it
    await appendEvents(client, [{ kind: 'worker.heartbeat', occurredAt: t(10), jobId: 'job-x', workerId: 'w-cur' }]);
    const { rows } = await client.query(
      "SELECT current_job_id, current_job_since, last_heartbeat_at, first_seen_at FROM workers WHERE worker_id = 'w-cur'"
    );
    assert.deepEqual(rows[0], {
      current_job_id: null,
      current_job_since: t(30),
      last_heartbeat_at: t(30),
      first_seen_at: t(0),
    });
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';
import { createLedgerTestDatabase, type LedgerTestDatabase } from './ledgerTestDatabase';
import { appendEvents } from './writer';

let db: LedgerTestDatabase;
let client: pg.Client;
before(async () => {
  db = await createLedgerTestDatabase('requeue');
  client = await db.connect();
});
after(() => db.drop());

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

/** A claimed job whose latest heartbeat was `silentFor` minutes ago. */
async function runningJob(id: string, silentFor: number): Promise<void> {
  await appendEvents(client, [
    { kind: 'job.created', occurredAt: minutesAgo(60), jobId: id, mode: 'genius', agent: 'coder' },
    {
      kind: 'job.claimed',
      occurredAt: minutesAgo(59),
      jobId: id,
      workerId: `w-${id}`,
      traceId: `tr-${id}`,
      spanId: 's',
    },
    { kind: 'worker.heartbeat', occurredAt: minutesAgo(silentFor), jobId: id, workerId: `w-${id}` },
  ]);
}

async function requeue(c: pg.Client, staleAfter = '5 minutes'): Promise<string[]> {
  const { rows } = await c.query<{ id: string }>('SELECT requeue_stale_jobs($1::interval) AS id', [staleAfter]);
  return rows.map((r) => r.id);
}

async function status(id: string): Promise<unknown> {
  const { rows } = await client.query('SELECT status, attempts, worker_id FROM jobs WHERE id = $1', [id]);
  return rows[0];
}

describe('requeue_stale_jobs', () => {
  it('appends job.requeued for silent running jobs only, and they become queued', async () => {
    await runningJob('stale-a', 10);
    await runningJob('fresh-b', 1);
    await appendEvents(client, [
      { kind: 'job.created', occurredAt: minutesAgo(60), jobId: 'queued-c' },
      { kind: 'job.claimed', occurredAt: minutesAgo(59), jobId: 'done-d', workerId: 'w-d' },
      { kind: 'job.completed', occurredAt: minutesAgo(58), jobId: 'done-d' },
    ]);
    const { rows: before } = await client.query<{ n: string }>('SELECT count(*) AS n FROM ledger_events');

    assert.deepEqual(await requeue(client), ['stale-a']);

    const { rows } = await client.query(
      `SELECT kind, job_id, worker_id, mode, agent, trace_id, name, payload ->> 'previous_worker_id' AS previous,
              (payload ->> 'stale_after_s')::float AS stale_after_s
       FROM ledger_events WHERE seq > (SELECT max(seq) - 1 FROM ledger_events)`
    );
    assert.deepEqual(rows, [
      {
        kind: 'job.requeued',
        job_id: 'stale-a',
        worker_id: null, // the sweeper is not a worker, and the dead one must not look alive
        mode: 'genius',
        agent: 'coder',
        trace_id: 'tr-stale-a',
        name: 'stale heartbeat',
        previous: 'w-stale-a',
        stale_after_s: 300,
      },
    ]);
    const { rows: afterCount } = await client.query<{ n: string }>('SELECT count(*) AS n FROM ledger_events');
    assert.equal(Number(afterCount[0]?.n) - Number(before[0]?.n), 1, 'one event appended, nothing else');
    assert.deepEqual(await status('stale-a'), { status: 'queued', attempts: 1, worker_id: 'w-stale-a' });
    assert.deepEqual(await status('fresh-b'), { status: 'running', attempts: 1, worker_id: 'w-fresh-b' });
    assert.equal(((await status('queued-c')) as { status: string }).status, 'queued');
    assert.equal(((await status('done-d')) as { status: string }).status, 'completed');

    assert.deepEqual(await requeue(client), [], 'a second sweep finds nothing');
  });

  it('lets the requeued job be claimed again', async () => {
    await runningJob('again-e', 10);
    await requeue(client);
    await appendEvents(client, [{ kind: 'job.claimed', occurredAt: new Date(), jobId: 'again-e', workerId: 'w-new' }]);
    assert.deepEqual(await status('again-e'), { status: 'running', attempts: 2, worker_id: 'w-new' });
  });

  it('keeps the job queued when the lost worker reports a completion dated before the requeue', async () => {
    await runningJob('late-f', 10);
    await requeue(client);
    await appendEvents(client, [
      { kind: 'job.completed', occurredAt: minutesAgo(7), jobId: 'late-f', workerId: 'w-late-f' },
    ]);
    assert.equal(((await status('late-f')) as { status: string }).status, 'queued');
  });

  it('requeues each job once when two sweepers run at the same time', async () => {
    const ids = ['race-1', 'race-2', 'race-3', 'race-4'];
    for (const id of ids) {
      await runningJob(id, 30);
    }
    const [a, b] = [await db.connect(), await db.connect()];
    await Promise.all([a.query('BEGIN'), b.query('BEGIN')]);
    const first = await requeue(a);
    const second = requeue(b); // blocks on the rows a has locked
    await new Promise((resolve) => setTimeout(resolve, 200));
    await a.query('COMMIT');
    const secondIds = await second;
    await b.query('COMMIT');
    assert.deepEqual([...first, ...secondIds].sort(), ids);
    assert.deepEqual(secondIds, []);
    const { rows } = await client.query<{ n: string }>(
      "SELECT count(*) AS n FROM ledger_events WHERE kind = 'job.requeued' AND job_id LIKE 'race-%'"
    );
    assert.equal(Number(rows[0]?.n), ids.length);
  });

  it('may be run by ledger_writer but not by ledger_reader, and refuses a negative interval', async () => {
    await runningJob('writer-g', 10);
    assert.deepEqual(await requeue(await db.connectAs('ledger_writer')), ['writer-g']);
    await assert.rejects(
      requeue(await db.connectAs('ledger_reader')),
      /permission denied for function requeue_stale_jobs/
    );
    await assert.rejects(requeue(client, '-1 minute'), /stale_after must be a non-negative interval/);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';
import type { LedgerEvent } from './ledgerEvent';
import { createLedgerTestDatabase, type LedgerTestDatabase } from './ledgerTestDatabase';
import { appendEvents, copyEvents } from './writer';

interface LedgerNotification {
  min_seq: number;
  max_seq: number;
  count: number;
  kinds: string[];
  min_occurred_at: string;
  max_occurred_at: string;
}

let db: LedgerTestDatabase;
let writer: pg.Client;
let listener: pg.Client;
let received: LedgerNotification[] = [];
before(async () => {
  db = await createLedgerTestDatabase('notify');
  writer = await db.connect();
  listener = await db.connectAs('ledger_reader'); // the datasource listens with its read-only role
  listener.on('notification', (message) => {
    if (message.channel === 'ledger_events' && message.payload) {
      received.push(JSON.parse(message.payload) as LedgerNotification);
    }
  });
  await listener.query('LISTEN ledger_events');
});
after(() => db.drop());

/** Waits until the listener has had time to receive everything committed so far. */
async function settle(): Promise<LedgerNotification[]> {
  // a NOTIFY of our own, sent after the writes, arrives after theirs: notifications keep commit order
  const marker = new Promise<void>((resolve) => {
    const onMessage = (message: pg.Notification) => {
      if (message.channel === 'test_marker') {
        listener.off('notification', onMessage);
        resolve();
      }
    };
    listener.on('notification', onMessage);
  });
  await listener.query('LISTEN test_marker');
  await writer.query("NOTIFY test_marker, 'done'");
  await marker;
  const got = received;
  received = [];
  return got;
}

async function seqRange(where: string): Promise<{ lo: number; hi: number; n: number }> {
  const { rows } = await writer.query<{ lo: string; hi: string; n: string }>(
    `SELECT min(seq) AS lo, max(seq) AS hi, count(*) AS n FROM ledger_events WHERE ${where}`
  );
  return { lo: Number(rows[0]?.lo), hi: Number(rows[0]?.hi), n: Number(rows[0]?.n) };
}

const at = '2026-11-29T10:00:00Z';
const call = (jobId: string, kind: 'llm.call' | 'tool.call' = 'tool.call'): LedgerEvent => ({
  kind,
  occurredAt: at,
  jobId,
  name: kind === 'llm.call' ? 'model' : 'read_file',
});

describe('NOTIFY ledger_events', () => {
  it('arrives once per statement with its seq range, count and kinds', async () => {
    await settle();
    const events = Array.from({ length: 250 }, (_, i) => call('job-n1', i % 2 ? 'llm.call' : 'tool.call'));
    await appendEvents(writer, events, { batchSize: 100 }); // three INSERT statements in one transaction
    const got = await settle();
    assert.deepEqual(
      got.map((n) => n.count),
      [100, 100, 50]
    );
    const range = await seqRange("job_id = 'job-n1'");
    assert.equal(got[0]?.min_seq, range.lo);
    assert.equal(got[2]?.max_seq, range.hi);
    assert.deepEqual(got[0]?.kinds, ['llm.call', 'tool.call']);
    assert.equal(new Date(got[0]!.max_occurred_at).toISOString(), new Date(at).toISOString());
  });

  it('arrives once for a 20,000-row COPY, with the right max seq', async () => {
    await settle();
    await copyEvents(
      writer,
      Array.from({ length: 20_000 }, () => call('job-n2'))
    );
    const got = await settle();
    assert.equal(got.length, 1);
    const range = await seqRange("job_id = 'job-n2'");
    assert.deepEqual([got[0]?.min_seq, got[0]?.max_seq, got[0]?.count], [range.lo, range.hi, 20_000]);
  });

  it('is not sent for a rolled-back insert or a statement that inserted nothing', async () => {
    await settle();
    await writer.query('BEGIN');
    await appendEvents(writer, [call('job-n3')]);
    await writer.query('ROLLBACK');
    await writer.query("INSERT INTO ledger_events (occurred_at, kind, name) SELECT now(), 'error', 'E' WHERE false");
    assert.deepEqual(await settle(), []);
  });

  it('includes the event appended by requeue_stale_jobs', async () => {
    await appendEvents(writer, [
      { kind: 'job.claimed', occurredAt: new Date(Date.now() - 3_600_000), jobId: 'job-n4', workerId: 'w' },
    ]);
    await settle();
    const { rows } = await writer.query<{ id: string }>("SELECT requeue_stale_jobs('5 minutes') AS id");
    assert.ok(rows.some((r) => r.id === 'job-n4'));
    const got = await settle();
    assert.deepEqual(
      got.map((n) => [n.count, n.kinds]),
      [[rows.length, ['job.requeued']]],
      'one notification for the whole sweep'
    );
  });
});

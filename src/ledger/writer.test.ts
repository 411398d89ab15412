import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';
import { LedgerEventError, type LedgerEvent } from './ledgerEvent';
import { createLedgerTestDatabase, type LedgerTestDatabase } from './ledgerTestDatabase';
import { appendEvents, copyEvents, MAX_APPEND_BATCH_SIZE } from './writer';

let db: LedgerTestDatabase;
let client: pg.Client;
before(async () => {
  db = await createLedgerTestDatabase('writer');
  client = await db.connect();
});
after(() => db.drop());

const at = '2026-11-29T10:00:00.000001Z';
const toolCall = (i: number, jobId = 'job-w'): LedgerEvent => ({
  kind: 'tool.call',
  occurredAt: at,
  jobId,
  name: 'read_file',
  durationMs: i,
  status: 'ok',
});

async function countWhere(sql: string, values: unknown[] = []): Promise<number> {
  const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ledger_events WHERE ${sql}`, values);
  return Number(rows[0]?.n);
}

// Everything COPY text format and JSON give meaning to, plus Unicode that breaks naive encoders.
const HOSTILE = [
  'tab\there',
  'line\nbreak',
  'carriage\rreturn\r\nwindows',
  'back\\slash \\N \\. \\\\ \\t',
  '\\N',
  '\\.',
  `"double" 'single' \`back\``,
  'emoji 😀 family 👩‍👩‍👧 flag 🇫🇷',
  'combining é vs é, rtl \u202Eevil\u202C, zero\u200Bwidth, \u2028\u2029',
  'controls \u0001\u0007\u001b[31m\u007f',
  'NULL',
  ' leading and trailing ',
  // a label near the longest allowed (MAX_TEXT_BYTES = 256); longer text goes in payload, as below
  `${'é'.repeat(125)}\t😀`,
];
const HOSTILE_PAYLOAD = {
  long: 'x'.repeat(100_000),
  'quote"key': 'he said "hi" \\ \t\n',
  nested: { list: ['\\u0000 as text', '😀', '', null, 1.5e300, -0.25, true], deep: { json: '{"a":"b\\"c"}' } },
  'clé 🔑': 'valeur',
};

function hostileEvents(prefix: string): LedgerEvent[] {
  return HOSTILE.map((text, i) => ({
    kind: 'error',
    occurredAt: at,
    jobId: `${prefix}-${i}`,
    name: text,
    status: text,
    agent: text,
    payload: { ...HOSTILE_PAYLOAD, text },
  }));
}

async function assertRoundTrip(prefix: string): Promise<void> {
  const { rows } = await client.query<{
    job_id: string;
    name: string;
    status: string;
    agent: string;
    payload: unknown;
    hex: string;
  }>(
    "SELECT job_id, name, status, agent, payload, encode(convert_to(name, 'UTF8'), 'hex') AS hex " +
      "FROM ledger_events WHERE job_id LIKE $1 || '-%' ORDER BY seq",
    [prefix]
  );
  assert.equal(rows.length, HOSTILE.length);
  rows.forEach((row, i) => {
    const text = HOSTILE[i]!;
    assert.equal(row.job_id, `${prefix}-${i}`);
    assert.equal(row.name, text);
    assert.equal(row.status, text);
    assert.equal(row.agent, text);
    assert.equal(row.hex, Buffer.from(text, 'utf8').toString('hex'), 'byte for byte');
    assert.deepEqual(row.payload, { ...HOSTILE_PAYLOAD, text });
  });
}

describe('appendEvents', () => {
  it('returns the seq range it was given, across several statements', async () => {
    const result = await appendEvents(
      client,
      Array.from({ length: 25 }, (_, i) => toolCall(i, 'job-range')),
      {
        batchSize: 7,
      }
    );
    assert.equal(result.count, 25);
    const { rows } = await client.query<{ lo: string; hi: string }>(
      "SELECT min(seq) AS lo, max(seq) AS hi FROM ledger_events WHERE job_id = 'job-range'"
    );
    assert.deepEqual([result.firstSeq, result.lastSeq], [Number(rows[0]?.lo), Number(rows[0]?.hi)]);
    assert.equal(result.lastSeq! - result.firstSeq!, 24, 'a single writer gets contiguous seqs');
  });

  it('returns an empty range for no events and writes nothing', async () => {
    assert.deepEqual(await appendEvents(client, []), { count: 0, firstSeq: null, lastSeq: null });
  });

  it('round-trips hostile strings and JSON byte for byte', async () => {
    await appendEvents(client, hostileEvents('insert'));
    await assertRoundTrip('insert');
  });

  it('rejects an invalid batch before writing any of it, naming each bad event', async () => {
    const events = [toolCall(1, 'job-bad'), { ...toolCall(2, 'job-bad'), durationMs: -3 }, toolCall(3, 'job-bad')];
    await assert.rejects(appendEvents(client, events), (error: unknown) => {
      assert.ok(error instanceof LedgerEventError);
      assert.equal(
        error.message,
        'invalid ledger event: event #1 (tool.call): durationMs: Too small: expected number to be >=0'
      );
      return true;
    });
    await assert.rejects(
      appendEvents(client, [{ ...toolCall(4, 'job-bad'), name: 'a\u0000b' }]),
      /name: contains a NUL character/
    );
    assert.equal(await countWhere("job_id = 'job-bad'"), 0);
  });

  it('is all-or-nothing when a later statement fails', async () => {
    // a test-only trigger makes the database refuse the third batch
    await client.query(`
      CREATE FUNCTION test_poison() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN IF NEW.job_id = 'poison' THEN RAISE EXCEPTION 'poisoned row'; END IF; RETURN NEW; END $$;
      CREATE TRIGGER test_poison BEFORE INSERT ON ledger_events FOR EACH ROW EXECUTE FUNCTION test_poison();`);
    try {
      const events = [...Array.from({ length: 10 }, (_, i) => toolCall(i, 'job-atomic')), toolCall(0, 'poison')];
      await assert.rejects(appendEvents(client, events, { batchSize: 5 }), /poisoned row/);
      assert.equal(client.getTransactionStatus(), 'I');
      assert.equal(await countWhere("job_id = 'job-atomic'"), 0);
    } finally {
      await client.query('DROP TRIGGER test_poison ON ledger_events; DROP FUNCTION test_poison()');
    }
  });

  it('joins the caller transaction instead of committing it', async () => {
    await client.query('BEGIN');
    await appendEvents(
      client,
      Array.from({ length: 6 }, (_, i) => toolCall(i, 'job-caller-tx')),
      { batchSize: 2 }
    );
    assert.equal(client.getTransactionStatus(), 'T');
    await client.query('ROLLBACK');
    assert.equal(await countWhere("job_id = 'job-caller-tx'"), 0);
  });

  it('refuses a batch size the protocol cannot carry', async () => {
    await assert.rejects(appendEvents(client, [toolCall(1)], { batchSize: MAX_APPEND_BATCH_SIZE + 1 }), RangeError);
    await assert.rejects(appendEvents(client, [toolCall(1)], { batchSize: 0 }), /batchSize must be an integer/);
  });
});

describe('copyEvents', () => {
  it('round-trips hostile strings and JSON byte for byte', async () => {
    const result = await copyEvents(client, hostileEvents('copy'));
    assert.equal(result.count, HOSTILE.length);
    await assertRoundTrip('copy');
  });

  it('streams an async iterable', async () => {
    async function* generate(): AsyncGenerator<LedgerEvent> {
      for (let i = 0; i < 5000; i++) {
        yield toolCall(i, 'job-stream');
      }
    }
    assert.deepEqual(await copyEvents(client, generate()), { count: 5000 });
    assert.equal(await countWhere("job_id = 'job-stream'"), 5000);
  });

  it('rejects NUL cleanly: nothing written, the client still usable', async () => {
    const events = [toolCall(1, 'job-nul'), { ...toolCall(2, 'job-nul'), payload: { note: 'x\u0000y' } }];
    await assert.rejects(copyEvents(client, events), /event #1 \(tool\.call\): payload: payload\.note contains a NUL/);
    assert.equal(await countWhere("job_id = 'job-nul'"), 0);
  });

  it('aborts a COPY already under way when a streamed event is invalid', async () => {
    function* generate(): Generator<LedgerEvent> {
      for (let i = 0; i < 20_000; i++) {
        yield toolCall(i, 'job-abort'); // well over one 64 KiB chunk has been sent before the bad event
      }
      yield { ...toolCall(0, 'job-abort'), tokensIn: -1 };
    }
    await assert.rejects(copyEvents(client, generate()), (error: unknown) => {
      assert.ok(error instanceof LedgerEventError);
      assert.match(error.message, /event #20000 \(tool\.call\): tokensIn/);
      return true;
    });
    const { rows } = await client.query<{ one: number }>('SELECT 1 AS one');
    assert.equal(rows[0]?.one, 1, 'the connection is still usable');
    assert.equal(await countWhere("job_id = 'job-abort'"), 0);
  });

  it('reports a database refusal and leaves the client usable', async () => {
    const reader = await db.connectAs('ledger_reader');
    await assert.rejects(copyEvents(reader, [toolCall(1, 'job-denied')]), /permission denied for table ledger_events/);
    const { rows } = await reader.query<{ one: number }>('SELECT 1 AS one');
    assert.equal(rows[0]?.one, 1);
  });
});

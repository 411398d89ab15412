import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';
import {
  jsonProblem,
  LEDGER_EVENT_KINDS,
  LedgerEventError,
  parseLedgerEvents,
  REQUIRED_FIELDS,
  type LedgerEvent,
  type LedgerEventKind,
} from './ledgerEvent';
import { createLedgerTestDatabase, type LedgerTestDatabase } from './ledgerTestDatabase';
import { eventRow, LEDGER_EVENT_COLUMN_LIST } from './ledgerRows';
import { appendEvents } from './writer';

const at = '2026-11-29T10:00:00.123456Z';

/** The smallest valid event of each kind. */
const MINIMAL: Record<LedgerEventKind, LedgerEvent> = {
  'job.created': { kind: 'job.created', occurredAt: at, jobId: 'j1', payload: { token_cap: 5000, priority: 2 } },
  'job.claimed': { kind: 'job.claimed', occurredAt: at, jobId: 'j1', workerId: 'w1', payload: { attempt: 1 } },
  'job.completed': { kind: 'job.completed', occurredAt: at, jobId: 'j1' },
  'job.failed': { kind: 'job.failed', occurredAt: at, jobId: 'j1', name: 'Timeout' },
  'job.requeued': { kind: 'job.requeued', occurredAt: at, jobId: 'j1', name: 'stale heartbeat' },
  'worker.heartbeat': { kind: 'worker.heartbeat', occurredAt: at, workerId: 'w1' },
  'agent.loop': { kind: 'agent.loop', occurredAt: at, traceId: 't1', spanId: 's1' },
  'llm.call': { kind: 'llm.call', occurredAt: at, name: 'claude-sonnet' },
  'tool.call': { kind: 'tool.call', occurredAt: at, name: 'read_file' },
  escalation: { kind: 'escalation', occurredAt: at, name: 'needs approval' },
  error: { kind: 'error', occurredAt: at, name: 'RateLimitError' },
  'budget.exceeded': {
    kind: 'budget.exceeded',
    occurredAt: at,
    jobId: 'j1',
    value: 5100,
    payload: { token_cap: 5000 },
  },
  'conversation.message': { kind: 'conversation.message', occurredAt: at, conversationId: 'c1', name: 'user' },
  insight: { kind: 'insight', occurredAt: at, name: 'flaky-test', value: 0.8 },
};

let db: LedgerTestDatabase;
let client: pg.Client;
before(async () => {
  db = await createLedgerTestDatabase('events');
  client = await db.connect();
});
after(() => db.drop());

/** Inserts a row with raw SQL, bypassing zod, to prove the database enforces the rule on its own. */
async function rawInsert(event: LedgerEvent & Record<string, unknown>): Promise<void> {
  const values = eventRow(event as never);
  const params = values.map((_, i) => `$${i + 1}`).join(', ');
  await client.query(`INSERT INTO ledger_events ${LEDGER_EVENT_COLUMN_LIST} VALUES (${params})`, values);
}

describe('ledger event vocabulary', () => {
  it('covers every kind the database accepts', async () => {
    const { rows } = await client.query<{ def: string }>(
      "SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'ledger_events_kind_known'"
    );
    const inDatabase = [...(rows[0]?.def.matchAll(/'([a-z.]+)'::text/g) ?? [])].map((m) => m[1]).sort();
    assert.deepEqual(inDatabase, [...LEDGER_EVENT_KINDS].sort());
  });

  for (const kind of LEDGER_EVENT_KINDS) {
    it(`${kind}: the minimal event passes zod and the database`, async () => {
      parseLedgerEvents([MINIMAL[kind]]);
      await appendEvents(client, [MINIMAL[kind]]);
    });

    for (const field of REQUIRED_FIELDS[kind]) {
      it(`${kind} without ${field} is refused by zod and by the database`, async () => {
        const { [field]: _dropped, ...incomplete } = MINIMAL[kind];
        assert.throws(
          () => parseLedgerEvents([incomplete]),
          new RegExp(`${field}: is required for ${kind.replace('.', '\\.')}`)
        );
        await assert.rejects(rawInsert(incomplete as LedgerEvent), /violates check constraint "ledger_events_\w+"/);
      });
    }
  }

  const invalid: Array<[string, Partial<LedgerEvent> & { kind: LedgerEventKind }, RegExp]> = [
    ['negative duration', { kind: 'tool.call', durationMs: -1 }, /ledger_events_duration_ms_valid/],
    ['NaN duration', { kind: 'tool.call', durationMs: Number.NaN }, /ledger_events_duration_ms_valid/],
    ['infinite cost', { kind: 'llm.call', costUsd: Number.POSITIVE_INFINITY }, /ledger_events_cost_usd_valid/],
    ['negative tokens', { kind: 'llm.call', tokensIn: -5 }, /ledger_events_tokens_in_valid/],
    ['conversation role unknown', { kind: 'conversation.message', name: 'robot' }, /conversation_message_valid/],
    ['insight confidence above 1', { kind: 'insight', value: 1.5 }, /insight_confidence_valid/],
    ['a tool name over 256 bytes', { kind: 'tool.call', name: 'é'.repeat(129) }, /ledger_events_text_length_valid/],
    ['a worker id over 256 bytes', { kind: 'worker.heartbeat', workerId: 'w'.repeat(257) }, /text_length_valid/],
    ['a job id over 256 bytes', { kind: 'job.created', jobId: '😀'.repeat(65) }, /ledger_events_text_length_valid/],
  ];
  for (const [title, change, constraint] of invalid) {
    it(`refuses ${title} in zod and in the database`, async () => {
      const event = { ...MINIMAL[change.kind], ...change };
      assert.throws(() => parseLedgerEvents([event]), LedgerEventError);
      await assert.rejects(rawInsert(event), constraint);
    });
  }

  it('accepts ids and labels of exactly 256 bytes, and says what to do with longer ones', async () => {
    const longest = { ...MINIMAL['tool.call'], name: 'é'.repeat(128), status: '😀'.repeat(64), agent: 'a'.repeat(256) };
    await appendEvents(client, [longest]);
    assert.throws(
      () => parseLedgerEvents([{ ...longest, mode: 'm'.repeat(257) }]),
      /mode: is longer than 256 bytes \(UTF-8\): ids and labels are indexed; put long text in payload/
    );
  });

  it('refuses a non-object payload in the database', async () => {
    await assert.rejects(
      client.query("INSERT INTO ledger_events (occurred_at, kind, name, payload) VALUES (now(), 'error', 'E', '[1]')"),
      /ledger_events_payload_is_object/
    );
  });

  it('lists every problem of a batch with the event index and field', () => {
    assert.throws(
      () =>
        parseLedgerEvents([
          MINIMAL['llm.call'],
          { ...MINIMAL['llm.call'], tokensIn: 1.5, costUsd: -1 },
          { kind: 'tool.call', occurredAt: '2026-11-29 10:00:00', name: 'x' },
          { ...MINIMAL.error, tokenIn: 3 },
        ]),
      (error: unknown) => {
        assert.ok(error instanceof LedgerEventError);
        assert.deepEqual(
          error.issues.map((i) => [i.index, i.path]),
          [
            [1, 'tokensIn'],
            [1, 'costUsd'],
            [2, 'occurredAt'],
            [3, ''],
          ]
        );
        assert.match(error.message, /^invalid ledger events: event #1 \(llm\.call\): tokensIn: .*expected int/);
        assert.match(
          error.message,
          /event #2 \(tool\.call\): occurredAt: must be an ISO 8601 timestamp with an offset/
        );
        assert.match(error.message, /event #3 \(error\): .*tokenIn/);
        return true;
      }
    );
  });
});

describe('jsonProblem', () => {
  it('accepts plain JSON, names the path of anything else', () => {
    assert.equal(jsonProblem({ a: [1, 'x', null, true, { b: 'é😀' }] }), undefined);
    assert.match(jsonProblem({ a: [1, 'x\u0000'] }) ?? '', /^payload\.a\[1\] contains a NUL/);
    assert.match(jsonProblem({ 'k\u0000': 1 }) ?? '', /has a key that contains a NUL/);
    assert.match(jsonProblem({ n: Number.NaN }) ?? '', /payload\.n is NaN/);
    assert.match(jsonProblem({ d: new Date() }) ?? '', /payload\.d is a Date, which is not JSON/);
    assert.match(jsonProblem({ b: 10n }) ?? '', /payload\.b is a bigint/);
    assert.match(jsonProblem({ s: 'a\uD800b' }) ?? '', /lone UTF-16 surrogate/);
    assert.equal(jsonProblem({ u: undefined }), undefined); // omitted by JSON.stringify
    assert.match(jsonProblem({ a: [undefined] }) ?? '', /payload\.a\[0\] is undefined/);
  });
});

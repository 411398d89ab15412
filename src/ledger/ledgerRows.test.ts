import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseLedgerEvent } from './ledgerEvent';
import { copyTextField, copyTextLine, eventRow, LEDGER_EVENT_COLUMNS } from './ledgerRows';

describe('eventRow', () => {
  it('puts every field under its own column', () => {
    const event = parseLedgerEvent({
      kind: 'llm.call',
      occurredAt: '2026-11-29T10:00:00.000001+02:00',
      jobId: 'jobId',
      workerId: 'workerId',
      mode: 'mode',
      agent: 'agent',
      traceId: 'traceId',
      spanId: 'spanId',
      parentSpanId: 'parentSpanId',
      name: 'name',
      status: 'status',
      durationMs: 1.5,
      tokensIn: 2,
      tokensOut: 3,
      costUsd: 4.5,
      conversationId: 'conversationId',
      value: 6.5,
      payload: { payload: true },
    });
    const row = eventRow(event);
    assert.equal(row.length, LEDGER_EVENT_COLUMNS.length);
    LEDGER_EVENT_COLUMNS.forEach(([column, field], i) => {
      const expected = field === 'payload' ? '{"payload":true}' : event[field];
      assert.equal(row[i], expected, column);
    });
  });

  it('sends a Date as UTC ISO text and absent fields as NULL', () => {
    const row = eventRow(
      parseLedgerEvent({ kind: 'error', occurredAt: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)), name: 'E' })
    );
    assert.equal(row[0], '2026-01-02T03:04:05.006Z');
    assert.equal(row.filter((v) => v === null).length, LEDGER_EVENT_COLUMNS.length - 4); // time, kind, name, payload
    assert.equal(row.at(-1), '{}');
  });
});

describe('copyTextField', () => {
  const cases: Array<[string | number | null, string]> = [
    [null, '\\N'],
    ['\\N', '\\\\N'],
    ['a\tb\nc\rd\\e', 'a\\tb\\nc\\rd\\\\e'],
    ['\\.', '\\\\.'],
    ['"quoted" \'single\' ; , |', '"quoted" \'single\' ; , |'],
    ['emoji 😀', 'emoji 😀'],
    [1e-7, '1e-7'],
    [42, '42'],
  ];
  for (const [input, expected] of cases) {
    it(`encodes ${JSON.stringify(input)}`, () => assert.equal(copyTextField(input), expected));
  }

  it('joins a row with tabs and ends it with a newline', () => {
    assert.equal(copyTextLine(['a\tb', null, 3]), 'a\\tb\t\\N\t3\n');
  });
});

/**
 * How a validated event becomes a `ledger_events` row: the column list (shared by INSERT and COPY) and the COPY
 * text-format encoding. seq and recorded_at are absent on purpose: the database assigns them, and ledger_writer is
 * not even allowed to set them.
 */
import type { ValidLedgerEvent } from './ledgerEvent';

/** Column name and event field, in the order values are sent. */
export const LEDGER_EVENT_COLUMNS = [
  ['occurred_at', 'occurredAt'],
  ['kind', 'kind'],
  ['job_id', 'jobId'],
  ['worker_id', 'workerId'],
  ['mode', 'mode'],
  ['agent', 'agent'],
  ['trace_id', 'traceId'],
  ['span_id', 'spanId'],
  ['parent_span_id', 'parentSpanId'],
  ['name', 'name'],
  ['status', 'status'],
  ['duration_ms', 'durationMs'],
  ['tokens_in', 'tokensIn'],
  ['tokens_out', 'tokensOut'],
  ['cost_usd', 'costUsd'],
  ['conversation_id', 'conversationId'],
  ['value', 'value'],
  ['payload', 'payload'],
] as const satisfies ReadonlyArray<readonly [string, keyof ValidLedgerEvent]>;

/** `(occurred_at, kind, ...)`: the column list of every write. */
export const LEDGER_EVENT_COLUMN_LIST = `(${LEDGER_EVENT_COLUMNS.map(([column]) => column).join(', ')})`;

/** A value as sent to PostgreSQL: text, a number, or NULL. */
export type RowValue = string | number | null;

/**
 * The event's values in LEDGER_EVENT_COLUMNS order; timestamps as ISO text, payload as JSON text. Spelled out
 * rather than mapped over the column list: it runs once per event on bulk loads, and the literal is several times
 * faster (ledgerRows.test.ts checks the order against LEDGER_EVENT_COLUMNS).
 */
export function eventRow(event: ValidLedgerEvent): RowValue[] {
  return [
    event.occurredAt instanceof Date ? event.occurredAt.toISOString() : event.occurredAt,
    event.kind,
    event.jobId ?? null,
    event.workerId ?? null,
    event.mode ?? null,
    event.agent ?? null,
    event.traceId ?? null,
    event.spanId ?? null,
    event.parentSpanId ?? null,
    event.name ?? null,
    event.status ?? null,
    event.durationMs ?? null,
    event.tokensIn ?? null,
    event.tokensOut ?? null,
    event.costUsd ?? null,
    event.conversationId ?? null,
    event.value ?? null,
    JSON.stringify(event.payload ?? {}),
  ];
}

// COPY's text format gives meaning to exactly these characters inside a field (the delimiter is a tab).
// Because the backslash itself is escaped, a value can never spell the end-of-data marker "\.".
const COPY_TEXT_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const COPY_TEXT_SPECIAL = /[\\\n\r\t]/g;
const COPY_TEXT_NEEDS_ESCAPE = /[\\\n\r\t]/;

/** One field in COPY text format: `\N` for NULL, otherwise the value with \ newline CR tab escaped. */
export function copyTextField(value: RowValue): string {
  if (value === null) {
    return '\\N';
  }
  if (typeof value === 'number') {
    return String(value); // finite (validated): "1e-7" and "1e+21" are valid float8 input
  }
  // most values need no escaping, and test() is far cheaper than replace() with a callback
  return COPY_TEXT_NEEDS_ESCAPE.test(value)
    ? value.replace(COPY_TEXT_SPECIAL, (ch) => COPY_TEXT_ESCAPES[ch] ?? ch)
    : value;
}

/** One row in COPY text format, newline-terminated. */
export function copyTextLine(row: readonly RowValue[]): string {
  let line = '';
  for (let i = 0; i < row.length; i++) {
    line += i === 0 ? copyTextField(row[i] ?? null) : `\t${copyTextField(row[i] ?? null)}`;
  }
  return `${line}\n`;
}

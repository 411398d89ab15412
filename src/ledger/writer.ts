/**
 * The ledger writer workers and the simulator use: validate at the boundary, then append. Values always travel as
 * bind parameters (appendEvents) or as escaped COPY data (copyEvents), never inside SQL text.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { parseLedgerEvent, parseLedgerEvents, type LedgerEvent, type ValidLedgerEvent } from './ledgerEvent';
import { copyTextLine, eventRow, LEDGER_EVENT_COLUMN_LIST, LEDGER_EVENT_COLUMNS, type RowValue } from './ledgerRows';

/** Rows per INSERT statement by default: large enough to amortize round trips, small enough to send quickly. */
export const DEFAULT_APPEND_BATCH_SIZE = 1000;

// A bound kept from the multi-row VALUES days (65535 bind parameters / 18 columns): statements stay a few MB.
const MAX_BIND_PARAMETERS = 65_535;
/** The largest batchSize appendEvents accepts. */
export const MAX_APPEND_BATCH_SIZE = Math.floor(MAX_BIND_PARAMETERS / LEDGER_EVENT_COLUMNS.length);

// COPY data is sent in chunks of about this many characters: fewer, larger CopyData messages.
const COPY_CHUNK_CHARS = 64 * 1024;

/** What appendEvents wrote. seqs are unique but not necessarily contiguous when other writers run at once. */
export interface AppendResult {
  count: number;
  /** Lowest and highest seq assigned, or null when no events were given. */
  firstSeq: number | null;
  lastSeq: number | null;
}

/** What copyEvents wrote (COPY does not report the seqs it assigned). */
export interface CopyResult {
  count: number;
}

/** Options of appendEvents. */
export interface AppendOptions {
  /** Rows per INSERT statement (1..MAX_APPEND_BATCH_SIZE). */
  batchSize?: number;
}

/** PostgreSQL array type of each column's parameter, in LEDGER_EVENT_COLUMNS order. */
const COLUMN_ARRAY_TYPES: Readonly<Record<string, string>> = {
  occurred_at: 'timestamptz[]',
  duration_ms: 'float8[]',
  tokens_in: 'int4[]',
  tokens_out: 'int4[]',
  cost_usd: 'float8[]',
  value: 'float8[]',
  payload: 'jsonb[]',
};

/**
 * `INSERT INTO ledger_events (...) SELECT ... FROM unnest($1::timestamptz[], ..., $18::jsonb[]) WITH ORDINALITY
 * ORDER BY ord RETURNING seq`: one array parameter per column whatever the number of rows. PostgreSQL parses and
 * plans one small statement instead of a 18,000-parameter VALUES list: measured 1.6x the rows per second of
 * multi-row VALUES (docs/ledger.md). ORDER BY ord keeps the rows' order, so seqs follow the caller's order.
 */
const INSERT_SQL = (() => {
  const columns = LEDGER_EVENT_COLUMNS.map(([column]) => column);
  const arrays = columns.map((column, i) => `$${i + 1}::${COLUMN_ARRAY_TYPES[column] ?? 'text[]'}`);
  const names = columns.map((column) => `u_${column}`);
  return (
    `INSERT INTO ledger_events ${LEDGER_EVENT_COLUMN_LIST} SELECT ${names.join(', ')} ` +
    `FROM unnest(${arrays.join(', ')}) WITH ORDINALITY AS u(${names.join(', ')}, ord) ORDER BY ord RETURNING seq`
  );
})();

/** The rows as one array per column (the parameters of INSERT_SQL). */
function columnArrays(rows: readonly RowValue[][]): RowValue[][] {
  return LEDGER_EVENT_COLUMNS.map((_, c) => rows.map((row) => row[c] ?? null));
}

function toSeq(value: unknown): number {
  const seq = Number(value); // int8 arrives as text; 2^53 appends are out of reach, so a number is exact
  if (!Number.isSafeInteger(seq)) {
    throw new Error(`ledger seq ${String(value)} is not a safe integer`);
  }
  return seq;
}

/**
 * Appends events with parameterized INSERTs of `batchSize` rows (one array parameter per column). Every event is
 * validated first: a LedgerEventError means nothing was written. When the events span several statements and the client is not in a
 * transaction, they are wrapped in one, so the call is all-or-nothing; inside the caller's transaction, the caller
 * decides.
 */
export async function appendEvents(
  client: pg.ClientBase,
  events: readonly LedgerEvent[],
  options: AppendOptions = {}
): Promise<AppendResult> {
  const batchSize = options.batchSize ?? DEFAULT_APPEND_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_APPEND_BATCH_SIZE) {
    throw new RangeError(`appendEvents: batchSize must be an integer in 1..${MAX_APPEND_BATCH_SIZE}, got ${batchSize}`);
  }
  const rows = parseLedgerEvents(events).map(eventRow);
  if (rows.length === 0) {
    return { count: 0, firstSeq: null, lastSeq: null };
  }
  const status = client.getTransactionStatus();
  if (status === 'E') {
    throw new Error('appendEvents: the client is in a failed transaction; roll it back first');
  }
  const ownTransaction = rows.length > batchSize && status === 'I';
  let firstSeq = Number.POSITIVE_INFINITY;
  let lastSeq = Number.NEGATIVE_INFINITY;
  if (ownTransaction) {
    await client.query('BEGIN');
  }
  try {
    for (let start = 0; start < rows.length; start += batchSize) {
      const batch = rows.slice(start, start + batchSize);
      const result = await client.query<{ seq: string }, RowValue[][]>(INSERT_SQL, columnArrays(batch));
      for (const row of result.rows) {
        const seq = toSeq(row.seq);
        firstSeq = Math.min(firstSeq, seq);
        lastSeq = Math.max(lastSeq, seq);
      }
    }
    if (ownTransaction) {
      await client.query('COMMIT');
    }
  } catch (error) {
    if (ownTransaction) {
      await client.query('ROLLBACK').catch(() => undefined); // the original error is the one worth reporting
    }
    throw error;
  }
  return { count: rows.length, firstSeq, lastSeq };
}

async function* validatedOneByOne(
  events: Iterable<LedgerEvent> | AsyncIterable<LedgerEvent>
): AsyncGenerator<ValidLedgerEvent> {
  let index = 0;
  for await (const event of events) {
    yield parseLedgerEvent(event, index++);
  }
}

/** COPY text-format data for `events`, in chunks of about COPY_CHUNK_CHARS. */
async function* copyChunks(
  events: Iterable<ValidLedgerEvent> | AsyncIterable<ValidLedgerEvent>
): AsyncGenerator<string> {
  let chunk = '';
  for await (const event of events) {
    chunk += copyTextLine(eventRow(event));
    if (chunk.length >= COPY_CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk.length > 0) {
    yield chunk;
  }
}

/**
 * Bulk-loads events with COPY FROM STDIN (text format) in one statement: all rows or none. An array is validated
 * before COPY starts; an iterable is validated as it streams, and the first invalid event aborts the COPY (the
 * server discards every row) with a LedgerEventError. The client stays usable afterwards.
 */
export async function copyEvents(
  client: pg.ClientBase,
  events: readonly LedgerEvent[] | Iterable<LedgerEvent> | AsyncIterable<LedgerEvent>
): Promise<CopyResult> {
  const valid = isArray(events) ? parseLedgerEvents(events) : validatedOneByOne(events);
  const copy = client.query(copyFrom(`COPY ledger_events ${LEDGER_EVENT_COLUMN_LIST} FROM STDIN (FORMAT text)`));
  await pipeline(Readable.from(copyChunks(valid)), copy);
  return { count: copy.rowCount };
}

/**
 * Gives the planner statistics for the ledger's tables (migration 0020's analyze_ledger(), which ledger_writer may
 * run). Bulk loaders call it when they finish: until the tables are analyzed PostgreSQL guesses row counts, and
 * autovacuum may take minutes to get there, or never when it is off (#12).
 */
export async function analyzeLedger(client: pg.ClientBase): Promise<void> {
  await client.query('SELECT analyze_ledger()');
}

// Array.isArray does not narrow readonly arrays out of a union.
function isArray<T>(value: readonly T[] | Iterable<T> | AsyncIterable<T>): value is readonly T[] {
  return Array.isArray(value);
}

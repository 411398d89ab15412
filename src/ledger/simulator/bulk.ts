/**
 * `--bulk`: loads a simulated history as fast as the database takes it, through the writer's copyEvents (validation
 * included). One COPY per batch: each is one statement, so the statement-level triggers (jobs, workers, rollups,
 * NOTIFY) fold a whole batch at once, and a failure loses at most the batch in flight. Two connections take turns,
 * so one streams its batch while the other's triggers run: on two cores that keeps both the generator and the server
 * busy. At the end the ledger is analyzed, so the planner has statistics from the first query on (#12).
 */
import type pg from 'pg';
import type { LedgerEvent } from '../ledgerEvent';
import { analyzeLedger, copyEvents } from '../writer';

/** Options of bulkLoad. */
export interface BulkOptions {
  /** Events per COPY statement. */
  batchSize?: number;
  /** Called after each batch with the running total. */
  onProgress?: (written: number) => void;
  /** ANALYZE the ledger after the last batch (default true; tests turn it off to see a ledger without statistics). */
  analyze?: boolean;
}

/** What bulkLoad wrote. */
export interface BulkResult {
  events: number;
  /** Writing the events (COPY and triggers). */
  seconds: number;
  /** The ANALYZE afterwards (0 when turned off). */
  analyzeSeconds: number;
}

const YIELD_EVERY = 2_000;

/** Default events per COPY: large enough to amortise the per-statement triggers, small enough to stream. */
export const DEFAULT_BULK_BATCH = 50_000;

/**
 * Writes `events` with COPY in batches over one or two connected clients (outside any transaction). Batches commit
 * one by one; on an error the ones already written stay, and the error is thrown.
 */
export async function bulkLoad(
  clients: readonly pg.ClientBase[],
  events: Iterable<LedgerEvent>,
  options: BulkOptions = {}
): Promise<BulkResult> {
  if (clients.length === 0) {
    throw new Error('bulkLoad needs at least one client');
  }
  const batchSize = options.batchSize ?? DEFAULT_BULK_BATCH;
  const started = performance.now();
  const inFlight: Array<Promise<unknown> | undefined> = clients.map(() => undefined);
  let written = 0;
  let next = 0;
  let batch: LedgerEvent[] = [];
  const flush = async () => {
    const slot = next;
    next = (next + 1) % clients.length;
    await inFlight[slot]; // that connection's previous COPY must be done before it takes the next
    const rows = batch;
    batch = [];
    // an iterator, not the array: copyEvents then validates as it streams instead of blocking the event loop
    inFlight[slot] = copyEvents(clients[slot]!, rows.values()).then(({ count }) => {
      written += count;
      options.onProgress?.(written);
    });
  };
  try {
    for (const event of events) {
      batch.push(event);
      if (batch.length >= batchSize) {
        await flush();
      } else if (batch.length % YIELD_EVERY === 0) {
        await new Promise(setImmediate); // let the other connection's COPY stream while this batch is generated
      }
    }
    if (batch.length > 0) {
      await flush();
    }
  } finally {
    await Promise.allSettled(inFlight);
  }
  await Promise.all(inFlight); // rethrows the first failure
  const seconds = (performance.now() - started) / 1000;
  if (options.analyze === false) {
    return { events: written, seconds, analyzeSeconds: 0 };
  }
  const analyzing = performance.now();
  await analyzeLedger(clients[0]!);
  return { events: written, seconds, analyzeSeconds: (performance.now() - analyzing) / 1000 };
}

/**
 * Where a `--live` run starts, so that a restart continues the ledger instead of writing its history again (#12: every
 * restart of the compose stack's simulator wrote the last 6 h twice). A live simulation is a pure function of the
 * scenario, seed, scale and its anchor (the minute its backfill starts), and its first event falls within that minute
 * (a heartbeat, at most heartbeatEvery after it). So a restart reads the ledger's oldest and newest events, takes the
 * anchor back from the oldest, regenerates the same events and writes only those after the newest: the same ids, the
 * jobs in flight at the stop finish, and no fact is written twice. This assumes the simulator is the ledger's only
 * writer, with the same scenario, seed, scale and backfill as before; otherwise it still writes only after the newest
 * event (and says the history does not match).
 */
import type pg from 'pg';
import type { LedgerEvent } from '../ledgerEvent';

const MINUTE_MS = 60_000;

/** What the ledger already holds. */
export interface LedgerPosition {
  /** occurred_at of the oldest and newest events, epoch ms. */
  oldestMs: number;
  newestMs: number;
  /** Events in the ledger, and how many of them occurred at newestMs (a prefix of that millisecond's events). */
  events: number;
  atNewest: number;
}

/** Thrown when the ledger has events that this login may not read: resuming needs to. */
export class ResumeError extends Error {
  override readonly name = 'ResumeError';
}

/** The anchor of a fresh live run: the whole minute its backfill starts in. */
export function freshAnchor(realTimeFrom: number, backfillMs: number): number {
  return Math.floor((realTimeFrom - backfillMs) / MINUTE_MS) * MINUTE_MS;
}

/** The anchor of the live run that wrote `position`: the minute of its oldest event. */
export function resumedAnchor(position: LedgerPosition): number {
  return Math.floor(position.oldestMs / MINUTE_MS) * MINUTE_MS;
}

/** Reads what the ledger holds; undefined for an empty ledger (a member of ledger_writer may ask that much). */
export async function readLedgerPosition(client: pg.ClientBase): Promise<LedgerPosition | undefined> {
  const { rows } = await client.query<{ seq: string | null }>('SELECT max(seq) AS seq FROM ledger_events');
  if (rows[0]?.seq === null || rows[0]?.seq === undefined) {
    return undefined;
  }
  try {
    const bounds = await client.query<LedgerPosition>(
      `WITH bounds AS (SELECT min(occurred_at) AS oldest, max(occurred_at) AS newest, count(*) AS events FROM ledger_events)
       SELECT (extract(epoch FROM oldest) * 1000)::float8 AS "oldestMs",
              (extract(epoch FROM newest) * 1000)::float8 AS "newestMs",
              events::float8 AS events,
              (SELECT count(*) FROM ledger_events e WHERE e.occurred_at = bounds.newest)::float8 AS "atNewest"
       FROM bounds`
    );
    return bounds.rows[0];
  } catch (error) {
    if ((error as { code?: string }).code === '42501') {
      throw new ResumeError(
        'the ledger already holds events and this login may not read them: to continue without writing any fact ' +
          'twice the simulator reads the newest one — connect as a member of ledger_reader and ledger_writer, or ' +
          'as the owner, or start on an empty ledger'
      );
    }
    throw error;
  }
}

/**
 * The events of `simulation` not yet in the ledger: those after the newest, plus the rest of the newest millisecond.
 * `onResumed` is told how many were skipped when the first new event comes (compare with position.events).
 */
export function* afterPosition(
  simulation: Iterable<LedgerEvent>,
  position: LedgerPosition | undefined,
  onResumed: (skipped: number) => void = () => undefined
): Generator<LedgerEvent> {
  let skipped = 0;
  let skippedAtNewest = 0;
  let resumed = position === undefined;
  for (const event of simulation) {
    if (position && !resumed) {
      const at = (event.occurredAt as Date).getTime();
      if (at < position.newestMs) {
        skipped++;
        continue;
      }
      if (at === position.newestMs && skippedAtNewest < position.atNewest) {
        skipped++;
        skippedAtNewest++;
        continue;
      }
      resumed = true;
      onResumed(skipped);
    }
    yield event;
  }
}

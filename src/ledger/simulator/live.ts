/**
 * `--live`: backfills some history (then analyzes the ledger), then writes each event when its moment comes, forever (the demo stack's
 * "workers"). On a ledger that already has events it continues after the newest one instead (resume.ts), so a
 * restart never writes a fact twice. Writes go through appendEvents, one multi-row INSERT per tick. When the database goes away (a restart,
 * a network blip) the pending events are kept and the connection is retried with exponential backoff, so nothing is
 * lost or reordered; a batch whose COMMIT was sent but never acknowledged may be written twice (at-least-once).
 */
import pg from 'pg';
import type { LedgerEvent } from '../ledgerEvent';
import { analyzeLedger, appendEvents, copyEvents } from '../writer';
import { simulate } from './engine';
import {
  afterPosition,
  freshAnchor,
  readLedgerPosition,
  ResumeError,
  resumedAnchor,
  type LedgerPosition,
} from './resume';
import { parseDuration, type Scenario } from './scenario';

/** Options of runLive. */
export interface LiveOptions {
  url: string;
  scenario: Scenario;
  seed: number;
  scale: number;
  /** History to write before real time; defaults to the scenario's liveBackfill. */
  backfillMs?: number;
  /** Milliseconds between writes in real time. */
  tickMs?: number;
  /** Stops the loop (tests, SIGTERM). */
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** The clock and the sleep, replaceable in tests. */
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Backoff bounds for reconnecting. */
  retryMinMs?: number;
  retryMaxMs?: number;
}

/** What runLive wrote before it was stopped. */
export interface LiveResult {
  events: number;
  reconnects: number;
}

const BACKFILL_BATCH = 20_000;
const COPY_FROM = 1_000;

// One abort listener per sleep, removed when the sleep ends either way: leaving it behind after the timer fired added
// a listener per tick (MaxListenersExceededWarning within seconds, #12).
function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Runs the live simulator until `signal` aborts. */
export async function runLive(options: LiveOptions): Promise<LiveResult> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const log = options.log ?? (() => undefined);
  const tickMs = options.tickMs ?? 1_000;
  const backfillMs = options.backfillMs ?? parseDuration(options.scenario.liveBackfill);
  let client: pg.Client | undefined;
  let written = 0;
  let reconnects = 0;
  let retryMs = options.retryMinMs ?? 500;

  const connected = async (): Promise<pg.Client> => {
    while (!client) {
      const candidate = new pg.Client({ connectionString: options.url });
      candidate.on('error', () => undefined); // a dead connection surfaces on the next query; handled there
      try {
        await candidate.connect();
        client = candidate;
        retryMs = options.retryMinMs ?? 500;
      } catch (error) {
        await candidate.end().catch(() => undefined);
        log(`live: cannot connect (${(error as Error).message || String(error)}); retrying in ${retryMs} ms`);
        await sleep(retryMs, options.signal);
        retryMs = Math.min(retryMs * 2, options.retryMaxMs ?? 30_000);
        if (options.signal?.aborted) {
          throw new Error('stopped');
        }
      }
    }
    return client;
  };

  // Writes a batch, reconnecting until it is in: the batch is kept across failures, so order is preserved.
  const write = async (batch: LedgerEvent[]) => {
    while (batch.length > 0 && !options.signal?.aborted) {
      try {
        const target = await connected();
        // COPY for backfill batches, INSERT for the trickle of real time (a COPY costs a round trip more)
        await (batch.length >= COPY_FROM ? copyEvents(target, batch) : appendEvents(target, batch));
        written += batch.length;
        return;
      } catch (error) {
        if (error instanceof Error && error.message === 'stopped') {
          return;
        }
        if (error instanceof Error && error.name === 'LedgerEventError') {
          throw error; // a bug in the generator, not an outage
        }
        log(`live: write failed (${(error as Error).message}); reconnecting`);
        await client?.end().catch(() => undefined);
        client = undefined;
        reconnects++;
      }
    }
  };

  // The backfill is a bulk load: statistics now, not whenever autovacuum comes (#12). Dashboards still work without
  // them, so a failure is logged and the live writes go on.
  const analyzeBackfill = async () => {
    try {
      await analyzeLedger(await connected());
    } catch (error) {
      log(`live: could not analyze the ledger after the backfill (${(error as Error).message})`);
    }
  };

  // What the ledger holds already, waiting for the database like a write does.
  const readPosition = async (): Promise<LedgerPosition | undefined> => {
    for (;;) {
      try {
        return await readLedgerPosition(await connected());
      } catch (error) {
        if (error instanceof ResumeError || (error instanceof Error && error.message === 'stopped')) {
          throw error;
        }
        log(`live: cannot read the ledger (${(error as Error).message}); reconnecting`);
        await client?.end().catch(() => undefined);
        client = undefined;
        reconnects++;
      }
    }
  };

  let caughtUp = false;
  try {
    let position: LedgerPosition | undefined;
    try {
      position = await readPosition();
    } catch (error) {
      if (error instanceof Error && error.message === 'stopped') {
        return { events: 0, reconnects };
      }
      throw error;
    }
    const start = position ? resumedAnchor(position) : freshAnchor(now(), backfillMs);
    const simulation = simulate({
      scenario: options.scenario,
      seed: options.seed,
      start,
      scale: options.scale,
      placement: { mode: 'live', realTimeFrom: start + backfillMs },
    });
    const events = afterPosition(simulation, position, (skipped) => {
      if (position && skipped !== position.events) {
        log(
          `live: the ledger holds ${position.events} events up to its newest, this simulation ${skipped}: it was ` +
            'written with another scenario, seed, scale or backfill, or by another writer; continuing after the newest'
        );
      }
    });
    log(
      position
        ? `live: resuming after ${new Date(position.newestMs).toISOString()} (${position.events} events in the ledger; the simulation started ${new Date(start).toISOString()})`
        : `live: backfilling from ${new Date(start).toISOString()}`
    );
    let pending = events.next();
    while (!options.signal?.aborted) {
      const batch: LedgerEvent[] = [];
      const until = now();
      while (!pending.done && (pending.value.occurredAt as Date).getTime() <= until && batch.length < BACKFILL_BATCH) {
        batch.push(pending.value);
        pending = events.next();
      }
      await write(batch);
      if (batch.length < BACKFILL_BATCH) {
        if (!caughtUp) {
          caughtUp = true;
          await analyzeBackfill();
          log(`live: backfill done (${written} events); writing in real time`);
        }
        await sleep(tickMs, options.signal); // caught up with the clock: write once per tick
      }
    }
  } finally {
    await client?.end().catch(() => undefined);
  }
  return { events: written, reconnects };
}

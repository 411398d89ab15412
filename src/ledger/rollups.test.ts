/**
 * The rollups (migrations 0014-0017, 0022) are a cache of ledger_events: whatever the batching, order or timing of
 * the inserts, and whether the rows came before the migration (backfill) or after it (trigger), the rollup tables
 * must equal what a GROUP BY over ledger_events gives.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';

import { createTestDatabase } from '../../tests/support/postgres';
import type { LedgerEvent } from './ledgerEvent';
import { createLedgerTestDatabase, type LedgerTestDatabase } from './ledgerTestDatabase';
import { migrate, MIGRATIONS } from './migrate';
import { simulate } from './simulator/engine';
import { loadScenario } from './simulator/scenarios/index';
import { appendEvents, copyEvents } from './writer';

const START = Date.UTC(2026, 10, 2, 9, 20);
const EVENTS: LedgerEvent[] = [
  ...simulate({ scenario: loadScenario('slow-tools'), seed: 3, start: START, end: START + 150 * 60_000, scale: 0.4 }),
];

const HOUR = `date_bin('1 hour', occurred_at, TIMESTAMPTZ '2001-01-01 00:00:00+00')`;
const FIVE_MINUTES = `date_bin('5 minutes', occurred_at, TIMESTAMPTZ '2001-01-01 00:00:00+00')`;
const DAY = `date_bin('1 day', occurred_at, TIMESTAMPTZ '2001-01-01 00:00:00+00')`;
const NAME = `CASE WHEN kind IN ('tool.call', 'llm.call') THEN name END`;

/** A rollup of ledger_events with 0014's columns (ledger_rollup_hourly, ledger_rollup_5min) and its GROUP BY twin. */
const rollupCheck = (table: string, bucket: string): [string, string, string] => [
  table,
  `SELECT kind, bucket, mode, agent, worker_id, name, status, events, first_at, last_at, duration_n,
            round(duration_sum::numeric, 6) AS duration_sum, duration_min, duration_max, tokens_in, tokens_out,
            tokens_in_max, tokens_out_max, tokens_max, round(cost_usd::numeric, 9) AS cost_usd, cost_max, value_n,
            round(value_sum::numeric, 9) AS value_sum, value_min, value_max
     FROM ${table}`,
  `SELECT kind, ${bucket} AS bucket, mode, agent, CASE WHEN kind = 'worker.heartbeat' THEN worker_id END AS worker_id,
            name, status, count(*) AS events, min(occurred_at) AS first_at, max(occurred_at) AS last_at,
            count(duration_ms) AS duration_n, round(coalesce(sum(duration_ms), 0)::numeric, 6) AS duration_sum,
            min(duration_ms) AS duration_min, max(duration_ms) AS duration_max,
            sum(coalesce(tokens_in, 0)) AS tokens_in, sum(coalesce(tokens_out, 0)) AS tokens_out,
            max(coalesce(tokens_in, 0)) AS tokens_in_max, max(coalesce(tokens_out, 0)) AS tokens_out_max,
            max(coalesce(tokens_in, 0) + coalesce(tokens_out, 0)) AS tokens_max,
            round(sum(coalesce(cost_usd, 0))::numeric, 9) AS cost_usd, max(coalesce(cost_usd, 0)) AS cost_max,
            count(value) AS value_n, round(coalesce(sum(value), 0)::numeric, 9) AS value_sum, min(value) AS value_min,
            max(value) AS value_max
     FROM ledger_events GROUP BY 1, 2, 3, 4, 5, 6, 7`,
];

/** Each rollup table, and the same content computed from ledger_events, both as sorted JSON text. */
const CHECKS: Array<[string, string, string]> = [
  rollupCheck('ledger_rollup_hourly', HOUR),
  rollupCheck('ledger_rollup_5min', FIVE_MINUTES),
  [
    'ledger_duration_histogram_daily',
    'SELECT kind, bucket, name, bin, events FROM ledger_duration_histogram_daily',
    `SELECT kind, ${DAY} AS bucket, ${NAME} AS name, ledger_duration_bin(duration_ms) AS bin, count(*) AS events
     FROM ledger_events WHERE duration_ms IS NOT NULL GROUP BY 1, 2, 3, 4`,
  ],
  [
    'ledger_duration_top_hourly',
    'SELECT kind, bucket, name, events, top FROM ledger_duration_top_hourly',
    `SELECT kind, ${HOUR} AS bucket, ${NAME} AS name, count(*) AS events,
            (array_agg(duration_ms ORDER BY duration_ms DESC))[1:64] AS top
     FROM ledger_events WHERE duration_ms IS NOT NULL GROUP BY 1, 2, 3`,
  ],
];

async function assertRollupsMatch(client: pg.ClientBase): Promise<void> {
  for (const [table, stored, expected] of CHECKS) {
    const read = async (sql: string) =>
      (
        await client.query<{ rows: string }>(
          `SELECT coalesce(json_agg(r ORDER BY r::text), '[]')::text AS rows FROM (${sql}) r`
        )
      ).rows[0]!.rows;
    assert.equal(await read(stored), await read(expected), `${table} equals a GROUP BY over ledger_events`);
  }
}

describe('rollups', () => {
  let db: LedgerTestDatabase;
  before(async () => {
    db = await createLedgerTestDatabase('rollups');
  });
  after(() => db.drop());

  it('match the events after one COPY', async () => {
    const client = await db.connect();
    await copyEvents(client, EVENTS);
    await assertRollupsMatch(client);
    const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM ledger_rollup_hourly');
    assert.ok(Number(rows[0]!.n) > 20, 'several hours, kinds and dimensions');
  });

  it('match whatever the batching and order: small INSERTs, reversed, late events included', async () => {
    const other = await createLedgerTestDatabase('rollups_order');
    try {
      const client = await other.connect();
      const reversed = [...EVENTS].reverse();
      for (let i = 0; i < reversed.length; i += 97) {
        await appendEvents(client, reversed.slice(i, i + 97));
      }
      await assertRollupsMatch(client);
    } finally {
      await other.drop();
    }
  });

  it('match with two writers inserting the same hours at once (no deadlock, nothing lost)', async () => {
    const other = await createLedgerTestDatabase('rollups_concurrent');
    try {
      const [a, b] = [await other.connect(), await other.connect()];
      const batches = (offset: number) => EVENTS.filter((_, i) => Math.floor(i / 50) % 2 === offset);
      const write = async (client: pg.Client, events: LedgerEvent[]) => {
        for (let i = 0; i < events.length; i += 50) {
          await appendEvents(client, events.slice(i, i + 50));
        }
      };
      await Promise.all([write(a, batches(0)), write(b, batches(1))]);
      await assertRollupsMatch(a);
    } finally {
      await other.drop();
    }
  });

  it('are filled from the events already there when the migration runs', async () => {
    const fresh = await createTestDatabase('rollups_backfill');
    const client = new pg.Client({ connectionString: fresh.url });
    await client.connect();
    try {
      await migrate(client, { migrations: MIGRATIONS.slice(0, 12) });
      await copyEvents(client, EVENTS.slice(0, 3_000));
      await migrate(client);
      await copyEvents(client, EVENTS.slice(3_000));
      await assertRollupsMatch(client);
    } finally {
      await client.end();
      await fresh.drop();
    }
  });
});

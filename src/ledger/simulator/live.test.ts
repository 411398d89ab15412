/**
 * --live on a fake clock: it backfills, then writes each event when its moment comes, and survives a database
 * restart: the server is stopped between two ticks and started again a few retries later; afterwards the ledger
 * holds exactly the simulated events up to the clock, in order, none lost and none twice.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';

import { startCluster, type TestCluster } from '../../../tests/support/postgres';
import type { LedgerEvent } from '../ledgerEvent';
import { createLedgerTestDatabase, disableAutovacuum, tablesWithoutStatistics } from '../ledgerTestDatabase';
import { migrate } from '../migrate';
import { simulate } from './engine';
import { runLive } from './live';
import { loadScenario } from './scenarios/index';

const T0 = Date.UTC(2026, 10, 2, 12, 0, 0);
const MINUTE = 60_000;

describe('live mode', () => {
  let cluster: TestCluster;
  let url: string;
  before(async () => {
    // a server of its own: the test stops and restarts it
    cluster = await startCluster();
    url = cluster.adminUrl;
    await migrate(url);
  });
  after(() => cluster?.stop());

  it('backfills, follows the clock, and reconnects after a restart without losing or repeating events', async () => {
    const scenario = loadScenario('worker-down');
    let now = T0;
    let phase: 'up' | 'down' | 'restarted' = 'up';
    const controller = new AbortController();
    const lines: string[] = [];
    const result = await runLive({
      url,
      scenario,
      seed: 5,
      scale: 0.3,
      backfillMs: 10 * MINUTE,
      tickMs: 1_000,
      retryMinMs: 200,
      retryMaxMs: 2_000,
      signal: controller.signal,
      log: (line) => lines.push(line),
      now: () => now,
      sleep: async (ms) => {
        now += ms;
        if (phase === 'up' && now >= T0 + MINUTE) {
          phase = 'down';
          cluster.pause(); // between two ticks: no write is in flight
        } else if (phase === 'down' && now >= T0 + MINUTE + 5_000) {
          phase = 'restarted';
          cluster.start();
        }
        if (now >= T0 + 3 * MINUTE) {
          controller.abort();
        }
        await new Promise(setImmediate);
      },
    });
    assert.equal(phase, 'restarted');
    assert.ok(result.reconnects >= 1, `reconnected (${lines.join('; ')})`);
    assert.ok(
      lines.some((line) => /cannot connect/.test(line)),
      'it waited for the server'
    );

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ at: Date; kind: string; worker_id: string | null; job_id: string | null }>(
        'SELECT occurred_at AS at, kind, worker_id, job_id FROM ledger_events ORDER BY seq'
      );
      const start = Math.floor((T0 - 10 * MINUTE) / 1000) * 1000;
      const last = rows[rows.length - 1]!.at.getTime();
      const expected: LedgerEvent[] = [];
      for (const event of simulate({
        scenario,
        seed: 5,
        scale: 0.3,
        start,
        placement: { mode: 'live', realTimeFrom: T0 },
      })) {
        expected.push(event);
        if (expected.length > rows.length) {
          break;
        }
      }
      assert.equal(result.events, rows.length);
      assert.deepEqual(
        rows.map((r) => [r.at.getTime(), r.kind, r.worker_id, r.job_id]),
        expected
          .slice(0, rows.length)
          .map((e) => [(e.occurredAt as Date).getTime(), e.kind, e.workerId ?? null, e.jobId ?? null])
      );
      assert.ok(last > T0 + 2 * MINUTE, 'it kept writing after the restart');
      assert.ok((expected[rows.length]!.occurredAt as Date).getTime() > last, 'nothing due was left unwritten');
    } finally {
      await client.end();
    }
  });

  it('analyzes the ledger once the backfill is written (#12)', async () => {
    const db = await createLedgerTestDatabase('live_stats');
    try {
      const owner = await db.connect();
      await disableAutovacuum(owner); // only the backfill may have analyzed what the test finds
      const controller = new AbortController();
      const lines: string[] = [];
      const result = await runLive({
        url: db.url,
        scenario: loadScenario('steady'),
        seed: 5,
        scale: 0.3,
        backfillMs: 10 * MINUTE,
        signal: controller.signal,
        log: (line) => lines.push(line),
        now: () => T0,
        sleep: async () => controller.abort(), // the first sleep comes once the backfill has caught up
      });
      assert.ok(result.events > 0);
      assert.ok(
        lines.some((line) => /backfill done/.test(line)),
        lines.join('; ')
      );
      assert.deepEqual(await tablesWithoutStatistics(owner), []);
    } finally {
      await db.drop();
    }
  });
});

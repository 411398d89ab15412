/**
 * #12 (defect 8): restarting the compose stack's simulator duplicated the ledger — with the volume kept, every
 * restart wrote the backfill (the last 6 h) again and every count doubled. A restart must continue from what is
 * there: two runs with a stop between them leave exactly what one uninterrupted run would have written by then, with
 * no fact and no id twice. Also: the live loop added an abort listener per tick and never removed it
 * (MaxListenersExceededWarning within seconds).
 * Fixed in src/ledger/simulator/resume.ts and live.ts (runLive, defaultSleep).
 */
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { after, before, it } from 'node:test';
import pg from 'pg';

import {
  createLedgerTestDatabase,
  createLoginRole,
  type LedgerTestDatabase,
} from '../../src/ledger/ledgerTestDatabase';
import { simulate } from '../../src/ledger/simulator/engine';
import { runLive, type LiveOptions } from '../../src/ledger/simulator/live';
import { loadScenario } from '../../src/ledger/simulator/scenarios/index';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 10, 2, 12, 0, 0);
const scenario = loadScenario('worker-down');
const common = { scenario, seed: 7, scale: 0.3, backfillMs: 10 * MINUTE, tickMs: 1_000 };

let ledger: LedgerTestDatabase;
let admin: pg.Client;

before(async () => {
  ledger = await createLedgerTestDatabase('reg0021');
  admin = await ledger.connect();
});

after(() => ledger?.drop());

/** One live run on a fake clock from `from` until `until` (between ticks: no write in flight when it stops). */
async function liveRun(url: string, from: number, until: number, extra: Partial<LiveOptions> = {}) {
  let now = from;
  const controller = new AbortController();
  return runLive({
    ...common,
    url,
    signal: controller.signal,
    now: () => now,
    sleep: async (ms) => {
      now += ms;
      if (now >= until) {
        controller.abort();
      }
      await new Promise(setImmediate);
    },
    ...extra,
  });
}

type Row = { at: Date; kind: string; worker_id: string | null; job_id: string | null; span_id: string | null };
const key = (at: number, kind: string, worker: string | null, job: string | null) =>
  JSON.stringify([at, kind, worker, job]);
const countBy = (keys: string[]) => keys.reduce((m, k) => m.set(k, (m.get(k) ?? 0) + 1), new Map<string, number>());

it('continues after a restart: the ledger holds what one uninterrupted run writes, nothing twice', async () => {
  const first = await liveRun(ledger.url, T0, T0 + 3 * MINUTE);
  // stopped for three minutes, then started again against the same database, as `docker compose restart` does
  const second = await liveRun(ledger.url, T0 + 6 * MINUTE, T0 + 9 * MINUTE);

  const { rows } = await admin.query<Row>(
    'SELECT occurred_at AS at, kind, worker_id, job_id, span_id FROM ledger_events ORDER BY seq'
  );
  const newest = Math.max(...rows.map((r) => r.at.getTime()));
  assert.ok(newest > T0 + 8 * MINUTE, 'the second run wrote up to its clock');
  assert.equal(first.events + second.events, rows.length);

  // One uninterrupted run from the same moment: every event up to the ledger's newest.
  const single: string[] = [];
  for (const e of simulate({
    scenario,
    seed: common.seed,
    scale: common.scale,
    start: T0 - common.backfillMs,
    placement: { mode: 'live', realTimeFrom: T0 },
  })) {
    const at = (e.occurredAt as Date).getTime();
    if (at > newest) {
      break;
    }
    single.push(key(at, e.kind, e.workerId ?? null, e.jobId ?? null));
  }
  const written = rows.map((r) => key(r.at.getTime(), r.kind, r.worker_id, r.job_id));
  assert.deepEqual(countBy(written), countBy(single), 'every fact exactly as often as in a single run');
  assert.deepEqual(written, single, 'in the same order');

  // Ids: a job is created once; every LLM and tool call span is written once.
  const created = rows.filter((r) => r.kind === 'job.created').map((r) => r.job_id);
  assert.equal(new Set(created).size, created.length, 'no job created twice');
  const spans = rows.filter((r) => r.kind === 'llm.call' || r.kind === 'tool.call').map((r) => r.span_id);
  assert.ok(spans.length > 100);
  assert.equal(new Set(spans).size, spans.length, 'no span written twice');
});

it('refuses, rather than writing twice, when its login may not read the ledger it would continue', async () => {
  const writer = `reg0021_writer_${process.pid}`;
  const url = await createLoginRole(admin, ledger.url, writer, 'ledger_writer');
  try {
    const count = async () => (await admin.query('SELECT count(*)::int AS n FROM ledger_events')).rows[0].n as number;
    const before = await count();
    assert.ok(before > 0);
    await assert.rejects(liveRun(url, T0 + 20 * MINUTE, T0 + 21 * MINUTE), /may not read them/);
    assert.equal(await count(), before);
  } finally {
    await admin.query(`DROP ROLE ${writer}`);
  }
});

it('runs many live ticks without piling up abort listeners or a MaxListenersExceededWarning', async () => {
  const empty = await createLedgerTestDatabase('reg0021b');
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
  process.on('warning', onWarning);
  try {
    const controller = new AbortController();
    let now = T0;
    let ticks = 0;
    let mostListeners = 0;
    await runLive({
      ...common,
      url: empty.url,
      backfillMs: MINUTE,
      tickMs: 1, // the real sleep, as the CLI uses it: 200 ticks take a moment
      signal: controller.signal,
      // The loop reads the clock once per tick, between two sleeps: no sleep is pending then.
      now: () => {
        mostListeners = Math.max(mostListeners, getEventListeners(controller.signal, 'abort').length);
        ticks++;
        if (ticks > 200) {
          controller.abort();
        }
        now += 1_000;
        return now;
      },
    });
    assert.ok(ticks > 200);
    assert.equal(mostListeners, 0, 'each sleep removed its abort listener');
    await new Promise(setImmediate); // warnings are emitted on the next tick
    assert.deepEqual(
      warnings.filter((w) => /MaxListeners/.test(w)),
      []
    );
  } finally {
    process.off('warning', onWarning);
    await empty.drop();
  }
});

/**
 * Each simulator scenario produces the signal it names, checked by plain SQL (src/ledger/simulator/signals.ts) over
 * the events it wrote through the real writer: the alert condition is false before the anomaly and true during it,
 * and the steady scenario keeps every condition false. Small scales and windows keep this fast; the signals that do
 * not depend on scale (errors, queue) are absolute in the scenarios.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';

import type { LedgerEvent } from '../../src/ledger/ledgerEvent';
import { createLedgerTestDatabase, type LedgerTestDatabase } from '../../src/ledger/ledgerTestDatabase';
import { simulate } from '../../src/ledger/simulator/engine';
import { parseDuration, type Scenario } from '../../src/ledger/simulator/scenario';
import { loadScenario } from '../../src/ledger/simulator/scenarios/index';
import { SCENARIO_SIGNALS, SIGNALS, type SignalName } from '../../src/ledger/simulator/signals';
import { copyEvents } from '../../src/ledger/writer';

const START = Date.UTC(2026, 10, 2, 6); // a Monday morning (UTC)
const MINUTE = 60_000;
/** How long after an anomaly ends its signal may still show (5-minute and hourly evaluation windows, draining). */
const LAG = 5 * MINUTE;

interface Loaded {
  db: LedgerTestDatabase;
  client: pg.Client;
  scenario: Scenario;
}

async function load(name: string, scale: number, keep: (e: LedgerEvent) => boolean = () => true): Promise<Loaded> {
  const scenario = loadScenario(name);
  const db = await createLedgerTestDatabase(`scenario_${name.replace(/-/g, '_')}`);
  const client = await db.connect();
  const end = START + parseDuration(scenario.window);
  await copyEvents(client, [...simulate({ scenario, seed: 42, scale, start: START, end })].filter(keep));
  return { db, client, scenario };
}

async function signal(client: pg.Client, name: SignalName, from: number, to: number): Promise<number> {
  const { rows } = await client.query<{ v: number | string }>(SIGNALS[name].sql, [
    new Date(from).toISOString(),
    new Date(to).toISOString(),
  ]);
  return Number(rows[0]?.v ?? 0);
}

/** Start and end of a scenario's (single) anomaly in this test's window. */
function anomalyOf(scenario: Scenario): { from: number; to: number } {
  const anomaly = scenario.anomalies[0]!;
  const from = START + parseDuration(anomaly.at);
  return { from, to: from + parseDuration(anomaly.for) };
}

describe('steady', () => {
  let loaded: Loaded;
  before(async () => {
    loaded = await load('steady', 0.5);
  });
  after(() => loaded?.db.drop());

  for (const name of Object.keys(SIGNALS) as SignalName[]) {
    it(`keeps "${SIGNALS[name].description}" false`, async () => {
      const value = await signal(loaded.client, name, START, START + parseDuration(loaded.scenario.window));
      assert.ok(value <= SIGNALS[name].threshold, `${name} = ${value}`);
    });
  }

  it('has no job over its token cap', async () => {
    const { rows } = await loaded.client.query<{ n: string }>(
      'SELECT count(*) AS n FROM jobs WHERE tokens_used > token_cap'
    );
    assert.equal(Number(rows[0]!.n), 0);
  });
});

/** Scenario → the scale its test runs at (enough events for its signal, few enough to stay fast). */
const SCALES: Readonly<Record<string, number>> = {
  'failure-spike': 0.5,
  'queue-backlog': 0.5,
  'worker-down': 0.5,
  'escalation-storm': 0.5,
  'slow-tools': 0.5,
};

for (const [name, scale] of Object.entries(SCALES)) {
  describe(name, () => {
    let loaded: Loaded;
    before(async () => {
      loaded = await load(name, scale);
    });
    after(() => loaded?.db.drop());

    for (const signalName of SCENARIO_SIGNALS[name]!) {
      it(`makes "${SIGNALS[signalName].description}" true during its anomaly, not before`, async () => {
        const anomaly = anomalyOf(loaded.scenario);
        const threshold = SIGNALS[signalName].threshold;
        const before = await signal(loaded.client, signalName, START, anomaly.from);
        const during = await signal(loaded.client, signalName, anomaly.from, anomaly.to + LAG);
        assert.ok(before <= threshold, `${signalName} before the anomaly = ${before}`);
        assert.ok(during > threshold, `${signalName} during the anomaly = ${during}`);
      });
    }
  });
}

describe('token-spike', () => {
  // 26 hours at scale 0.25; only the first two and the last two hours are written: the signal compares an hour with
  // the same hour a day earlier, and the 22 hours in between are steady.
  const HOUR = 3_600_000;
  let loaded: Loaded;
  before(async () => {
    loaded = await load('token-spike', 0.25, (e) => {
      const t = (e.occurredAt as Date).getTime() - START;
      return t < 2 * HOUR || t >= 24 * HOUR;
    });
  });
  after(() => loaded?.db.drop());

  it('doubles the tokens of the same hour yesterday during the spike, not in the steady hour before it', async () => {
    const anomaly = anomalyOf(loaded.scenario);
    const steadyHour = await signal(loaded.client, 'tokensVsYesterday', anomaly.from - HOUR, anomaly.from);
    const spikeHour = await signal(loaded.client, 'tokensVsYesterday', anomaly.from, anomaly.to);
    assert.ok(steadyHour <= 2, `steady hour: ${steadyHour}x yesterday`);
    assert.ok(spikeHour > 2, `spike hour: ${spikeHour}x yesterday`);
  });

  it('sends jobs over their token cap (budget.exceeded) during the spike only', async () => {
    const anomaly = anomalyOf(loaded.scenario);
    assert.equal(await signal(loaded.client, 'budgetExceeded', START, anomaly.from), 0);
    assert.ok((await signal(loaded.client, 'budgetExceeded', anomaly.from, anomaly.to + LAG)) > 0);
    const { rows } = await loaded.client.query<{ n: string }>(
      'SELECT count(*) AS n FROM jobs WHERE tokens_used > token_cap'
    );
    assert.ok(Number(rows[0]!.n) > 0, 'jobs over their cap in the jobs table (the runbook query)');
  });
});

describe('worker-down', () => {
  it('leaves the dead worker running nothing the sweeper has not requeued', async () => {
    const loaded = await load('worker-down', 0.5);
    try {
      const { rows } = await loaded.client.query<{ requeued: string; by: string | null }>(
        `SELECT count(*) AS requeued, min(worker_id) AS by FROM ledger_events
         WHERE kind = 'job.requeued' AND name = 'stale heartbeat' AND payload->>'previous_worker_id' = 'worker-03'`
      );
      assert.ok(Number(rows[0]!.requeued) >= 1, "the dead worker's job was requeued by the sweeper");
      assert.equal(rows[0]!.by, null, 'the sweeper is not a worker');
    } finally {
      await loaded.db.drop();
    }
  });
});

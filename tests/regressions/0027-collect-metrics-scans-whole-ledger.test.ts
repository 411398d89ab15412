/**
 * #14: every CollectMetrics (once the 15 s cache expired) aggregated the whole ledger: counters, sums and histogram
 * buckets by scanning every job, LLM, tool, error and escalation event ever written, ~1 s at 10M events and growing.
 * Now counters come from the hourly rollup and histogram buckets are counted once per hour and re-read only for
 * hours whose events changed. Here: 36 hours of simulated history (older and recent hours are kept apart), a scrape, then new events in the current hour
 * and a late one in an old hour, and a second scrape. Every exported ledger value must equal an oracle computed in
 * plain TypeScript over the events written, after both scrapes; and the second scrape may read from ledger_events
 * no more rows than the changed hours hold (counted by PostgreSQL's own statistics, pg_stat_user_tables and
 * pg_stat_user_indexes, which see every scan whatever plan it used).
 * Fixed in src/backend/plugin/ledgerMetrics.ts and ledgerHistograms.ts.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import pg from 'pg';

import { APPLICATION_NAME } from '../../src/backend/db/pool';
import { Logger } from '../../src/backend/log';
import { InstanceManager } from '../../src/backend/plugin/instances';
import { LedgerMetrics } from '../../src/backend/plugin/ledgerMetrics';
import type { RequestContext } from '../../src/backend/plugin/types';
import type { LedgerEvent } from '../../src/ledger/ledgerEvent';
import { createLedgerTestDatabase, type LedgerTestDatabase } from '../../src/ledger/ledgerTestDatabase';
import { simulate } from '../../src/ledger/simulator/engine';
import { loadScenario } from '../../src/ledger/simulator/scenarios/index';
import { copyEvents } from '../../src/ledger/writer';

const HOUR = 3_600_000;
const JOB_BUCKETS_S = [1, 5, 10, 30, 60, 120, 300, 600, 1_800, 3_600];
const TOOL_BUCKETS_S = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const UID = 'ledger-scan';

let ledger: LedgerTestDatabase;
let admin: pg.Client;
const written: LedgerEvent[] = [];

before(async () => {
  ledger = await createLedgerTestDatabase('reg0027');
  admin = await ledger.connect();
  const end = Date.now() - 1_000;
  written.push(...simulate({ scenario: loadScenario('steady'), seed: 27, scale: 0.1, start: end - 36 * HOUR, end }));
  await copyEvents(admin, written);
});

after(async () => {
  await admin?.end();
  await ledger?.drop();
});

const ms = (at: LedgerEvent['occurredAt']) => new Date(at).getTime();
const hourOf = (at: number) => Math.floor(at / HOUR) * HOUR;

/** The exported ledger series, computed from the events alone. */
function oracle(events: readonly LedgerEvent[]): Map<string, number> {
  const series = new Map<string, number>();
  const add = (name: string, value: number) => series.set(name, (series.get(name) ?? 0) + value);
  const label = (value: string | undefined | null) => value ?? '(none)';
  const histogram = (family: string, labelName: string, value: string, durationMs: number, buckets: number[]) => {
    const labels = `datasource="${UID}",${labelName}="${value}"`;
    buckets.forEach((le) => add(`${family}_bucket{${labels},le="${le}"}`, durationMs <= le * 1000 ? 1 : 0));
    add(`${family}_bucket{${labels},le="+Inf"}`, 1);
    add(`${family}_count{${labels}}`, 1);
    add(`${family}_sum{${labels}}`, durationMs / 1000);
  };
  add(`escalation_total{datasource="${UID}"}`, 0);
  for (const e of events) {
    if (e.kind === 'job.completed' || e.kind === 'job.failed') {
      const family = e.kind === 'job.completed' ? 'job_completed_total' : 'job_failed_total';
      add(`${family}{datasource="${UID}",mode="${label(e.mode)}"}`, 1);
      if (e.durationMs !== undefined && e.durationMs !== null) {
        histogram('job_duration_seconds', 'mode', label(e.mode), e.durationMs, JOB_BUCKETS_S);
      }
    } else if (e.kind === 'llm.call') {
      add(`tokens_used_total{datasource="${UID}",model="${label(e.name)}"}`, (e.tokensIn ?? 0) + (e.tokensOut ?? 0));
    } else if (e.kind === 'tool.call' && e.durationMs !== undefined && e.durationMs !== null) {
      histogram('tool_duration_seconds', 'tool', label(e.name), e.durationMs, TOOL_BUCKETS_S);
    } else if (e.kind === 'escalation') {
      add(`escalation_total{datasource="${UID}"}`, 1);
    } else if (e.kind === 'error') {
      add(`error_total{datasource="${UID}",type="${label(e.name)}"}`, 1);
    }
  }
  return series;
}

const FAMILIES =
  /^(job_completed_total|job_failed_total|tokens_used_total|escalation_total|error_total|job_duration_seconds|tool_duration_seconds)/;

function exported(text: string): Map<string, number> {
  const series = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (FAMILIES.test(line)) {
      const space = line.lastIndexOf(' ');
      series.set(line.slice(0, space), Number(line.slice(space + 1)));
    }
  }
  return series;
}

function assertMatchesOracle(text: string, events: readonly LedgerEvent[], scrape: string) {
  const want = oracle(events);
  const got = exported(text);
  assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort(), `${scrape}: the same series`);
  for (const [name, value] of want) {
    const tolerance = name.includes('_sum{') ? 1e-9 * Math.max(1, value) : 0;
    assert.ok(Math.abs(got.get(name)! - value) <= tolerance, `${scrape}: ${name} is ${got.get(name)}, want ${value}`);
  }
}

/** Rows read from ledger_events (and its indexes) since the statistics were last reset. */
async function ledgerEventRowsRead(): Promise<number> {
  // Our own backend's pending counts (the COPY's triggers read ledger_events) must not land inside the window.
  await admin.query('SELECT pg_stat_force_next_flush()');
  await admin.query('SELECT pg_stat_clear_snapshot()');
  const { rows } = await admin.query<{ n: string }>(
    `SELECT (SELECT coalesce(seq_tup_read, 0) FROM pg_stat_user_tables WHERE relname = 'ledger_events')
          + (SELECT coalesce(sum(idx_tup_read), 0) FROM pg_stat_user_indexes WHERE relname = 'ledger_events') AS n`
  );
  return Number(rows[0]!.n);
}

function context(): RequestContext {
  const url = new URL(ledger.url);
  return {
    orgId: 1,
    pluginId: 'aicodeteam-ledger-datasource',
    datasource: {
      id: 1,
      uid: UID,
      name: 'Ledger',
      url: `${url.hostname}:${url.port}`,
      user: decodeURIComponent(url.username),
      database: '',
      jsonData: { database: url.pathname.slice(1), sslmode: 'disable' },
      secureJsonData: { password: decodeURIComponent(url.password) },
      lastUpdatedMS: 1,
    },
    grafanaConfig: {},
    pluginVersion: 'test',
    userAgent: 'test',
  };
}

/**
 * One scrape of the datasource; its connections are then terminated, because a backend reports what it read to the
 * statistics only from time to time, and at the latest when it exits (before it leaves pg_stat_activity).
 */
async function scrape(metrics: LedgerMetrics, instances: InstanceManager): Promise<string> {
  const text = await metrics.render([instances.get(context())]);
  const find = 'FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()';
  await admin.query(`SELECT pg_terminate_backend(pid) ${find}`, [APPLICATION_NAME]);
  for (let waited = 0; waited < 10_000; waited += 50) {
    if ((await admin.query(`SELECT 1 ${find}`, [APPLICATION_NAME])).rows.length === 0) {
      return text;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the scrape connections did not close');
}

it('scrapes equal the oracle, and a later scrape reads only the hours that changed', async () => {
  // No cache between the two scrapes: the second one must see the new events.
  const metrics = new LedgerMetrics(0);
  const instances = new InstanceManager(new Logger(() => undefined, 'error'));
  after(() => instances.closeAll());
  const first = await scrape(metrics, instances);
  assertMatchesOracle(first, written, 'first scrape');

  const now = Date.now();
  const lateHour = hourOf(now) - 6 * HOUR;
  const added: LedgerEvent[] = [
    { kind: 'job.completed', occurredAt: new Date(now), jobId: 'late-1', mode: 'genius', durationMs: 4_000 },
    {
      kind: 'job.failed',
      occurredAt: new Date(now),
      jobId: 'late-2',
      mode: 'reviewer',
      name: 'TimeoutError',
      durationMs: 2_000_000,
    },
    { kind: 'tool.call', occurredAt: new Date(now), jobId: 'late-1', name: 'read_file', durationMs: 70 },
    { kind: 'tool.call', occurredAt: new Date(lateHour + 60_000), jobId: 'late-1', name: 'new_tool', durationMs: 3 },
    { kind: 'llm.call', occurredAt: new Date(now), jobId: 'late-1', name: 'claude-sonnet', tokensIn: 7, tokensOut: 5 },
    { kind: 'error', occurredAt: new Date(now), jobId: 'late-2', name: 'NewError' },
    { kind: 'escalation', occurredAt: new Date(lateHour + 120_000), jobId: 'late-2', name: 'stuck' },
  ];
  await copyEvents(admin, added);
  written.push(...added);

  const before = await ledgerEventRowsRead();
  const second = await scrape(metrics, instances);
  const read = (await ledgerEventRowsRead()) - before;
  assertMatchesOracle(second, written, 'second scrape');

  const changedHours = new Set([hourOf(now), lateHour]);
  const inChangedHours = written.filter((e) => changedHours.has(hourOf(ms(e.occurredAt)))).length;
  assert.ok(read > 0, 'the changed hours are read from ledger_events');
  assert.ok(
    read <= inChangedHours,
    `the second scrape read ${read} rows of ledger_events; the changed hours hold ${inChangedHours} of ${written.length}`
  );
});

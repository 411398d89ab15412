/**
 * #12 (defect 3): on a ledger bulk-loaded a moment ago (no ANALYZE yet, autovacuum off) the worker panels timed out.
 * workers.alive joined buckets with heartbeats on a time range; without statistics the planner guessed a handful of
 * heartbeats and chose a nested loop over every bucket × every heartbeat (7-12 s for 1 h on a bigger ledger, the
 * 30 s statement timeout beyond). Here a 12-hour ledger and a 2-second statement timeout: the old plan needs several
 * times that, the index-driven one a fraction.
 * Fixed in src/backend/query/metrics/workerSql.ts (one index probe per bucket). Expected values come from the
 * simulated heartbeats themselves.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';

import type { LedgerEvent } from '../../src/ledger/ledgerEvent';
import { simulate } from '../../src/ledger/simulator/engine';
import { loadScenario } from '../../src/ledger/simulator/scenarios/index';
import { queryExecutable } from '../provisioning/support/executableQueries';
import {
  ANCHOR as E,
  HOUR,
  MINUTE,
  SEED,
  createScenarioLedger,
  type ScenarioLedger,
} from '../provisioning/support/scenarioLedger';
import { datasourceContext } from '../support/grafanaRequests';
import { launchPlugin, type PluginUnderTest } from '../support/pluginProcess';

const LEDGER_FROM = E - 12 * HOUR;
const STATEMENT_TIMEOUT_MS = 2_000;

let ledger: ScenarioLedger;
let plugin: PluginUnderTest;
let heartbeats: Array<{ at: number; worker: string }>;

before(async () => {
  ledger = await createScenarioLedger('reg0026', [{ scenario: 'steady', from: LEDGER_FROM, to: E }], {
    unanalyzed: true,
  });
  const events: LedgerEvent[] = [
    ...simulate({ scenario: loadScenario('steady'), seed: SEED, start: LEDGER_FROM, end: E }),
  ];
  heartbeats = events
    .filter((e) => e.kind === 'worker.heartbeat')
    .map((e) => ({ at: new Date(e.occurredAt).getTime(), worker: e.workerId! }));
  plugin = await launchPlugin({ handshakeTimeoutMs: 60_000 });
});

after(async () => {
  plugin?.kill();
  await ledger?.close();
});

/** A series panel query as Grafana sends it; fails on an error response (a timeout among them). */
async function series(metric: string, range: { from: number; to: number }, intervalMs: number) {
  const context = datasourceContext({
    url: ledger.readerUrl.toString(),
    uid: 'ledger',
    jsonData: { statementTimeoutMs: STATEMENT_TIMEOUT_MS },
  });
  const response = await queryExecutable(plugin, context, {
    refId: 'A',
    model: { queryType: 'metrics', metric },
    range,
    intervalMs,
    maxDataPoints: 1_000,
  });
  assert.equal(response.error, undefined, `${metric}: ${response.error?.message}`);
  return response.frames;
}

/** Bucket starts of [from, to) for a width that divides an hour (epoch-aligned). */
const bucketStarts = (range: { from: number; to: number }, width: number) =>
  Array.from({ length: Math.ceil((range.to - range.from) / width) }, (_, i) => range.from + i * width);

it('workers alive over 1 hour and 12 hours answers within the statement timeout, bucket by bucket', async () => {
  for (const [range, width] of [
    [{ from: E - HOUR, to: E }, 5_000],
    [{ from: LEDGER_FROM, to: E }, MINUTE],
  ] as const) {
    const [frame] = await series('workers.alive', range, width);
    assert.ok(frame, 'a frame');
    const times = Array.from(frame.fields[0]!.values as ArrayLike<number>);
    const values = Array.from(frame.fields[1]!.values as ArrayLike<number>);
    const lookback = Math.max(width, MINUTE);
    const expected = bucketStarts(range, width).map((t) => {
      const inWindow = heartbeats.filter((h) => h.at >= t + width - lookback && h.at < t + width);
      return new Set(inWindow.map((h) => h.worker)).size;
    });
    assert.deepEqual(times, bucketStarts(range, width));
    assert.deepEqual(values, expected, `workers alive per ${width / 1000} s bucket`);
    assert.ok(Math.max(...expected) >= 8, 'every worker heartbeats');
  }
});

it('heartbeat age per worker over 12 hours answers within the statement timeout, bucket by bucket', async () => {
  const range = { from: LEDGER_FROM + HOUR, to: E }; // an hour of history before the window
  const frames = await series('worker.heartbeat_age_s', range, MINUTE);
  const workers = [...new Set(heartbeats.map((h) => h.worker))].sort();
  assert.deepEqual(frames.map((f) => f.fields[1]!.labels?.worker).sort(), workers);
  for (const frame of frames) {
    const worker = frame.fields[1]!.labels!.worker!;
    const own = heartbeats.filter((h) => h.worker === worker).map((h) => h.at);
    const expected = bucketStarts(range, MINUTE).map((t) => {
      const end = Math.min(t + MINUTE, range.to);
      const latest = Math.max(...own.filter((at) => at < end));
      return (t + MINUTE - latest) / 1000;
    });
    const values = Array.from(frame.fields[1]!.values as ArrayLike<number>);
    assert.equal(values.length, expected.length, worker);
    values.forEach((v, i) =>
      assert.ok(Math.abs(v - expected[i]!) < 1e-6, `${worker} bucket ${i}: ${v} ≠ ${expected[i]}`)
    );
  }
});

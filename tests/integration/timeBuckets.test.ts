/**
 * Time bucketing, proven over the hard places rather than sampled: for every zone below (each kind of offset: ±:30,
 * :45, northern and southern daylight saving, a 30-minute daylight saving, transitions at midnight, a permanent
 * change of offset, UTC) and every step of Grafana's interval ladder from 1 s to 30 d, windows are laid across each
 * offset change of the zone's test year (or across fixed instants where the zone has none). Each time series must
 * have strictly ascending times, exactly the buckets of the oracle (tests/integration/metrics/bucketOracle.ts: no
 * gap, no repeat, no merged interval) and the oracle's value in each.
 *
 * Events sit at every bucket edge (on it and 1 ms before it) plus pseudo-random instants, so a bucket that starts a
 * hair off, or an event counted in its neighbour, changes a value. Whole hours of hour-aligned windows are answered
 * from the hourly rollups, so both the rollup and the raw paths are covered.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { copyEvents } from '../../src/ledger/writer';
import type { LedgerEvent } from '../../src/ledger/ledgerEvent';
import { createLedgerTestDatabase, type LedgerTestDatabase } from '../../src/ledger/ledgerTestDatabase';
import { rng } from './fixtures/rollingLedger';
import { bucketLayout, bucketValues, offsetChanges, type OracleAggregation } from './metrics/bucketOracle';
import { runQuery, seriesOf, targetFor } from './support/runQuery';

/** Grafana's interval ladder (rangeutil.roundInterval) from 1 s up, in seconds. */
const GRAFANA_INTERVALS_S = [
  1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1_200, 1_800, 3_600, 7_200, 10_800, 21_600, 43_200, 86_400, 604_800,
  2_592_000,
];

/** Zones and the year whose offset changes the windows are laid across. */
const ZONES: ReadonlyArray<{ zone: string; year: number; why: string }> = [
  { zone: 'UTC', year: 2026, why: 'no offset' },
  { zone: 'Europe/Berlin', year: 2026, why: 'northern daylight saving, whole hours' },
  { zone: 'America/New_York', year: 2026, why: 'negative offset, northern daylight saving' },
  { zone: 'Australia/Sydney', year: 2026, why: 'southern daylight saving' },
  { zone: 'America/Santiago', year: 2026, why: 'southern daylight saving at midnight: a day without 00:00' },
  { zone: 'America/St_Johns', year: 2026, why: '-03:30 with daylight saving' },
  { zone: 'Asia/Kathmandu', year: 2026, why: '+05:45, no daylight saving' },
  { zone: 'Asia/Kolkata', year: 2026, why: '+05:30, no daylight saving' },
  { zone: 'Australia/Lord_Howe', year: 2026, why: '+10:30 with a 30-minute daylight saving' },
  { zone: 'Pacific/Chatham', year: 2026, why: '+12:45 with daylight saving' },
  { zone: 'America/Caracas', year: 2016, why: 'permanent change from -04:30 to -04:00' },
];

const MINUTE = 60_000;
const DAY = 86_400_000;

interface Case {
  zone: string;
  widthS: number;
  from: number;
  to: number;
  around: number;
}

/** Instants to lay windows across: the zone's offset changes in its year, or two ordinary instants. */
function anchorsOf(zone: string, year: number): number[] {
  const changes = offsetChanges(zone, Date.UTC(year, 0, 1), Date.UTC(year + 1, 0, 1));
  return changes.length > 0 ? changes : [Date.UTC(year, 2, 29, 1, 0), Date.UTC(year, 9, 25, 1, 0)];
}

/** A window of about `buckets` buckets around `around`, with edges that fall inside buckets, not on them. */
function windowAround(around: number, widthS: number, buckets: number, random: () => number): [number, number] {
  const width = widthS * 1_000;
  const before = Math.round((buckets / 2 + 0.1 + 0.8 * random()) * width);
  const after = Math.round((buckets / 2 + 0.1 + 0.8 * random()) * width);
  return [around - before, around + after];
}

function buildCases(): Case[] {
  const random = rng(20260329);
  const cases: Case[] = [];
  for (const { zone, year } of ZONES) {
    for (const around of anchorsOf(zone, year)) {
      for (const widthS of GRAFANA_INTERVALS_S) {
        const buckets = widthS >= 86_400 ? 8 : 30;
        const [from, to] = windowAround(around, widthS, buckets, random);
        cases.push({ zone, widthS, from, to, around });
      }
    }
  }
  return cases;
}

/** An LLM call at `at`: it carries a count, tokens (sum) and a latency (avg, max). */
function llmCall(at: number, random: () => number): LedgerEvent {
  return {
    kind: 'llm.call',
    occurredAt: new Date(at),
    name: 'model-a',
    tokensIn: Math.floor(random() * 1_000),
    tokensOut: Math.floor(random() * 500),
    durationMs: 1 + Math.floor(random() * 5_000),
  };
}

/** Events on and 1 ms before every bucket edge of every case, plus random instants in each window. */
function buildEvents(cases: readonly Case[]): LedgerEvent[] {
  const random = rng(7);
  const instants = new Set<number>();
  for (const c of cases) {
    for (const start of bucketLayout(c.zone, c.widthS, c.from, c.to).starts) {
      instants.add(start);
      instants.add(start - 1);
    }
    for (let i = 0; i < 12; i++) {
      instants.add(Math.round(c.from + random() * (c.to - c.from)));
    }
  }
  // and a steady trickle across every day around each offset change, so hour-wide buckets are rarely empty
  for (const around of new Set(cases.map((c) => c.around))) {
    for (let t = around - 2 * DAY; t < around + 2 * DAY; t += 7 * MINUTE + Math.floor(random() * 6 * MINUTE)) {
      instants.add(t);
    }
  }
  return [...instants].sort((a, b) => a - b).map((at) => llmCall(at, random));
}

const AGGREGATIONS: ReadonlyArray<{
  aggregation: OracleAggregation;
  metric: string;
  value: (e: LedgerEvent) => number;
}> = [
  { aggregation: 'count', metric: 'llm.calls', value: () => 1 },
  { aggregation: 'sum', metric: 'tokens.used', value: (e) => (e.tokensIn ?? 0) + (e.tokensOut ?? 0) },
  { aggregation: 'avg', metric: 'llm.latency_ms', value: (e) => e.durationMs ?? 0 },
  { aggregation: 'max', metric: 'llm.latency_ms', value: (e) => e.durationMs ?? 0 },
];

describe('time buckets in every kind of time zone, at every interval of Grafana', () => {
  const cases = buildCases();
  const samplesOf = new Map<(e: LedgerEvent) => number, Array<{ at: number; value: number }>>();
  let ledger: LedgerTestDatabase;
  let target: ReturnType<typeof targetFor>;

  before(async () => {
    const events = buildEvents(cases);
    for (const { value } of AGGREGATIONS) {
      samplesOf.set(
        value,
        events.map((e) => ({ at: (e.occurredAt as Date).getTime(), value: value(e) }))
      );
    }
    ledger = await createLedgerTestDatabase('buckets');
    const client = await ledger.connect();
    try {
      await copyEvents(client, events);
    } finally {
      await client.end();
    }
    target = targetFor(ledger.url);
  });

  after(async () => {
    await target?.close();
    await ledger?.drop();
  });

  for (const { zone, why } of ZONES) {
    it(`${zone} (${why})`, async () => {
      for (const c of cases.filter((x) => x.zone === zone)) {
        const layout = bucketLayout(zone, c.widthS, c.from, c.to);
        for (const { aggregation, metric, value } of AGGREGATIONS) {
          const context = `${zone} ${c.widthS} s ${aggregation} [${new Date(c.from).toISOString()}, ${new Date(c.to).toISOString()})`;
          const frames = await runQuery(
            target,
            { queryType: 'metrics', metric, aggregation, format: 'timeseries', timezone: zone },
            { from: c.from, to: c.to, intervalMs: c.widthS * 1_000, maxDataPoints: 5_000 }
          );
          const series = seriesOf(frames);
          assert.equal(series.length, 1, `${context}: one series`);
          const times = series[0]!.points.map(([t]) => t);
          for (let i = 1; i < times.length; i++) {
            assert.ok(times[i]! > times[i - 1]!, `${context}: times strictly ascending at ${i}`);
          }
          assert.deepEqual(
            times.map((t) => new Date(t).toISOString()),
            layout.starts.map((t) => new Date(t).toISOString()),
            `${context}: bucket starts`
          );
          const samples = samplesOf.get(value)!;
          const expected = bucketValues(layout, samples, aggregation, c.from, c.to);
          series[0]!.points.forEach(([t, v], i) => {
            const want = expected[i] ?? null;
            const same = v === want || (v !== null && want !== null && Math.abs(v - want) <= 1e-9 * Math.max(1, want));
            assert.ok(same, `${context}: value at ${new Date(t).toISOString()}: ${v} ≠ ${want}`);
          });
        }
      }
    });
  }
});

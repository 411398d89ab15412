/**
 * The ledger benchmark (issue #4): bulk-load rate, and the latency of the view and alert queries at ~1M and ~10M
 * events over 1 h, 24 h and 30 d, ours (the metrics builders' SQL) side by side with the plain SQL a Grafana user
 * would write (ledgerQueries.ts), on the same database in the same run, alternating so that drift hits both.
 * Both run as the backend runs its statements (array rows, default type parsing), one connection, warm caches.
 * Every pair is also checked for giving the same answer. Targets (measured, not asserted): 30-day medians under
 * 100 ms; at least 10x faster than the baseline for 24 h and 30 d.
 */
import { loadavg } from 'node:os';
import pg from 'pg';

import { machineDescription, median, ms, percentile, type BenchSection } from './benchSupport';
import { startBenchCluster } from './ledgerBenchCluster';
import { BENCH_TIERS, ensureTier, type LoadedTier } from './ledgerBenchData';
import { runIngestBench } from './ledgerIngest.bench';
import { BENCH_QUERIES, baselineStatement, ourStatement, type BenchQuery } from './ledgerQueries';

const RANGES: ReadonlyArray<readonly [string, number]> = [
  ['1 h', 3_600_000],
  ['24 h', 86_400_000],
  ['30 d', 30 * 86_400_000],
];
const RUNS = 15;
const MIN_RUNS = 5;
/** Slow baselines get fewer runs: at most about this long per query and side. */
const BUDGET_MS = 20_000;

type Row = unknown[];

interface Measured {
  median: number;
  p95: number;
  rows: Row[];
}

/** Which table our statement reads, for the report. */
function sourceOf(text: string): string {
  if (text.includes('ledger_duration_top_hourly')) {
    return 'top-64 (exact)';
  }
  if (text.includes('ledger_duration_histogram_daily')) {
    return 'histogram (approx.)';
  }
  if (text.includes('ledger_rollup_5min')) {
    return text.includes('ledger_rollup_hourly') ? 'hourly + 5-minute rollups' : '5-minute rollup';
  }
  if (text.includes('ledger_rollup_hourly')) {
    return 'hourly rollup';
  }
  return 'raw rows';
}

/** Rows as key (time + labels) → value, for comparing both sides. */
function keyed(rows: readonly Row[], series: boolean, baseline: boolean): Map<string, number | null> {
  const out = new Map<string, number | null>();
  const label = (l: unknown) => (l === null ? null : String(l));
  const number = (v: unknown) => (v === null || v === 'n' ? null : Number(v));
  for (const row of rows) {
    if (series && !baseline) {
      // ours: one row per series, labels then comma-separated bucket starts (epoch ms) and values
      const labels = row.slice(0, -2).map(label);
      const times = String(row[row.length - 2]).split(',');
      const values = String(row[row.length - 1]).split(',');
      times.forEach((t, i) => out.set(JSON.stringify([Number(t), ...labels]), number(values[i])));
      continue;
    }
    const labels = row.slice(series ? 1 : 0, -1).map(label);
    const time = series ? Number(row[0]) * 1000 : 0;
    out.set(JSON.stringify([time, ...labels]), number(row[row.length - 1]));
  }
  return out;
}

/** "same" when both sides agree (to 1e-9), otherwise the largest relative difference. */
function compare(query: BenchQuery, ours: readonly Row[], baseline: readonly Row[], series: boolean): string {
  const a = keyed(ours, series, false);
  const b = keyed(baseline, series, true);
  let worst = 0;
  let missing = 0;
  for (const [key, want] of b) {
    if (!a.has(key)) {
      missing++;
      continue;
    }
    const got = a.get(key) ?? null;
    if (got === null || want === null) {
      worst = got === want ? worst : Infinity;
    } else {
      worst = Math.max(worst, Math.abs(got - want) / Math.max(1e-12, Math.abs(want)));
    }
  }
  for (const [key, got] of a) {
    if (!b.has(key) && query.gaps !== 'any' && got !== (query.gaps === 'zero' ? 0 : null)) {
      missing++;
    }
  }
  if (missing > 0 || worst === Infinity) {
    return `**differs** (${missing} rows)`;
  }
  return worst <= 1e-9 ? 'same' : `within ${(worst * 100).toFixed(1)}%`;
}

async function run(client: pg.Client, text: string, values: readonly unknown[]): Promise<{ ms: number; rows: Row[] }> {
  const started = performance.now();
  const result = await client.query({ text, values: [...values], rowMode: 'array' });
  return { ms: performance.now() - started, rows: result.rows as Row[] };
}

/** Times ours and the baseline alternately. */
async function measurePair(
  client: pg.Client,
  ours: { text: string; values: readonly unknown[] },
  baseline: string
): Promise<{ ours: Measured; baseline: Measured }> {
  const warmOurs = await run(client, ours.text, ours.values);
  const warmBase = await run(client, baseline, []);
  const runs = Math.max(MIN_RUNS, Math.min(RUNS, Math.floor(BUDGET_MS / Math.max(warmOurs.ms, warmBase.ms, 1))));
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < runs; i++) {
    a.push((await run(client, ours.text, ours.values)).ms);
    b.push((await run(client, baseline, [])).ms);
  }
  return {
    ours: { median: median(a), p95: percentile(a, 95), rows: warmOurs.rows },
    baseline: { median: median(b), p95: percentile(b, 95), rows: warmBase.rows },
  };
}

interface Result {
  query: BenchQuery;
  range: string;
  ours: Measured;
  baseline: Measured;
  source: string;
  answer: string;
}

async function benchTier(loaded: LoadedTier, log: (line: string) => void): Promise<Result[]> {
  const client = new pg.Client({ connectionString: loaded.url });
  await client.connect();
  const results: Result[] = [];
  try {
    for (const query of BENCH_QUERIES) {
      for (const [range, length] of RANGES) {
        const to = loaded.tier.end;
        const from = to - length;
        const ours = ourStatement(query, from, to);
        const baseline = baselineStatement(query, from, to, ours.plan.window.bucketSeconds);
        const measured = await measurePair(client, ours.sql, baseline);
        const series = query.format === 'timeseries';
        results.push({
          query,
          range,
          ...measured,
          source: sourceOf(ours.sql.text),
          answer: compare(query, measured.ours.rows, measured.baseline.rows, series),
        });
        log(
          `bench: ${loaded.tier.id} ${query.id} ${range}: ours ${ms(measured.ours.median)}, ` +
            `baseline ${ms(measured.baseline.median)}`
        );
      }
    }
  } finally {
    await client.end();
  }
  return results;
}

function tierMarkdown(loaded: LoadedTier, results: readonly Result[]): string {
  const rate = Math.round(loaded.events / loaded.loadSeconds).toLocaleString('en-US');
  const head = [
    `#### ${loaded.events.toLocaleString('en-US')} events (30 days, steady scenario at scale ${loaded.tier.scale})`,
    '',
    `Bulk load: ${Math.round(loaded.loadSeconds)} s = **${rate} events/s** (simulator --bulk: COPY in 50k-event ` +
      `statements over 2 connections, every trigger on; loaded ${loaded.loadedAt}${loaded.cached ? ', reused' : ''}).`,
    '',
    '| query | range | ours median | ours p95 | Grafana SQL median | Grafana SQL p95 | speed-up | our source | answer |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  const rows = results.map((r) => {
    const speedup = r.baseline.median / r.ours.median;
    return `| ${r.query.title} | ${r.range} | ${ms(r.ours.median)} | ${ms(r.ours.p95)} | ${ms(r.baseline.median)} | ${ms(r.baseline.p95)} | ${speedup.toFixed(speedup < 10 ? 1 : 0)}× | ${r.source} | ${r.answer} |`;
  });
  const month = results.filter((r) => r.range === '30 d');
  const long = results.filter((r) => r.range !== '1 h');
  const summary = [
    '',
    `30-day medians under 100 ms: ${month.filter((r) => r.ours.median < 100).length} of ${month.length}. ` +
      `At least 10× the baseline over 24 h: ${long.filter((r) => r.range === '24 h' && r.baseline.median >= 10 * r.ours.median).length} of ${month.length}; ` +
      `over 30 d: ${month.filter((r) => r.baseline.median >= 10 * r.ours.median).length} of ${month.length}.`,
  ];
  return [...head, ...rows, ...summary].join('\n');
}

/** `npm run bench -- --only=ledger`: loads (or reuses) both tiers, then times every query. */
export async function runLedgerBench(): Promise<BenchSection> {
  const log = (line: string) => console.log(line);
  const cluster = await startBenchCluster(log);
  try {
    const sections: string[] = [];
    for (const tier of BENCH_TIERS) {
      const loaded = await ensureTier(cluster, tier, log);
      const load = loadavg()[0]!.toFixed(1);
      sections.push(`${tierMarkdown(loaded, await benchTier(loaded, log))}\n\nLoad average when it started: ${load}.`);
    }
    return {
      id: 'ledger',
      markdown: [
        '### Ledger: view and alert queries, ours vs plain Grafana SQL',
        '',
        `Machine: ${machineDescription(cluster.version)}; PostgreSQL on the same machine (settings in ` +
          'tests/bench/ledgerBenchCluster.ts: shared_buffers 2 GB, work_mem 64 MB, JIT off, fsync off). Wall-clock ' +
          `latency of the statement as the backend runs it, warm cache, median and p95 of up to ${RUNS} runs ` +
          '(alternating with the baseline). Panels use the interval Grafana gives a 1000-point panel (1 h → 5 s, ' +
          '24 h → 2 min, 30 d → 1 h buckets); "tokens per hour" uses hourly buckets; alert rules are instants. ' +
          '"answer" compares both result sets: ours fills empty buckets, the baseline has no row there.',
        '',
        ...sections,
      ].join('\n'),
    };
  } finally {
    cluster.stop();
  }
}

/** `npm run bench -- --only=ledger-ingest`: insert rates with and without what the database maintains. */
export async function runLedgerIngestSection(): Promise<BenchSection> {
  const log = (line: string) => console.log(line);
  const cluster = await startBenchCluster(log);
  try {
    const { markdown } = await runIngestBench(cluster, log);
    return {
      id: 'ledger-ingest',
      markdown: [
        '### Ledger: ingest with and without the rollups and metric indexes',
        '',
        `Machine: ${machineDescription(cluster.version)}.`,
        '',
        markdown,
      ].join('\n'),
    };
  } finally {
    cluster.stop();
  }
}

export { BENCH_TIERS };

/**
 * Ingest: what a single writer achieves through src/ledger/writer.ts (validation and encoding included) into a fresh
 * ledger, with everything the database maintains on insert (jobs, workers, NOTIFY, the hourly rollups and the
 * metric indexes of migrations 0013-0019) and without the query-speed parts (the schema as of migration 0012), so
 * the difference is the ingest cost of the rollups and indexes. Events are the steady scenario's, generated before
 * the clock starts. Target (issue #4): at least 20,000 events/s single-writer with everything maintained.
 */
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import pg from 'pg';

import type { LedgerEvent } from '../../src/ledger/ledgerEvent';
import { migrate, MIGRATIONS } from '../../src/ledger/migrate';
import { simulate } from '../../src/ledger/simulator/engine';
import { loadScenario } from '../../src/ledger/simulator/scenarios/index';
import { appendEvents, copyEvents } from '../../src/ledger/writer';
import { machineDescription, median, type BenchSection } from './benchSupport';
import { databaseUrl, startBenchCluster, type BenchCluster } from './ledgerBenchCluster';

/** Events per measured run and runs per variant. */
export const INGEST_EVENTS = 200_000;
const RUNS = 5;
const COPY_BATCH = 10_000;
const INSERT_BATCH = 1_000;

interface Variant {
  label: string;
  /** Migrations applied: all of them, or the schema before the rollups and metric indexes. */
  version: number;
  method: 'copy' | 'insert';
}

const VARIANTS: readonly Variant[] = [
  { label: 'COPY, 10k events per statement', version: MIGRATIONS.length, method: 'copy' },
  { label: 'COPY, 10k events per statement', version: 12, method: 'copy' },
  { label: 'INSERT, 1000 rows per statement', version: MIGRATIONS.length, method: 'insert' },
  { label: 'INSERT, 1000 rows per statement', version: 12, method: 'insert' },
];

/**
 * CPU seconds a local server process has used (user + system), or undefined when it is not on this machine. CPU
 * time is what the database spends per event; unlike wall time it hardly moves when other work shares the cores.
 */
function processCpuSeconds(pid: number): number | undefined {
  const file = `/proc/${pid}/stat`;
  if (!existsSync(file)) {
    return undefined;
  }
  const fields = readFileSync(file, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 10 ms
}

interface Run {
  eventsPerSecond: number;
  /** Events per CPU-second of the server process that did the inserts (undefined when remote). */
  eventsPerServerCpuSecond?: number;
}

/** One measured run: a fresh database at `version`, then `events` written by one connection. */
async function measureOnce(cluster: BenchCluster, variant: Variant, events: readonly LedgerEvent[]): Promise<Run> {
  const name = `ledger_bench_ingest_${process.pid}`;
  const admin = new pg.Client({ connectionString: cluster.adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
    const url = databaseUrl(cluster, name);
    await migrate(url, { migrations: MIGRATIONS.slice(0, variant.version) });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const batch = variant.method === 'copy' ? COPY_BATCH : INSERT_BATCH;
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const pid = rows[0]!.pid;
      const cpuBefore = processCpuSeconds(pid);
      const started = performance.now();
      for (let i = 0; i < events.length; i += batch) {
        const slice = events.slice(i, i + batch);
        await (variant.method === 'copy' ? copyEvents(client, slice) : appendEvents(client, slice));
      }
      const seconds = (performance.now() - started) / 1000;
      const cpuAfter = processCpuSeconds(pid);
      const cpu = cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined;
      return {
        eventsPerSecond: events.length / seconds,
        eventsPerServerCpuSecond: cpu ? events.length / cpu : undefined,
      };
    } finally {
      await client.end();
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
}

/** Markdown rows for the ingest table, plus the figures for the summary. */
export async function runIngestBench(
  cluster: BenchCluster,
  log: (line: string) => void
): Promise<{ markdown: string; fullCopyRate: number }> {
  const load = loadavg()[0]!.toFixed(1);
  const end = Date.UTC(2026, 10, 2, 12);
  const events = [...simulate({ scenario: loadScenario('steady'), seed: 7, start: end - 24 * 3_600_000, end })].slice(
    0,
    INGEST_EVENTS
  );
  // Variants take turns run by run, so that a busy moment on a shared machine hits all of them alike.
  const runs = new Map<Variant, Run[]>(VARIANTS.map((v) => [v, []]));
  for (let i = 0; i < RUNS; i++) {
    for (const variant of VARIANTS) {
      runs.get(variant)!.push(await measureOnce(cluster, variant, events));
    }
  }
  const wall = (v: Variant) => median(runs.get(v)!.map((r) => r.eventsPerSecond));
  const cpu = (v: Variant) => {
    const values = runs.get(v)!.flatMap((r) => (r.eventsPerServerCpuSecond ? [r.eventsPerServerCpuSecond] : []));
    return values.length > 0 ? median(values) : NaN;
  };
  VARIANTS.forEach((v) => log(`bench: ingest ${v.label} (schema ${v.version}): ${Math.round(wall(v))} events/s`));
  const n = (value: number) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a');
  const rows = [0, 2].map((i) => {
    const full = VARIANTS[i]!;
    const before = VARIANTS[i + 1]!;
    const overhead = (a: number, b: number) => (Number.isFinite(a / b) ? `${Math.round((1 - a / b) * 100)}%` : 'n/a');
    return (
      `| ${full.label} | **${n(wall(full))}** | ${n(wall(before))} | ${overhead(wall(full), wall(before))} | ` +
      `${n(cpu(full))} | ${n(cpu(before))} | ${overhead(cpu(full), cpu(before))} |`
    );
  });
  return {
    markdown: [
      `Single writer (one connection), ${events.length.toLocaleString('en-US')} steady-scenario events into a fresh ` +
        `ledger, validation and encoding included, median of ${RUNS} runs taken in turns; load average before: ` +
        `${load}. Wall clock is what a writer sees; events per CPU-second of the PostgreSQL process that did the ` +
        "inserts measures the database's work, and moves much less with other load on the machine.",
      '',
      `| writer call | events/s, everything maintained (schema ${MIGRATIONS.length}) | events/s, schema 12 (no rollups, no metric indexes) | wall-clock cost | events per server CPU-s, schema ${MIGRATIONS.length} | same, schema 12 | CPU cost |`,
      '|---|---|---|---|---|---|---|',
      ...rows,
    ].join('\n'),
    fullCopyRate: wall(VARIANTS[0]!),
  };
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
        `Machine: ${machineDescription(cluster.version)}; fsync, synchronous_commit and full_page_writes on.`,
        '',
        markdown,
      ].join('\n'),
    };
  } finally {
    cluster.stop();
  }
}

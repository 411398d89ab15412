/**
 * The benchmark ledgers: 30 days of the steady scenario at two scales (~1M and ~10M events), bulk-loaded through
 * the simulator's --bulk path (copyEvents, every trigger on). A loaded database is kept and reused while its
 * fingerprint matches: the tier, the migrations and the simulator's source; anything else reloads it. The load's
 * own figures (events, seconds) are stored with the fingerprint, so a cached run can still report them.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';

import { migrate, migrationChecksum, MIGRATIONS } from '../../src/ledger/migrate';
import { bulkLoad } from '../../src/ledger/simulator/bulk';
import { simulate } from '../../src/ledger/simulator/engine';
import { loadScenario } from '../../src/ledger/simulator/scenarios/index';
import { databaseUrl, type BenchCluster } from './ledgerBenchCluster';

/** One benchmark ledger. */
export interface BenchTier {
  id: string;
  /** Multiplies the steady scenario's job rate and workers (8 at scale 1). */
  scale: number;
  seed: number;
  days: number;
  /** End of the data (exclusive): fixed, so the events are the same on every machine and run. */
  end: number;
}

/** The tiers of issue #4: about one and ten million events over 30 days. */
export const BENCH_TIERS: readonly BenchTier[] = [
  { id: '1m', scale: 0.14, seed: 42, days: 30, end: Date.UTC(2026, 10, 27) },
  { id: '10m', scale: 1.32, seed: 42, days: 30, end: Date.UTC(2026, 10, 27) },
];

/** What the loaded database holds and how long loading it took. */
export interface LoadedTier {
  tier: BenchTier;
  url: string;
  events: number;
  loadSeconds: number;
  /** ISO date of the load (a cached database was loaded by an earlier run). */
  loadedAt: string;
  cached: boolean;
}

const SIMULATOR_DIR = path.resolve(__dirname, '../../src/ledger/simulator');
/** Simulator files that do not change what is generated (how it is written, checked or run). */
const NOT_GENERATION = new Set(['cli.ts', 'live.ts', 'bulk.ts', 'signals.ts', 'window.ts']);

function simulatorSources(dir = SIMULATOR_DIR): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const full = path.join(dir, entry);
      if (statSync(full).isDirectory()) {
        return simulatorSources(full);
      }
      const generation = /\.(ts|json)$/.test(entry) && !entry.endsWith('.test.ts') && !NOT_GENERATION.has(entry);
      return generation ? [readFileSync(full, 'utf8')] : [];
    });
}

/** Changes whenever the data or the schema would: tier, migrations, the simulator's generators and scenarios. */
export function tierFingerprint(tier: BenchTier): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(tier));
  MIGRATIONS.forEach((m) => hash.update(migrationChecksum(m.sql)));
  simulatorSources().forEach((source) => hash.update(source));
  return hash.digest('hex').slice(0, 16);
}

interface Stamp {
  fingerprint: string;
  events: number;
  loadSeconds: number;
  loadedAt: string;
}

async function readStamp(admin: pg.Client, name: string): Promise<Stamp | undefined> {
  const { rows } = await admin.query<{ comment: string | null }>(
    'SELECT shobj_description(oid, $2) AS comment FROM pg_database WHERE datname = $1',
    [name, 'pg_database']
  );
  try {
    return rows[0]?.comment ? (JSON.parse(rows[0].comment) as Stamp) : undefined;
  } catch {
    return undefined;
  }
}

async function load(cluster: BenchCluster, tier: BenchTier, name: string, log: (line: string) => void) {
  const url = databaseUrl(cluster, name);
  await migrate(url);
  const clients = [new pg.Client({ connectionString: url }), new pg.Client({ connectionString: url })];
  await Promise.all(clients.map((c) => c.connect()));
  try {
    const start = tier.end - tier.days * 86_400_000;
    let shown = 0;
    const events = simulate({
      scenario: loadScenario('steady'),
      seed: tier.seed,
      scale: tier.scale,
      start,
      end: tier.end,
    });
    // no ANALYZE by the loader: the VACUUM (ANALYZE) below does it
    const result = await bulkLoad(clients, events, {
      analyze: false,
      onProgress: (written) => {
        if (written - shown >= 1_000_000) {
          shown = written;
          log(`bench: ${tier.id}: ${(written / 1e6).toFixed(0)}M events loaded…`);
        }
      },
    });
    log(`bench: ${tier.id}: ${result.events} events in ${result.seconds.toFixed(0)} s; vacuuming`);
    // Autovacuum would get there on a steady system; the benchmark should not depend on when it runs. The second
    // pass marks the rollup pages all-visible (index-only scans), which the first one cannot while it runs itself.
    await clients[0]!.query('VACUUM (ANALYZE) ledger_events, jobs, workers');
    const rollups =
      'ledger_rollup_hourly, ledger_rollup_5min, ledger_duration_histogram_daily, ledger_duration_top_hourly';
    await clients[0]!.query(`VACUUM (ANALYZE) ${rollups}`);
    await clients[0]!.query(`VACUUM ${rollups}`);
    return result;
  } finally {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  }
}

/** Returns the tier's database, loading it when missing or stale. */
export async function ensureTier(
  cluster: BenchCluster,
  tier: BenchTier,
  log: (line: string) => void
): Promise<LoadedTier> {
  const name = `ledger_bench_${tier.id}`;
  const fingerprint = tierFingerprint(tier);
  const admin = new pg.Client({ connectionString: cluster.adminUrl });
  await admin.connect();
  try {
    const stamp = await readStamp(admin, name);
    if (stamp?.fingerprint === fingerprint) {
      log(`bench: ${tier.id}: reusing ${name} (${stamp.events} events, loaded ${stamp.loadedAt})`);
      return { tier, url: databaseUrl(cluster, name), ...stamp, cached: true };
    }
    log(`bench: ${tier.id}: loading ${name}${stamp ? ' (stale: schema, simulator or tier changed)' : ''}`);
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
    const result = await load(cluster, tier, name, log);
    const fresh: Stamp = {
      fingerprint,
      events: result.events,
      loadSeconds: result.seconds,
      loadedAt: new Date().toISOString().slice(0, 10),
    };
    // COMMENT takes no parameters; the JSON is ours and has no quotes to escape beyond the standard doubling.
    await admin.query(`COMMENT ON DATABASE ${name} IS '${JSON.stringify(fresh).replace(/'/g, "''")}'`);
    return { tier, url: databaseUrl(cluster, name), ...fresh, cached: false };
  } finally {
    await admin.end();
  }
}

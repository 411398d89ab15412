/**
 * The PostgreSQL server the ledger benchmarks run on. Loading 10 million events takes minutes, so the server's data
 * directory is kept in node_modules/.cache/ledger-bench and reused by the next `npm run bench` (a loaded database is
 * recognised by its fingerprint, see ledgerBenchData.ts). BENCH_DATABASE_URL points the benchmarks at another
 * server instead (one where they may create databases).
 *
 * Server settings are those of a modest dedicated ledger server on this machine, and are the same for both sides of
 * every comparison: shared_buffers 2 GB, work_mem 64 MB, random_page_cost 1.1 (SSD), JIT off (it adds 50-300 ms of
 * compilation to analytical statements on two cores). Durability is on as on a real ledger server (issue #14): fsync,
 * synchronous_commit and full_page_writes, so ingest figures include the flushes a writer waits for.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';

import {
  findPostgresBin,
  freePort,
  initCluster,
  isRoot,
  spawnAsPostgres,
  TEST_SUPERUSER_PASSWORD,
} from '../support/postgres';

/** Where the bench cluster lives between runs. */
export const BENCH_CACHE_DIR = path.resolve(__dirname, '../../node_modules/.cache/ledger-bench');

const SERVER_SETTINGS = [
  'listen_addresses=127.0.0.1',
  'fsync=on',
  'synchronous_commit=on',
  'full_page_writes=on',
  'max_connections=50',
  'shared_buffers=2GB',
  'work_mem=64MB',
  'maintenance_work_mem=512MB',
  'effective_cache_size=8GB',
  'random_page_cost=1.1',
  'max_wal_size=8GB',
  'checkpoint_timeout=30min',
  'jit=off',
  'max_parallel_workers_per_gather=2',
  'autovacuum_vacuum_insert_scale_factor=0.05',
];

/** A running bench server. */
export interface BenchCluster {
  adminUrl: string;
  /** The server's version, e.g. "15.18". */
  version: string;
  /** Stops the server if this process started it (the data directory stays). */
  stop(): void;
}

async function serverVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    return rows[0]?.v.split(' ')[0] ?? '?';
  } finally {
    await client.end();
  }
}

/** Starts (initialising on first use) the cached bench cluster, or uses BENCH_DATABASE_URL. */
export async function startBenchCluster(log: (line: string) => void = console.log): Promise<BenchCluster> {
  const external = process.env.BENCH_DATABASE_URL;
  if (external) {
    return { adminUrl: external, version: await serverVersion(external), stop: () => undefined };
  }
  const bin = findPostgresBin();
  const dataDir = path.join(BENCH_CACHE_DIR, 'pgdata');
  const portFile = path.join(BENCH_CACHE_DIR, 'port');
  mkdirSync(BENCH_CACHE_DIR, { recursive: true });
  if (isRoot) {
    spawnSync('chown', ['postgres:postgres', BENCH_CACHE_DIR]);
  }
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    log(`bench: initialising a PostgreSQL cluster in ${path.relative(process.cwd(), dataDir)}`);
    initCluster(bin, BENCH_CACHE_DIR, dataDir);
  }
  const running = spawnAsPostgres(path.join(bin, 'pg_ctl'), ['-D', dataDir, 'status']).status === 0;
  let port = existsSync(portFile) ? Number(readFileSync(portFile, 'utf8')) : 0;
  let startedHere = false;
  if (!running) {
    port = await freePort();
    const options = [`-p ${port}`, `-k ${BENCH_CACHE_DIR}`, ...SERVER_SETTINGS.map((s) => `-c ${s}`)].join(' ');
    const start = spawnAsPostgres(path.join(bin, 'pg_ctl'), [
      '-D',
      dataDir,
      '-l',
      path.join(BENCH_CACHE_DIR, 'server.log'),
      '-w',
      '-t',
      '300',
      '-o',
      options,
      'start',
    ]);
    if (start.status !== 0) {
      throw new Error(`could not start the bench cluster: ${start.output}`);
    }
    writeFileSync(portFile, String(port));
    startedHere = true;
  }
  const adminUrl = `postgres://postgres:${TEST_SUPERUSER_PASSWORD}@127.0.0.1:${port}/postgres`;
  let stopped = false;
  const stop = () => {
    if (startedHere && !stopped) {
      stopped = true;
      spawnAsPostgres(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
    }
  };
  process.once('exit', stop);
  return { adminUrl, version: await serverVersion(adminUrl), stop };
}

/** The URL of database `name` on the cluster. */
export function databaseUrl(cluster: BenchCluster, name: string): string {
  const url = new URL(cluster.adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

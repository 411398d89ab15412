/**
 * Real PostgreSQL for tests: never a mock.
 *
 * - `DATABASE_URL` (or `LEDGER_TEST_ADMIN_URL`, which scripts/test.mjs sets after starting one server for the whole
 *   run) points at a server where we may create databases; otherwise a throwaway cluster is started from Debian's
 *   PostgreSQL binaries and stopped when the process exits.
 * - Every test file gets its own database (`createTestDatabase`), so files can run in parallel and never see each
 *   other's rows.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

/** Password of the `postgres` superuser in throwaway clusters (TCP connections need it: auth tests rely on that). */
export const TEST_SUPERUSER_PASSWORD = 'ledger-test-superuser';

/** A running throwaway PostgreSQL cluster. */
export interface TestCluster {
  /** URL of the `postgres` superuser on the `postgres` database. */
  adminUrl: string;
  port: number;
  dataDir: string;
  /** Stops the server (fast shutdown) and removes its files. */
  stop(): void;
  /** Stops the server but keeps its files, so `start()` can bring the same cluster back (restart tests). */
  pause(): void;
  /** Starts a paused cluster again on the same port. */
  start(): void;
}

/** Finds the newest installed PostgreSQL server binaries. */
export function findPostgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(path.join(root, v, 'bin', 'pg_ctl')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (newest === undefined) {
    throw new Error(
      'No PostgreSQL server binaries under /usr/lib/postgresql: install them (apt-get install -y postgresql) ' +
        'or set DATABASE_URL to a server where tests may create databases'
    );
  }
  return path.join(root, newest, 'bin');
}

/** Asks the OS for a free loopback TCP port. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * Runs a PostgreSQL program as the postgres user: PostgreSQL refuses to run as root, and on our build machines tests
 * run as root. Returns the exit status and everything it printed.
 */
export function spawnAsPostgres(bin: string, args: string[]): { status: number | null; output: string } {
  const [cmd, cmdArgs] = isRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  const result = spawnSync(cmd, cmdArgs, { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function runAsPostgres(bin: string, args: string[]): void {
  const result = spawnAsPostgres(bin, args);
  if (result.status !== 0) {
    throw new Error(`${path.basename(bin)} ${args[0] ?? ''} failed: ${result.output}`);
  }
}

/**
 * Creates a cluster in `dataDir` (its parent `base` must be writable by the postgres user): password auth over TCP
 * (scram, superuser password TEST_SUPERUSER_PASSWORD), trust on the private unix socket, so "wrong password" really
 * fails in tests.
 */
export function initCluster(bin: string, base: string, dataDir: string): void {
  const pwfile = path.join(base, 'pwfile');
  writeFileSync(pwfile, `${TEST_SUPERUSER_PASSWORD}\n`, { mode: 0o644 });
  runAsPostgres(path.join(bin, 'initdb'), [
    '-D',
    dataDir,
    '--auth-host=scram-sha-256',
    '--auth-local=trust',
    `--pwfile=${pwfile}`,
    '-U',
    'postgres',
    '--no-sync',
    '-E',
    'UTF8',
  ]);
}

/** Starts a throwaway PostgreSQL cluster with trust auth on 127.0.0.1 and a free port (`serverOptions`: extra `name=value` settings). */
export async function startCluster(options: { port?: number; serverOptions?: string[] } = {}): Promise<TestCluster> {
  const bin = findPostgresBin();
  const base = mkdtempSync(path.join(tmpdir(), 'ledger-pg-'));
  chmodSync(base, 0o755); // the postgres user must be able to traverse it
  const dataDir = path.join(base, 'data');
  if (isRoot) {
    execFileSync('chown', ['postgres:postgres', base]);
  }
  initCluster(bin, base, dataDir);
  const port = options.port ?? (await freePort());
  const serverOptions = [
    `-p ${port}`,
    `-k ${base}`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=300',
    ...(options.serverOptions ?? []).map((option) => `-c ${option}`),
  ].join(' ');
  const start = () =>
    runAsPostgres(path.join(bin, 'pg_ctl'), [
      '-D',
      dataDir,
      '-l',
      path.join(base, 'log'),
      '-w',
      '-o',
      serverOptions,
      'start',
    ]);
  const pause = () => runAsPostgres(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
  start();
  let stopped = false;
  const stop = () => {
    if (stopped) {
      return;
    }
    stopped = true;
    try {
      pause();
    } catch {
      // already stopped
    }
    rmSync(base, { recursive: true, force: true });
  };
  process.once('exit', stop);
  return {
    adminUrl: `postgres://postgres:${TEST_SUPERUSER_PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    stop,
    pause,
    start,
  };
}

let sharedCluster: Promise<TestCluster> | undefined;

/** The admin URL of the server tests use: the run's shared server, DATABASE_URL, or a cluster started on demand. */
export async function adminUrl(): Promise<string> {
  const fromEnv = process.env.LEDGER_TEST_ADMIN_URL ?? process.env.DATABASE_URL;
  if (fromEnv) {
    return fromEnv;
  }
  sharedCluster ??= startCluster();
  return (await sharedCluster).adminUrl;
}

/** A database of its own for one test file. */
export interface TestDatabase {
  url: string;
  name: string;
  /** Drops the database (terminating any connection still open to it). */
  drop(): Promise<void>;
}

/** Creates an empty database with a unique name on the test server. */
export async function createTestDatabase(prefix = 't'): Promise<TestDatabase> {
  const admin = await adminUrl();
  const name = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 10)}`.toLowerCase();
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

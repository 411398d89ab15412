/**
 * `npm run simulate` as a user runs it: JSON lines with the window on the first line (the same bytes on every run),
 * --bulk into a database, and exit code 2 with a reason for bad usage (including the slow-database scenario).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import pg from 'pg';

import {
  createLedgerTestDatabase,
  createLoginRole,
  disableAutovacuum,
  tablesWithoutStatistics,
  type LedgerTestDatabase,
} from '../ledgerTestDatabase';
import { simulate } from './engine';
import { loadScenario } from './scenarios/index';

const CLI = path.join(__dirname, 'cli.ts');
const WINDOW = ['--from', '2026-11-02T10:00:00Z', '--window', '20m', '--scale', '0.3'];

function simulateCli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const { DATABASE_URL: _unset, ...base } = process.env;
  return spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], {
    encoding: 'utf8',
    env: { ...base, ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
}

describe('npm run simulate', () => {
  let db: LedgerTestDatabase;
  before(async () => {
    db = await createLedgerTestDatabase('simulate_cli');
  });
  after(() => db.drop());

  it('--out - writes the window, then the same events on every run', () => {
    const first = simulateCli(['--scenario', 'steady', '--seed', '9', '--out', '-', ...WINDOW]);
    assert.equal(first.status, 0, first.stderr);
    const [header, ...lines] = first.stdout.trimEnd().split('\n');
    assert.deepEqual(JSON.parse(header!), {
      scenario: 'steady',
      seed: 9,
      scale: 0.3,
      from: '2026-11-02T10:00:00.000Z',
      to: '2026-11-02T10:20:00.000Z',
    });
    const start = Date.UTC(2026, 10, 2, 10);
    const expected = [
      ...simulate({ scenario: loadScenario('steady'), seed: 9, scale: 0.3, start, end: start + 1_200_000 }),
    ];
    assert.deepEqual(
      lines,
      expected.map((e) => JSON.stringify(e))
    );
    assert.equal(simulateCli(['--scenario', 'steady', '--seed', '9', '--out', '-', ...WINDOW]).stdout, first.stdout);
  });

  it('--bulk writes them to DATABASE_URL', async () => {
    const run = simulateCli(['--scenario', 'worker-down', '--bulk', ...WINDOW], { DATABASE_URL: db.url });
    assert.equal(run.status, 0, run.stderr);
    const start = Date.UTC(2026, 10, 2, 10);
    const expected = [
      ...simulate({ scenario: loadScenario('worker-down'), seed: 42, scale: 0.3, start, end: start + 1_200_000 }),
    ];
    const client = await db.connect();
    const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM ledger_events');
    assert.equal(Number(rows[0]!.n), expected.length);
    assert.match(run.stderr, new RegExp(`wrote ${expected.length.toLocaleString('en-US')} events`));
  });

  it('--bulk as a ledger_writer member leaves every ledger table analyzed (#12)', async () => {
    const fresh = await createLedgerTestDatabase('simulate_cli_stats');
    const loader = `${fresh.name}_loader`;
    try {
      const owner = await fresh.connect();
      await disableAutovacuum(owner); // only the loader may have analyzed what the test finds
      assert.notDeepEqual(await tablesWithoutStatistics(owner), [], 'a migrated ledger starts without statistics');
      const writerUrl = await createLoginRole(owner, fresh.url, loader, 'ledger_writer');
      const run = simulateCli(['--scenario', 'steady', '--bulk', ...WINDOW], { DATABASE_URL: writerUrl });
      assert.equal(run.status, 0, run.stderr);
      assert.deepEqual(await tablesWithoutStatistics(owner), []);
      assert.match(run.stderr, /analyzed in \d/);
    } finally {
      await fresh.drop(); // the role's privileges go with the database; the role itself is cluster-wide
      const admin = new pg.Client({ connectionString: new URL('/postgres', fresh.url).toString() });
      await admin.connect();
      await admin.query(`DROP ROLE IF EXISTS ${loader}`).finally(() => admin.end());
    }
  });

  it('exits 2 with the reason on bad usage', () => {
    for (const [args, reason] of [
      [['--scenario', 'steady'], /exactly one of --bulk, --live or --out/],
      [['--scenario', 'nope', '--out', '-'], /unknown scenario "nope": one of steady, failure-spike/],
      [
        ['--scenario', 'slow-database', '--out', '-'],
        /slow-database is not simulated: database\.latency_ms times SELECT 1/,
      ],
      [['--bulk'], /DATABASE_URL is not set/],
      [['--out', '-', '--from', '2026-11-02 10:00'], /--from must be an ISO 8601 time with an offset/],
      [['--out', '-', '--scale', '0'], /--scale must be a valid number/],
      [['--out', '-', '--frobnicate'], /Unknown option '--frobnicate'/],
    ] as const) {
      const run = simulateCli([...args]);
      assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, reason);
    }
  });
});

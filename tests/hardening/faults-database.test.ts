/**
 * Database faults (#9), one after another against one running plugin, on a PostgreSQL cluster of this file's own:
 * pool and LISTEN connections killed with pg_terminate_backend, a lock that makes queries hang, pool exhaustion, a
 * crashed backend (PostgreSQL restarts every session), and the server stopped and started again. While each fault
 * lasts, queries and health checks fail fast with a message that says what is wrong; afterwards everything works
 * again without restarting the plugin, and the live metric stream and log tail have missed and repeated nothing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';

import { dataQuery } from '../support/grafanaRequests';
import { launchPlugin, type PluginUnderTest } from '../support/pluginProcess';
import { startLedgerServer, type LedgerServer } from './support/ledgerServer';
import { MarkerStreams } from './support/markerStreams';
import { sleep, snapshot, waitUntil } from './support/observe';

const POOL = 4;
let server: LedgerServer;
let plugin: PluginUnderTest;
let stateDir: string;
let streams: MarkerStreams;

const pluginContext = () =>
  server.context({
    uid: 'faults-db',
    jsonData: { maxOpenConns: POOL, statementTimeoutMs: 3_000, connectTimeoutMs: 2_000 },
  });

/** One QueryData call of one query; resolves with its status, error and how long it took. */
async function query(json: Record<string, unknown>, deadlineMs = 30_000) {
  const started = Date.now();
  const now = Date.now();
  const response = await plugin.unary(
    'data',
    'QueryData',
    { pluginContext: pluginContext(), queries: [dataQuery('A', json, { from: now - 3_600_000, to: now })] },
    { deadlineMs }
  );
  const result = response.responses.A as { status: number; error: string; errorSource: string };
  return { ...result, ms: Date.now() - started };
}

const metricQuery = { queryType: 'metrics', metric: 'job.completed', groupBy: ['mode'], format: 'instant' };
const health = async () =>
  (await plugin.unary('diagnostics', 'CheckHealth', { pluginContext: pluginContext() })) as {
    status: string;
    message: string;
  };

/** Full recovery: queries and health are fine again, and both streams have every marker exactly once. */
async function expectRecovered(what: string) {
  await waitUntil(async () => (await query(metricQuery)).status === 200, 20_000, `${what}: queries to work again`);
  assert.equal((await health()).status, 'OK', `${what}: health`);
  await streams.mark(2);
  await streams.expectAllDelivered(what);
  assert.equal(plugin.child.exitCode, null, 'the plugin is still the same process');
}

before(async () => {
  server = await startLedgerServer({ seedHours: 0.5 });
  stateDir = mkdtempSync(path.join(tmpdir(), 'hardening-faults-db-'));
  plugin = await launchPlugin({ env: { LEDGER_STATE_DIR: stateDir } });
  streams = new MarkerStreams(server, 'faults-db');
  await streams.open(plugin, pluginContext());
  await sleep(500);
  await streams.mark(2);
  await streams.expectAllDelivered('before any fault');
});

after(() => {
  plugin?.kill();
  server?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('database faults', () => {
  it('pool and LISTEN connections killed with pg_terminate_backend', async () => {
    const running = query({ queryType: 'sql', rawSql: 'SELECT pg_sleep(2)' });
    await waitUntil(
      async () => (await server.sql(`SELECT 1 FROM pg_stat_activity WHERE wait_event = 'PgSleep'`)).length > 0,
      5_000,
      'the slow query to run'
    );
    await streams.mark();
    const killed = await server.sql(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'grafana-ledger-%'`
    );
    assert.ok(killed.length >= 2, 'pool and LISTEN connections were there to kill');
    const result = await running;
    assert.equal(result.status, 503, result.error);
    assert.match(result.error, /^\[network\] PostgreSQL is shutting down or restarting \(terminating connection/);
    await streams.mark();
    await expectRecovered('after pg_terminate_backend');
  });

  it('a lock that makes queries hang', async () => {
    const locker = new pg.Client({ connectionString: server.ownerUrl });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE ledger_events IN ACCESS EXCLUSIVE MODE');
    try {
      const [logs, metrics, checked] = await Promise.all([query({ queryType: 'logs' }), query(metricQuery), health()]);
      for (const result of [logs, metrics]) {
        assert.equal(result.status, 504, result.error);
        assert.match(result.error, /^\[timeout\] the query ran longer than the statement timeout/);
        assert.ok(result.ms < 6_000, `answered after ${result.ms} ms`);
      }
      assert.equal(checked.status, 'ERROR');
      assert.match(checked.message, /^\[(timeout|capacity)\] /);
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
    await expectRecovered('after the lock');
  });

  it('pool exhaustion', async () => {
    const hogs = Array.from({ length: POOL }, () => query({ queryType: 'sql', rawSql: 'SELECT pg_sleep(2.5)' }));
    await sleep(300);
    const waiting = await query(metricQuery);
    assert.equal(waiting.status, 503, waiting.error);
    assert.match(waiting.error, new RegExp(`^\\[capacity\\] all ${POOL} connections of this datasource's pool`));
    assert.ok(waiting.ms < 4_000, `answered after ${waiting.ms} ms`);
    for (const hog of await Promise.all(hogs)) {
      assert.equal(hog.status, 200, hog.error);
    }
    assert.equal((await snapshot(plugin)).poolWaiting, 0);
    await expectRecovered('after pool exhaustion');
  });

  it('a crashed backend (PostgreSQL restarts every session)', async () => {
    const [listener] = await server.sql<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE application_name = 'grafana-ledger-stream'`
    );
    assert.ok(listener, 'the LISTEN connection is there');
    process.kill(listener.pid, 'SIGKILL');
    await sleep(500);
    await streams.mark();
    await expectRecovered('after a backend crash');
  });

  it('PostgreSQL stopped and started again', async () => {
    await streams.mark();
    server.cluster.pause();
    try {
      const down = await query(metricQuery);
      assert.equal(down.status, 502, down.error);
      assert.match(down.error, /^\[network\] cannot reach PostgreSQL at 127\.0\.0\.1:\d+ \(connection refused\)/);
      assert.ok(down.ms < 3_000, `answered after ${down.ms} ms`);
      const checked = await health();
      assert.equal(checked.status, 'ERROR');
      assert.match(checked.message, /^\[network\] cannot reach PostgreSQL/);
      await sleep(1_000);
    } finally {
      server.cluster.start();
    }
    await streams.mark();
    await expectRecovered('after the restart');
  });

  it('logged every fault as a warning, never an error or a crash', () => {
    const lines = plugin.stderr.map((line) => {
      assert.ok(line.startsWith('{'), `raw stderr line: ${line}`);
      return JSON.parse(line) as Record<string, string>;
    });
    assert.deepEqual(
      lines.filter((line) => line['@level'] === 'error'),
      [],
      'no error-level line'
    );
    assert.ok(lines.some((line) => line['@message'] === 'live stream connection to PostgreSQL lost; reconnecting'));
    streams.cancel();
  });
});

/**
 * Contract tests: act as Grafana towards the built executable in dist/ (launch with go-plugin's environment, read
 * the handshake, call every RPC over gRPC, decode frames with apache-arrow) against a real PostgreSQL ledger.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { tableFromIPC } from 'apache-arrow';

import { appendEvents } from '../../src/ledger/writer';
import { createLedgerTestDatabase, type LedgerTestDatabase } from '../../src/ledger/ledgerTestDatabase';
import { createTestDatabase, freePort, type TestDatabase } from '../support/postgres';
import { datasourceContext, dataQuery } from '../support/grafanaRequests';
import { grafanaPluginEnv, launchPlugin, pluginExecutable, type PluginUnderTest } from '../support/pluginProcess';

const HOUR = 3_600_000;
const base = Date.UTC(2026, 10, 20, 0, 0, 0); // 2026-11-20T00:00:00Z
const range = { from: base, to: base + 3 * HOUR };

/** 5 genius jobs and 2 mechanic jobs completed in the first hour, 1 mechanic job in the third. */
const completions: Array<{ mode: string; at: number }> = [
  ...[5, 10, 15, 20, 25].map((m) => ({ mode: 'genius', at: base + m * 60_000 })),
  ...[30, 40].map((m) => ({ mode: 'mechanic', at: base + m * 60_000 })),
  { mode: 'mechanic', at: base + 2 * HOUR + 60_000 },
];

describe('backend executable, as Grafana launches it', () => {
  let ledger: LedgerTestDatabase;
  let emptyDb: TestDatabase;
  let plugin: PluginUnderTest;

  before(async () => {
    ledger = await createLedgerTestDatabase('contract');
    emptyDb = await createTestDatabase('contract_empty');
    const client = await ledger.connect();
    await appendEvents(
      client,
      completions.map((c, i) => ({
        kind: 'job.completed' as const,
        occurredAt: new Date(c.at),
        jobId: `job-${i}`,
        workerId: 'worker-1',
        mode: c.mode,
        durationMs: 1000,
      }))
    );
    plugin = await launchPlugin();
  });

  after(async () => {
    plugin?.kill();
    await ledger?.drop();
    await emptyDb?.drop();
  });

  it('prints exactly one handshake line: core 1, protocol 2, a private unix socket, grpc', () => {
    assert.match(plugin.handshake, /^1\|2\|unix\|\/[^|]+\/plugin\.sock\|grpc$/);
    const socketPath = plugin.handshake.split('|')[3]!;
    const mode = spawnSync('stat', ['-c', '%a', socketPath], { encoding: 'utf8' }).stdout.trim();
    assert.equal(mode, '600');
  });

  it('answers the go-plugin health check for service "plugin"', async () => {
    const response = await plugin.unary('health', 'Check', { service: 'plugin' });
    assert.equal(response.status, 'SERVING');
  });

  it('reports a healthy ledger in plain words', async () => {
    const response = await plugin.unary('diagnostics', 'CheckHealth', {
      pluginContext: datasourceContext({ url: ledger.url }),
    });
    assert.equal(response.status, 'OK', response.message);
    assert.match(response.message, /Connected to PostgreSQL \d+/);
    assert.match(response.message, /ledger schema v\d+/);
    const details = JSON.parse(Buffer.from(response.jsonDetails).toString());
    assert.equal(typeof details.schemaVersion, 'number');
  });

  it('says what is wrong when the database is unreachable, the password is wrong, or the schema is missing', async () => {
    const closedPort = await freePort();
    const unreachable = await plugin.unary('diagnostics', 'CheckHealth', {
      pluginContext: datasourceContext({
        url: `postgres://postgres:x@127.0.0.1:${closedPort}/ledger`,
        jsonData: { connectTimeoutMs: 2000 },
      }),
    });
    assert.equal(unreachable.status, 'ERROR');
    assert.match(
      unreachable.message,
      /^\[network\] cannot reach PostgreSQL at 127\.0\.0\.1:\d+ \(connection refused\)/
    );

    const badPassword = await plugin.unary('diagnostics', 'CheckHealth', {
      pluginContext: datasourceContext({ url: ledger.url, password: 'definitely-wrong' }),
    });
    assert.equal(badPassword.status, 'ERROR');
    assert.match(badPassword.message, /^\[auth\] authentication failed for user "postgres"/);
    assert.doesNotMatch(badPassword.message, /definitely-wrong/);

    const missingSchema = await plugin.unary('diagnostics', 'CheckHealth', {
      pluginContext: datasourceContext({ url: emptyDb.url }),
    });
    assert.equal(missingSchema.status, 'ERROR');
    assert.match(missingSchema.message, /^\[schema\] connected, but the ledger schema is not installed/);

    const invalidSettings = await plugin.unary('diagnostics', 'CheckHealth', {
      pluginContext: datasourceContext({ url: ledger.url, jsonData: { maxOpenConns: 'lots' } }),
    });
    assert.equal(invalidSettings.status, 'ERROR');
    assert.match(invalidSettings.message, /^\[config\] invalid datasource settings: maxOpenConns/);
  });

  it('serves completed jobs per bucket by mode as timeseries-multi frames; a bad query fails alone', async () => {
    const response = await plugin.unary('data', 'QueryData', {
      pluginContext: datasourceContext({ url: ledger.url }),
      queries: [
        dataQuery(
          'A',
          { queryType: 'metrics', metric: 'job.completed', groupBy: ['mode'], format: 'timeseries' },
          range,
          HOUR
        ),
        dataQuery('B', { queryType: 'metrics', metric: 'no.such.metric' }, range, HOUR),
        { ...dataQuery('C', {}, range, HOUR), json: Buffer.from('{not json') },
      ],
    });
    const a = response.responses.A;
    assert.equal(a.status, 200);
    assert.equal(a.error, '');
    const series = new Map<string, number[]>();
    for (const bytes of a.frames as Buffer[]) {
      assert.equal(bytes.subarray(0, 6).toString(), 'ARROW1', 'each frame is an Arrow IPC file');
      const table = tableFromIPC(bytes);
      const meta = JSON.parse(table.schema.metadata.get('meta') ?? '{}');
      assert.equal(meta.type, 'timeseries-multi');
      assert.deepEqual(meta.typeVersion, [0, 1]);
      assert.equal(table.schema.metadata.get('refId'), 'A');
      const [timeField, valueField] = table.schema.fields;
      assert.equal(timeField!.type.toString(), 'Timestamp<NANOSECOND>');
      const labels = JSON.parse(valueField!.metadata.get('labels') ?? '{}');
      const times = [...(table.getChildAt(0)!.toArray() as BigInt64Array)].map((ns) => Number(ns / 1_000_000n));
      assert.deepEqual(times, [range.from, range.from + HOUR, range.from + 2 * HOUR]);
      series.set(labels.mode, [...table.getChildAt(1)!.toArray()].map(Number));
    }
    assert.deepEqual(Object.fromEntries(series), { genius: [5, 0, 0], mechanic: [2, 0, 1] });

    assert.equal(response.responses.B.status, 400);
    assert.equal(response.responses.B.errorSource, 'downstream');
    assert.match(response.responses.B.error, /unknown metric "no\.such\.metric"/);
    assert.equal(response.responses.C.status, 400);
    assert.match(response.responses.C.error, /not valid JSON/);
  });

  it('logs only hclog JSON on stderr (6-digit timestamps, lowercase levels) and nothing after the handshake on stdout', () => {
    assert.ok(plugin.stderr.length > 0, 'the plugin logged its start');
    for (const line of plugin.stderr) {
      const entry = JSON.parse(line);
      assert.match(entry['@timestamp'], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      assert.ok(['trace', 'debug', 'info', 'warn', 'error'].includes(entry['@level']), entry['@level']);
    }
    assert.equal(plugin.stdout.length, 1);
  });

  it('ignores SIGINT and exits promptly on Shutdown', async () => {
    plugin.child.kill('SIGINT');
    const stillThere = await plugin.unary('health', 'Check', { service: 'plugin' });
    assert.equal(stillThere.status, 'SERVING');
    const { code } = await plugin.shutdown();
    assert.equal(code, 0, 'exited cleanly within go-plugin 2 s grace period');
  });
});

describe('launch guard', () => {
  it('refuses to run without the magic cookie and prints nothing on stdout', () => {
    const env = grafanaPluginEnv();
    delete env.grafana_plugin_type;
    const result = spawnSync(pluginExecutable(), [], { env, encoding: 'utf8', timeout: 10_000 });
    assert.equal(result.status, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /started by Grafana, not by hand/);
  });
});

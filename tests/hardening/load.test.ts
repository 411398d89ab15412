/**
 * Load (#9): 200 concurrent QueryData calls of every query type against a pool of 10 connections, while 50 live
 * streams are attached and a writer appends events. Every call completes, or fails with a clear timeout or capacity
 * error; memory stays bounded; every log line reaches every tail exactly once; and once the load ends nothing is left
 * behind: no stream worker, subscriber, LISTEN connection, waiting request, timer or file handle, and no more
 * database connections than the pool size. Throughput and p95 are printed (docs/reliability.md has the soak's).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';

import { launchPlugin, type PluginUnderTest } from '../support/pluginProcess';
import { startLedgerServer, type LedgerServer } from './support/ledgerServer';
import { runLoad, type LoadResult } from './support/loadRun';
import { snapshot, waitUntil, type ResourceSnapshot } from './support/observe';

const POOL = 10;
let server: LedgerServer;
let plugin: PluginUnderTest;
let stateDir: string;
let baseline: ResourceSnapshot;
let result: LoadResult;

before(async () => {
  server = await startLedgerServer();
  stateDir = mkdtempSync(path.join(tmpdir(), 'hardening-load-'));
  plugin = await launchPlugin({ env: { LEDGER_STATE_DIR: stateDir } });
});

after(() => {
  plugin?.kill();
  server?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

const pluginContext = () =>
  server.context({
    uid: 'load',
    jsonData: { maxOpenConns: POOL, statementTimeoutMs: 20_000, connectTimeoutMs: 20_000 },
  });

it('answers 200 concurrent mixed calls with 50 live streams attached', async () => {
  const health = await plugin.unary('diagnostics', 'CheckHealth', { pluginContext: pluginContext() });
  assert.equal(health.status, 'OK', health.message);
  baseline = await snapshot(plugin);

  result = await runLoad(plugin, server, pluginContext(), {
    calls: 200,
    concurrency: 200,
    streams: 50,
    paths: 20,
    writesPer100Ms: 5,
  });
  const byStatus = new Map<string, number>();
  for (const outcome of result.outcomes) {
    const key = outcome.status === 200 ? '200' : `${outcome.status} ${outcome.error.slice(0, 80)}`;
    byStatus.set(key, (byStatus.get(key) ?? 0) + 1);
  }
  console.log(
    `load: ${result.outcomes.length} calls in ${result.wallMs} ms (${result.throughput.toFixed(1)}/s), ` +
      `p50 ${result.p50} ms, p95 ${result.p95} ms, max ${result.maxMs} ms, RSS ${result.baselineRssMb.toFixed(0)} → ` +
      `${result.peakRssMb.toFixed(0)} MiB; ${JSON.stringify(Object.fromEntries(byStatus))}`
  );
  assert.equal(result.outcomes.length, 200);
  for (const outcome of result.outcomes) {
    // Completed, or a clear statement-timeout / pool-capacity error: never a hang, a crash or an unclassified failure.
    assert.ok(
      outcome.status === 200 || /^\[(timeout|capacity)\] /.test(outcome.error),
      `${outcome.kind}: ${outcome.status} ${outcome.error}`
    );
  }
  // Timeouts and capacity errors are honest answers under overload, but a run where most calls get them proves
  // nothing about serving: at least 95% must be answered.
  const answered = result.outcomes.filter((outcome) => outcome.status === 200).length;
  assert.ok(answered >= 0.95 * result.outcomes.length, `${answered} of ${result.outcomes.length} calls answered`);
  assert.ok(
    result.peakRssMb - result.baselineRssMb < 400,
    `RSS grew by ${result.peakRssMb - result.baselineRssMb} MiB`
  );
  assert.equal(
    result.streams.filter((stream) => stream.error).length,
    0,
    result.streams.map((s) => s.error?.message).join()
  );
});

it('delivers every appended event to every log tail exactly once', async () => {
  const expected = result.appended.length;
  await waitUntil(
    () => result.logStreams.every((stream) => stream.lines.length >= expected),
    20_000,
    `${expected} lines on each of ${result.logStreams.length} log tails`
  );
  for (const stream of result.logStreams) {
    const ids = stream.lines.map((line) => String(line.id));
    assert.equal(new Set(ids).size, ids.length, 'no line twice');
    assert.deepEqual(
      new Set(stream.bodies().map((body) => /error (Load\S+)/.exec(body)?.[1])),
      new Set(result.appended),
      'every appended event'
    );
  }
  for (const stream of result.streams.filter((s) => !result.logStreams.includes(s))) {
    assert.ok(stream.packets.length > 0, 'every metric stream sent its frame');
  }
});

it('leaves nothing behind once the load ends', async () => {
  result.streams.forEach((stream) => stream.cancel());
  await waitUntil(async () => (await snapshot(plugin)).liveStreams === 0, 10_000, 'the stream workers to stop');
  await waitUntil(async () => (await server.sessions('grafana-ledger-stream')) === 0, 10_000, 'the LISTEN connection');
  const now = await snapshot(plugin);
  assert.equal(now.liveSubscribers, 0);
  assert.equal(now.liveConnections, 0);
  assert.equal(now.poolWaiting, 0, 'no request waits for a connection');
  assert.ok(now.poolClients <= POOL, `${now.poolClients} pool connections for a pool of ${POOL}`);
  assert.ok((await server.sessions('grafana-ledger-datasource')) <= POOL);
  // Idle pool connections stay open (they are reused); everything else is back to where it was.
  assert.ok(
    now.fds <= baseline.fds + now.poolClients + 2,
    `file handles: ${baseline.fds} before, ${now.fds} after with ${now.poolClients} pooled connections`
  );
  // Each idle pool connection has its idle-timeout timer; no other timer may outlive the load.
  assert.ok(
    now.timers <= baseline.timers + now.poolIdle + 1,
    `timers: ${baseline.timers} before, ${now.timers} after with ${now.poolIdle} idle connections`
  );
  const health = await plugin.unary('diagnostics', 'CheckHealth', { pluginContext: pluginContext() });
  assert.equal(health.status, 'OK', health.message);
  assert.deepEqual(
    plugin.stderr.filter((line) => !line.startsWith('{') || line.includes('"@level":"error"')),
    [],
    'no error-level or raw stderr line'
  );
});

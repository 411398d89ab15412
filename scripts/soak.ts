/**
 * `npm run soak`: the long reliability run of #9 (never part of `npm test`; the suites in tests/hardening run the
 * short versions). Against the built executable and a PostgreSQL cluster of its own:
 *
 *   1. load: waves of mixed QueryData calls (200 in flight, pool of 10) with 50 live streams and a writer attached;
 *      after each wave the streams are cancelled and the plugin must be back to its resting state (no stream
 *      worker, LISTEN connection, waiting request, stray timer or file handle); RSS is followed across waves.
 *   2. faults: cycles of pg_terminate_backend, a crashed backend, a lock, pool exhaustion, a database restart,
 *      a settings change and a plugin kill + relaunch, each checked on a live metric stream and a log tail
 *      (nothing missed, nothing repeated).
 *   3. fuzz: several seeds over the whole gRPC surface; the ledger checksum must not change.
 *
 * Options: --waves=<n> (3), --calls=<n per wave> (2000), --cycles=<n> (3), --fuzz-seeds=<n> (3),
 * --fuzz-cases=<n per seed> (10000), --write-docs (replace the figures in docs/reliability.md).
 * Exit code 1 when any check fails. Needs `npm run build:backend` first.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import pg from 'pg';

import { launchPlugin, type PluginUnderTest } from '../tests/support/pluginProcess';
import { dataQuery } from '../tests/support/grafanaRequests';
import { runFuzz } from '../tests/hardening/support/fuzzRunner';
import { startLedgerServer, type LedgerServer } from '../tests/hardening/support/ledgerServer';
import { channelPathOf } from '../tests/hardening/support/liveStream';
import { runLoad, type CallOutcome } from '../tests/hardening/support/loadRun';
import { MarkerStreams } from '../tests/hardening/support/markerStreams';
import { percentile, sleep, snapshot, waitUntil } from '../tests/hardening/support/observe';

const root = path.resolve(__dirname, '..');
const option = (name: string, fallback: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const WAVES = option('waves', 3);
const CALLS = option('calls', 2_000);
const CYCLES = option('cycles', 3);
const FUZZ_SEEDS = option('fuzz-seeds', 3);
const FUZZ_CASES = option('fuzz-cases', 10_000);
const POOL = 10;

const lines: string[] = [];
const note = (line: string) => {
  console.log(line);
  lines.push(line);
};

async function loadPhase(server: LedgerServer, plugin: PluginUnderTest): Promise<void> {
  const pluginContext = server.context({
    uid: 'soak-load',
    jsonData: { maxOpenConns: POOL, statementTimeoutMs: 20_000, connectTimeoutMs: 20_000 },
  });
  await plugin.unary('diagnostics', 'CheckHealth', { pluginContext });
  const resting = await snapshot(plugin);
  const waves: CallOutcome[] = [];
  const rssAfterWaves: number[] = [];
  note(`\n### Load (${WAVES} waves of ${CALLS} calls, 200 in flight, pool of ${POOL}, 50 live streams)\n`);
  note('| wave | calls/s | p50 ms | p95 ms | p99 ms | max ms | errors | peak RSS MiB | RSS after MiB | fds after |');
  note('|---|---|---|---|---|---|---|---|---|---|');
  for (let wave = 1; wave <= WAVES; wave++) {
    const result = await runLoad(plugin, server, pluginContext, {
      calls: CALLS,
      concurrency: 200,
      streams: 50,
      paths: 20,
      writesPer100Ms: 5,
      seed: wave,
    });
    const failed = result.outcomes.filter((o) => o.status !== 200);
    for (const outcome of failed) {
      assert.match(outcome.error, /^\[(timeout|capacity)\] /, `${outcome.kind}: ${outcome.status} ${outcome.error}`);
    }
    await waitUntil(
      () => result.logStreams.every((s) => s.lines.length >= result.appended.length),
      30_000,
      'every log tail to receive every event'
    );
    for (const stream of result.logStreams) {
      const ids = stream.lines.map((line) => String(line.id));
      assert.equal(new Set(ids).size, ids.length, 'a log line was sent twice');
    }
    result.streams.forEach((stream) => stream.cancel());
    await waitUntil(async () => (await snapshot(plugin)).liveStreams === 0, 15_000, 'stream workers to stop');
    await waitUntil(async () => (await server.sessions('grafana-ledger-stream')) === 0, 15_000, 'LISTEN to close');
    const after = await snapshot(plugin);
    assert.equal(after.poolWaiting, 0);
    assert.ok(after.poolClients <= POOL);
    assert.ok(after.fds <= resting.fds + after.poolClients + 2, `fds ${resting.fds} → ${after.fds}`);
    assert.ok(after.timers <= resting.timers + after.poolIdle + 1, `timers ${resting.timers} → ${after.timers}`);
    note(
      `| ${wave} | ${result.throughput.toFixed(1)} | ${result.p50} | ${result.p95} | ${result.p99} | ${result.maxMs} | ` +
        `${failed.length} | ${result.peakRssMb.toFixed(0)} | ${after.rssMb.toFixed(0)} | ${after.fds} |`
    );
    waves.push(...result.outcomes);
    rssAfterWaves.push(after.rssMb);
  }
  // V8 keeps the heap it grew to, so RSS does not return to its resting size; it must level off, not climb per wave.
  const climb = rssAfterWaves.at(-1)! - rssAfterWaves[0]!;
  note(
    `\nRSS after the first wave ${rssAfterWaves[0]!.toFixed(0)} MiB, after the last ${rssAfterWaves.at(-1)!.toFixed(0)} MiB.`
  );
  assert.ok(climb < 64, `RSS climbed by ${climb.toFixed(0)} MiB from the first wave to the last`);
  // Per kind, over every wave: what queues behind what when 200 calls share 10 connections.
  note('\n| query kind | calls | p50 ms | p95 ms | max ms |');
  note('|---|---|---|---|---|');
  const kinds = [...new Set(waves.map((o) => o.kind))].sort();
  for (const kind of kinds) {
    const ms = waves.filter((o) => o.kind === kind).map((o) => o.ms);
    note(`| ${kind} | ${ms.length} | ${percentile(ms, 50)} | ${percentile(ms, 95)} | ${Math.max(...ms)} |`);
  }
}

async function faultPhase(server: LedgerServer, stateDir: string): Promise<void> {
  let plugin = await launchPlugin({ env: { LEDGER_STATE_DIR: stateDir } });
  let lastUpdatedMS = 1;
  const pluginContext = () =>
    server.context({
      uid: 'soak-faults',
      lastUpdatedMS,
      jsonData: { maxOpenConns: 4, statementTimeoutMs: 3_000, connectTimeoutMs: 2_000 },
    });
  const streams = new MarkerStreams(server, 'soak-faults');
  await streams.open(plugin, pluginContext());
  await sleep(500);
  const works = async () => {
    const now = Date.now();
    const response = await plugin.unary('data', 'QueryData', {
      pluginContext: pluginContext(),
      queries: [
        dataQuery(
          'A',
          { queryType: 'metrics', metric: 'job.completed', format: 'instant' },
          { from: now - 3_600_000, to: now }
        ),
      ],
    });
    return response.responses.A.status === 200;
  };
  const recovered = async (what: string) => {
    await waitUntil(works, 30_000, `${what}: queries to work`);
    await streams.mark(2);
    await streams.expectAllDelivered(what, 30_000);
  };
  const timings: Record<string, number[]> = {};
  const timed = async (name: string, fault: () => Promise<void>) => {
    const started = Date.now();
    await fault();
    await recovered(name);
    (timings[name] ??= []).push(Date.now() - started);
  };
  for (let cycle = 1; cycle <= CYCLES; cycle++) {
    await timed('pg_terminate_backend', async () => {
      await server.sql(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'grafana-ledger-%'`
      );
      await streams.mark();
    });
    await timed('crashed backend', async () => {
      const [listener] = await server.sql<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE application_name = 'grafana-ledger-stream'`
      );
      if (listener) {
        process.kill(listener.pid, 'SIGKILL');
      }
      await sleep(500);
      await streams.mark();
    });
    await timed('lock (5 s)', async () => {
      const locker = new pg.Client({ connectionString: server.ownerUrl });
      await locker.connect();
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE ledger_events IN ACCESS EXCLUSIVE MODE');
      await sleep(5_000);
      await locker.query('ROLLBACK');
      await locker.end();
      await streams.mark();
    });
    await timed('database restart', async () => {
      await streams.mark();
      server.cluster.pause();
      await sleep(2_000);
      server.cluster.start();
      await streams.mark();
    });
    await timed('settings change', async () => {
      lastUpdatedMS++;
      await works();
      await waitUntil(() => streams.current.logs.error !== undefined, 5_000, 'the streams to end');
      await streams.mark();
      streams.attach(plugin, pluginContext());
      await sleep(300);
    });
    await timed('plugin kill + relaunch', async () => {
      plugin.kill();
      await plugin.exited;
      await streams.mark(2);
      plugin = await launchPlugin({ env: { LEDGER_STATE_DIR: stateDir } });
      streams.attach(plugin, pluginContext());
      await sleep(300);
    });
  }
  streams.cancel();
  assert.deepEqual(
    plugin.stderr.filter((line) => !line.startsWith('{') || line.includes('"@level":"error"')),
    [],
    'no error-level or raw log line'
  );
  plugin.kill();
  note(`\n### Faults (${CYCLES} cycles; ${streams.markers.length} markers, each delivered exactly once, in order)\n`);
  note('| fault | recovery, ms (fault start → queries work and both streams have every marker) |');
  note('|---|---|');
  for (const [name, values] of Object.entries(timings)) {
    note(`| ${name} | ${values.join(', ')} |`);
  }
}

async function fuzzPhase(server: LedgerServer, stateDir: string): Promise<void> {
  note(`\n### Fuzz (${FUZZ_SEEDS} seeds × ${FUZZ_CASES} cases)\n`);
  note('| seed | cases/s | slowest ms | outcomes | findings |');
  note('|---|---|---|---|---|');
  for (let i = 0; i < FUZZ_SEEDS; i++) {
    const seed = 1_000 + i;
    const plugin = await launchPlugin({ env: { LEDGER_STATE_DIR: stateDir } });
    const context = server.context({
      uid: `soak-fuzz-${seed}`,
      jsonData: { statementTimeoutMs: 3_000, connectTimeoutMs: 2_000 },
    });
    const now = Date.now();
    const live = await plugin.unary('data', 'QueryData', {
      pluginContext: context,
      queries: [
        dataQuery('M', { queryType: 'metrics', metric: 'job.completed', live: true }, { from: now - 600_000, to: now }),
      ],
    });
    const livePath = await channelPathOf(live.responses.M.frames[0], `soak-fuzz-${seed}`);
    const before = await server.checksum();
    const report = await runFuzz(plugin, { context, jobIds: server.jobIds, livePath }, { seed, cases: FUZZ_CASES });
    assert.equal(await server.checksum(), before, `seed ${seed}: the ledger changed`);
    assert.equal(plugin.child.exitCode, null, `seed ${seed}: the plugin exited`);
    note(
      `| ${seed} | ${((report.cases / report.ms) * 1000).toFixed(0)} | ${report.slowestMs} | ` +
        `${Object.entries(report.codes)
          .map(([code, n]) => `${code} ${n}`)
          .join(', ')} | ${report.findings.length} |`
    );
    for (const finding of report.findings) {
      console.log(JSON.stringify(finding));
    }
    assert.deepEqual(report.findings, [], `seed ${seed}: findings`);
    plugin.kill();
  }
}

function writeDocs(): void {
  const file = path.join(root, 'docs', 'reliability.md');
  const doc = readFileSync(file, 'utf8');
  const begin = '<!-- soak:begin -->';
  const end = '<!-- soak:end -->';
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}`;
  const block = [
    begin,
    `Latest \`npm run soak\`: ${new Date().toISOString().slice(0, 10)}, on ${machine}.`,
    ...lines,
    end,
  ].join('\n');
  const start = doc.indexOf(begin);
  const stop = doc.indexOf(end);
  assert.ok(start >= 0 && stop > start, 'docs/reliability.md has no soak markers');
  writeFileSync(file, doc.slice(0, start) + block + doc.slice(stop + end.length));
  console.log('wrote docs/reliability.md');
}

async function main(): Promise<void> {
  const started = Date.now();
  const server = await startLedgerServer({ seedHours: 4 });
  const stateDir = mkdtempSync(path.join(tmpdir(), 'ledger-soak-'));
  try {
    const plugin = await launchPlugin({ env: { LEDGER_STATE_DIR: stateDir } });
    await loadPhase(server, plugin);
    plugin.kill();
    await faultPhase(server, stateDir);
    await fuzzPhase(server, stateDir);
  } finally {
    server.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
  note(`\nTotal soak time: ${((Date.now() - started) / 60_000).toFixed(1)} min.`);
  if (process.argv.includes('--write-docs')) {
    writeDocs();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('soak failed:', error);
    process.exit(1);
  }
);

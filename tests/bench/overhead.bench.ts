/**
 * The plugin's fixed cost per query (#14): wall clock of a QueryData call through the built executable minus the
 * time PostgreSQL spent executing its statements (pg_stat_statements, which sees every statement the datasource's
 * login runs), one request at a time and six in flight, plus the plugin process's CPU per request.
 * Runs on a cluster of its own (pg_stat_statements must be preloaded) holding 6 hours of the steady scenario.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import pg from 'pg';

import { queryExecutable, type ExecutableQuery } from '../provisioning/support/executableQueries';
import { createScenarioLedger, type ScenarioLedger } from '../provisioning/support/scenarioLedger';
import { datasourceContext } from '../support/grafanaRequests';
import { launchPlugin, type PluginUnderTest } from '../support/pluginProcess';
import { startCluster } from '../support/postgres';
import { machineDescription, median, ms, percentile, type BenchSection } from './benchSupport';

const HOUR = 3_600_000;
const SEQUENTIAL = 200;
const ROUNDS_IN_FLIGHT = 40;
const IN_FLIGHT = 6;

/** What a panel of each kind asks for over the last hour (interval as Grafana computes it for ~700 px). */
const QUERIES: ReadonlyArray<{ label: string; model: Record<string, unknown> }> = [
  { label: 'stat (instant count)', model: { queryType: 'metrics', metric: 'job.completed', format: 'instant' } },
  {
    label: 'time series (count by mode, 5 s buckets)',
    model: { queryType: 'metrics', metric: 'job.completed', aggregation: 'count', groupBy: ['mode'] },
  },
  { label: 'logs (100 lines)', model: { queryType: 'logs', limit: 100 } },
  { label: 'raw SQL (SELECT 1)', model: { queryType: 'sql', rawSql: 'SELECT 1 AS one', format: 'table' } },
];

/** User + system CPU of a process, in ms (from /proc; clock ticks are 10 ms on Linux). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

interface Measured {
  label: string;
  sequentialMs: number[];
  inFlightMs: number[];
  /** PostgreSQL's execution time per request (all of the request's statements), mean. */
  postgresMs: number;
  cpuPerRequestMs: number;
}

async function executionMsPerRequest(owner: pg.Client, role: string, requests: number): Promise<number> {
  const { rows } = await owner.query<{ total: number }>(
    `SELECT coalesce(sum(s.total_exec_time), 0)::float8 AS total FROM pg_stat_statements s
     JOIN pg_roles r ON r.oid = s.userid WHERE r.rolname = $1`,
    [role]
  );
  return rows[0]!.total / requests;
}

async function measure(
  plugin: PluginUnderTest,
  context: unknown,
  owner: pg.Client,
  role: string,
  label: string,
  query: ExecutableQuery
): Promise<Measured> {
  const run = async () => {
    const started = performance.now();
    const response = await queryExecutable(plugin, context, query);
    if (response.error) {
      throw new Error(`${label}: ${JSON.stringify(response.error)}`);
    }
    return performance.now() - started;
  };
  for (let i = 0; i < 30; i++) {
    await run();
  }
  await owner.query('SELECT pg_stat_statements_reset()');
  const cpuBefore = cpuMs(plugin.child.pid!);
  const sequentialMs: number[] = [];
  for (let i = 0; i < SEQUENTIAL; i++) {
    sequentialMs.push(await run());
  }
  const cpuPerRequestMs = (cpuMs(plugin.child.pid!) - cpuBefore) / SEQUENTIAL;
  const postgresMs = await executionMsPerRequest(owner, role, SEQUENTIAL);
  const inFlightMs: number[] = [];
  for (let round = 0; round < ROUNDS_IN_FLIGHT; round++) {
    inFlightMs.push(...(await Promise.all(Array.from({ length: IN_FLIGHT }, run))));
  }
  return { label, sequentialMs, inFlightMs, postgresMs, cpuPerRequestMs };
}

function row(m: Measured): string {
  const overhead = (values: number[]) => ms(median(values) - m.postgresMs);
  return (
    `| ${m.label} | ${ms(m.postgresMs)} | ${ms(median(m.sequentialMs))} | ${ms(percentile(m.sequentialMs, 95))} | ` +
    `**${overhead(m.sequentialMs)}** | ${ms(m.cpuPerRequestMs)} | ${ms(median(m.inFlightMs))} | ${overhead(m.inFlightMs)} |`
  );
}

/** Measures the fixed overhead per query kind. */
export async function runOverheadBench(): Promise<BenchSection> {
  const load = loadavg()[0]!.toFixed(1);
  const cluster = await startCluster({ serverOptions: ['shared_preload_libraries=pg_stat_statements'] });
  const previousAdmin = process.env.LEDGER_TEST_ADMIN_URL;
  // createScenarioLedger creates its database on the test server named by this variable.
  process.env.LEDGER_TEST_ADMIN_URL = cluster.adminUrl;
  let ledger: ScenarioLedger | undefined;
  let plugin: PluginUnderTest | undefined;
  try {
    const anchor = Math.floor(Date.now() / HOUR) * HOUR;
    ledger = await createScenarioLedger('bench_overhead', [
      { scenario: 'steady', from: anchor - 6 * HOUR, to: anchor },
    ]);
    const owner = await ledger.ledger.connect();
    await owner.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    const role = decodeURIComponent(ledger.readerUrl.username);
    plugin = await launchPlugin({ handshakeTimeoutMs: 60_000 });
    const context = datasourceContext({ url: ledger.readerUrl.toString(), uid: 'bench-overhead' });
    const measured: Measured[] = [];
    for (const { label, model } of QUERIES) {
      const query = {
        refId: 'A',
        model,
        range: { from: anchor - HOUR, to: anchor },
        intervalMs: 5_000,
        maxDataPoints: 700,
      };
      measured.push(await measure(plugin, context, owner, role, label, query));
    }
    const version = (
      await owner.query<{ v: string }>("SELECT current_setting('server_version') AS v")
    ).rows[0]!.v.split(' ')[0];
    await owner.end();
    const markdown = [
      '### Fixed cost per query: QueryData through the executable minus PostgreSQL execution',
      '',
      `Machine: ${machineDescription(version)}; PostgreSQL with the test server's settings plus pg_stat_statements. ` +
        `Ledger: ${ledger.events.toLocaleString('en-US')} events (steady scenario, 6 h); every query over the last hour. ` +
        `Wall clock of a gRPC QueryData call (Arrow decoded by the caller) minus the mean time PostgreSQL executed the ` +
        `request's statements (pg_stat_statements, reset after a warm-up); ${SEQUENTIAL} calls one at a time, then ` +
        `${ROUNDS_IN_FLIGHT} rounds of ${IN_FLIGHT} in flight. CPU = the plugin process's user + system time per call. ` +
        `Load average when it started: ${load}.`,
      '',
      '| query | PostgreSQL execution | one at a time: median | p95 | overhead (median) | plugin CPU per call | 6 in flight: median | overhead |',
      '|---|---|---|---|---|---|---|---|',
      ...measured.map(row),
    ].join('\n');
    return { id: 'overhead', markdown };
  } finally {
    plugin?.kill();
    await ledger?.close();
    if (previousAdmin === undefined) {
      delete process.env.LEDGER_TEST_ADMIN_URL;
    } else {
      process.env.LEDGER_TEST_ADMIN_URL = previousAdmin;
    }
    cluster.stop();
  }
}

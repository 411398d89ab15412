/**
 * What a Grafana user waits for (issue #14), ours against the fair peer on the same ledger: every shipped dashboard
 * opened at 1 h, 6 h, 24 h, 7 d and 30 d (window ending at the ledger's newest event, the "now" of a fixed data set),
 * every alert rule's queries, and start-up to the first answered query. Ours is the built executable; the peer is a
 * Grafana-SDK SQL datasource (tests/bench/peer) running the plain SQL of peerPanels.ts. Both are launched and called
 * the same way (go-plugin handshake, gRPC QueryData), warm, taking turns so that drift and load hit both.
 */
import { loadavg } from 'node:os';
import pg from 'pg';

import { datasourceContext, dataQuery } from '../support/grafanaRequests';
import { launchPlugin, type PluginUnderTest } from '../support/pluginProcess';
import { loadRules } from '../provisioning/support/alertRules';
import { resolveVariables } from '../provisioning/support/dashboardQueries';
import { EXECUTABLE, queryExecutable } from '../provisioning/support/executableQueries';
import { dashboards, provisionedJsonData } from '../provisioning/support/provisioningFiles';
import type { BenchSection } from './benchSupport';
import {
  buildPeer,
  dashboardRequests,
  openDashboard,
  queryData,
  type Backend,
  type PanelRequest,
} from './dashboardLoad';
import {
  dashboardsMarkdown,
  panelsMarkdown,
  type DashboardRun,
  type RuleRun,
  type StartupRun,
} from './dashboardsReport';
import { startBenchCluster, type BenchCluster } from './ledgerBenchCluster';
import { ensureTier, type BenchTier, type LoadedTier } from './ledgerBenchData';
import { peerPanels, PEER_RULES } from './peerPanels';

const HOUR = 3_600_000;
export const DASHBOARD_RANGES: ReadonlyArray<{ label: string; ms: number }> = [
  { label: '1 h', ms: HOUR },
  { label: '6 h', ms: 6 * HOUR },
  { label: '24 h', ms: 24 * HOUR },
  { label: '7 d', ms: 7 * 24 * HOUR },
  { label: '30 d', ms: 30 * 24 * HOUR },
];

/** What `npm run bench -- --only=dashboards` runs. */
export interface DashboardBenchOptions {
  tiers: readonly BenchTier[];
  /** Dashboard width in px (panel widths follow, see grafanaPanelRequest.ts). */
  viewport: number;
  /** Timed openings per dashboard, range and side (after one warm-up each). */
  repetitions: number;
  /** Fewer repetitions when one opening takes longer than this ÷ repetitions (never fewer than 3). */
  budgetMs: number;
}

const log = (line: string) => console.log(line);

/** Times both sides in turns (ours first on even rounds), after one untimed warm-up each unless `warm` is false. */
async function inTurns<T>(rounds: number, ours: () => Promise<T>, peer: () => Promise<T>, warm = true) {
  if (warm) {
    await ours();
    await peer();
  }
  const results = { ours: [] as T[], peer: [] as T[] };
  for (let i = 0; i < rounds; i++) {
    if (i % 2 === 0) {
      results.ours.push(await ours());
      results.peer.push(await peer());
    } else {
      results.peer.push(await peer());
      results.ours.push(await ours());
    }
  }
  return results;
}

async function benchDashboards(
  loaded: LoadedTier,
  sides: { ours: Backend; peer: Backend },
  options: DashboardBenchOptions
): Promise<DashboardRun[]> {
  const runs: DashboardRun[] = [];
  const end = loaded.tier.end;
  const jobId = await lastFailedJob(loaded.url, end);
  const peer = peerPanels({
    tokens: Number(provisionedJsonData().tokenBudgetDaily),
    costUsd: Number(provisionedJsonData().costBudgetDailyUsd),
  });
  for (const [file, dashboard] of dashboards()) {
    // variables are resolved once, as on the dashboard's first load (their values do not depend on the range)
    const variables = await resolveVariables(
      dashboard,
      async (model, refId) => {
        const range = { from: end - 30 * 24 * HOUR, to: end };
        const query = { refId, model, range, intervalMs: 60_000, maxDataPoints: 1_000 };
        const response = await queryExecutable(sides.ours.plugin, sides.ours.context, query);
        if (response.error) {
          throw new Error(`${file} variable ${refId}: ${response.error.message}`);
        }
        return response.frames;
      },
      jobId
    );
    for (const range of DASHBOARD_RANGES) {
      const window = { from: end - range.ms, to: end };
      const requests = dashboardRequests(file, dashboard, variables, window, options.viewport, peer[file] ?? {});
      const open = (backend: Backend, panels: PanelRequest[]) => () => openDashboard(backend, panels);
      const first = await open(sides.ours, requests.ours)(); // the warm-ups
      await open(sides.peer, requests.peer)();
      const rounds = Math.max(3, Math.min(options.repetitions, Math.floor(options.budgetMs / first.totalMs)));
      const timed = await inTurns(rounds, open(sides.ours, requests.ours), open(sides.peer, requests.peer), false);
      runs.push({ file, range: range.label, panels: requests, ...timed });
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      log(
        `bench: ${loaded.tier.id} ${file} ${range.label}: ours ${median(timed.ours.map((t) => t.totalMs)).toFixed(0)} ms, ` +
          `peer ${median(timed.peer.map((t) => t.totalMs)).toFixed(0)} ms (${rounds} rounds)`
      );
    }
  }
  return runs;
}

async function lastFailedJob(url: string, end: number): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ job_id: string }>(
      `SELECT job_id FROM ledger_events WHERE kind = 'job.failed' AND occurred_at < $1 ORDER BY occurred_at DESC LIMIT 1`,
      [new Date(end)]
    );
    if (!rows[0]) {
      throw new Error('the bench ledger has no failed job');
    }
    return rows[0].job_id;
  } finally {
    await client.end();
  }
}

/** Every alert rule's datasource queries in one request per side, as the rule's evaluation sends them. */
async function benchRules(
  loaded: LoadedTier,
  sides: { ours: Backend; peer: Backend },
  rounds: number
): Promise<RuleRun[]> {
  const end = loaded.tier.end;
  const runs: RuleRun[] = [];
  for (const rule of loadRules()) {
    const queries = rule.data.filter((q) => q.datasourceUid !== '__expr__');
    const rangeOf = (refId: string) => {
      const relative = queries.find((q) => q.refId === refId)?.relativeTimeRange ?? { from: 600, to: 0 };
      return { from: end - relative.from * 1000, to: end - relative.to * 1000 };
    };
    const ours = queries.map((q) => dataQuery(q.refId, q.model, rangeOf(q.refId), 60_000, 43_200));
    const answer = PEER_RULES[rule.uid];
    if (!answer) {
      throw new Error(`alert rule ${rule.uid}: no peer in peerPanels.ts`);
    }
    const peer =
      'targets' in answer
        ? answer.targets.map((t) => dataQuery(t.refId, { ...t }, rangeOf(t.refId), 60_000, 43_200))
        : undefined;
    const headers = { FromAlert: 'true' };
    const timed = await inTurns(
      rounds,
      async () => (await queryData(sides.ours, ours, headers)).ms,
      async () => (peer ? (await queryData(sides.peer, peer, headers)).ms : NaN)
    );
    runs.push({ uid: rule.uid, title: rule.title, peerNote: 'none' in answer ? answer.none : undefined, ...timed });
  }
  return runs;
}

/** Spawn → handshake, and spawn → first answered query (the "Completed" stat over 1 h), both executables in turns. */
async function benchStartup(loaded: LoadedTier, peerExecutable: string, launches: number): Promise<StartupRun> {
  const end = loaded.tier.end;
  const range = { from: end - HOUR, to: end };
  const dashboard = dashboards().get('jobs-overview.json')!;
  const completed = (dashboard.panels as Array<Record<string, any>>).find((p) => p.title === 'Completed')!;
  const oursQuery = dataQuery('A', { ...completed.targets[0], filters: [] }, range);
  const peerQuery = dataQuery(
    'A',
    {
      rawSql: `SELECT count(*) FROM ledger_events WHERE kind = 'job.completed' AND $__timeFilter(occurred_at)`,
      format: 'table',
    },
    range
  );
  const once = async (executable: string, context: unknown, query: ReturnType<typeof dataQuery>) => {
    const started = performance.now();
    const plugin = await launchPlugin({ executable, handshakeTimeoutMs: 60_000 });
    try {
      const handshake = performance.now() - started;
      await queryData({ plugin, context }, [query]);
      return { handshake, firstAnswer: performance.now() - started };
    } finally {
      plugin.kill();
      await plugin.exited;
    }
  };
  const contexts = backendContexts(loaded.url);
  return inTurns(
    launches,
    () => once(EXECUTABLE, contexts.ours, oursQuery),
    () => once(peerExecutable, contexts.peer, peerQuery)
  );
}

/** Both datasources on the same database as the same user, with the provisioned pool size. */
function backendContexts(url: string) {
  const jsonData = provisionedJsonData();
  return {
    ours: datasourceContext({ url, uid: 'ledger', jsonData }),
    peer: datasourceContext({ url, uid: 'peer', jsonData: { maxOpenConns: jsonData.maxOpenConns } }),
  };
}

async function serverSettings(cluster: BenchCluster, url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const names = ['fsync', 'synchronous_commit', 'full_page_writes', 'shared_buffers', 'work_mem', 'jit'];
    const { rows } = await client.query<{ name: string; setting: string }>(
      `SELECT name, current_setting(name) AS setting FROM pg_settings WHERE name = ANY($1) ORDER BY name`,
      [names]
    );
    return `PostgreSQL ${cluster.version}: ${rows.map((r) => `${r.name} ${r.setting}`).join(', ')}`;
  } finally {
    await client.end();
  }
}

/** `npm run bench -- --only=dashboards [--events=1M|10M] [--width=1920]`: one section per ledger size. */
export async function runDashboardsBench(options: DashboardBenchOptions): Promise<BenchSection[]> {
  const cluster = await startBenchCluster(log);
  const peerExecutable = buildPeer();
  const sections: BenchSection[] = [];
  try {
    for (const tier of options.tiers) {
      const loaded = await ensureTier(cluster, tier, log);
      const settings = await serverSettings(cluster, loaded.url);
      const loadBefore = loadavg().map((l) => l.toFixed(1));
      const contexts = backendContexts(loaded.url);
      const plugins: PluginUnderTest[] = [];
      try {
        const launch = async (executable: string) => {
          const plugin = await launchPlugin({ executable, handshakeTimeoutMs: 60_000 });
          plugins.push(plugin);
          return plugin;
        };
        const sides = {
          ours: { plugin: await launch(EXECUTABLE), context: contexts.ours },
          peer: { plugin: await launch(peerExecutable), context: contexts.peer },
        };
        const dashboardRuns = await benchDashboards(loaded, sides, options);
        const ruleRuns = await benchRules(loaded, sides, options.repetitions);
        const startup = await benchStartup(loaded, peerExecutable, options.repetitions);
        const loadAfter = loadavg().map((l) => l.toFixed(1));
        const context = { loaded, settings, load: { before: loadBefore, after: loadAfter }, options };
        sections.push(
          { id: `dashboards-${tier.id}`, markdown: dashboardsMarkdown(context, dashboardRuns, ruleRuns, startup) },
          { id: `panels-${tier.id}`, doc: 'benchmarks-panels.md', markdown: panelsMarkdown(context, dashboardRuns) }
        );
      } finally {
        plugins.forEach((plugin) => plugin.kill());
      }
    }
  } finally {
    cluster.stop();
  }
  return sections;
}

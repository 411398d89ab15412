/**
 * Opening a dashboard as Grafana does (issue #14): each panel is one QueryData request holding all its targets,
 * sent as its panel's query runner would (the panel's maxDataPoints and interval, see grafanaPanelRequest.ts); the
 * panels go through a queue drained by six workers, the requests Grafana's frontend keeps in flight. The panel's time
 * is its request's round trip; the dashboard's time is until its last panel answered.
 */
import path from 'node:path';
import { spawnSync } from 'node:child_process';

import { tableFromIPC } from 'apache-arrow';

import { dataQuery } from '../support/grafanaRequests';
import type { PluginUnderTest } from '../support/pluginProcess';
import { dashboardQueries, type DashboardQuery, type TimeRange } from '../provisioning/support/dashboardQueries';
import { queryPanels, type Json } from '../provisioning/support/provisioningFiles';
import type { VariableState } from '../provisioning/support/templateSrv';
import { BENCH_CACHE_DIR } from './ledgerBenchCluster';
import { panelRequest } from './grafanaPanelRequest';
import type { PeerPanel, PeerTarget } from './peerPanels';

/** Requests Grafana keeps in flight while a dashboard loads. */
export const PANELS_IN_FLIGHT = 6;

/** A datasource as Grafana calls it: the launched executable and its PluginContext. */
export interface Backend {
  plugin: PluginUnderTest;
  context: unknown;
}

/** One panel's request, or none when that side has no such panel. */
export interface PanelRequest {
  title: string;
  queries: Array<ReturnType<typeof dataQuery>>;
}

/**
 * Sends one QueryData request and returns its round trip and the rows of its frames (to tell an empty answer);
 * rejects when any query of it answers with an error.
 */
export async function queryData(
  backend: Backend,
  queries: PanelRequest['queries'],
  headers: Record<string, string> = {}
): Promise<{ ms: number; rows: number }> {
  const started = performance.now();
  const response = await backend.plugin.unary(
    'data',
    'QueryData',
    { pluginContext: backend.context, headers, queries },
    { deadlineMs: 120_000 }
  );
  const elapsed = performance.now() - started;
  let rows = 0;
  for (const query of queries) {
    const answer = response.responses[query.refId];
    if (!answer || answer.error) {
      throw new Error(`${query.refId}: ${answer ? answer.error : 'no response'}`);
    }
    rows += (answer.frames as Buffer[]).reduce((sum, frame) => sum + tableFromIPC(frame).numRows, 0);
  }
  return { ms: elapsed, rows };
}

/** Opens a dashboard: every panel's request through a queue of PANELS_IN_FLIGHT workers. */
export async function openDashboard(
  backend: Backend,
  panels: readonly PanelRequest[]
): Promise<{ totalMs: number; panelMs: Map<string, number>; panelRows: Map<string, number> }> {
  const started = performance.now();
  const panelMs = new Map<string, number>();
  const panelRows = new Map<string, number>();
  let next = 0;
  const worker = async () => {
    while (next < panels.length) {
      const panel = panels[next++]!;
      try {
        const answer = await queryData(backend, panel.queries);
        panelMs.set(panel.title, answer.ms);
        panelRows.set(panel.title, answer.rows);
      } catch (error) {
        throw new Error(`panel "${panel.title}": ${(error as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: PANELS_IN_FLIGHT }, worker));
  return { totalMs: performance.now() - started, panelMs, panelRows };
}

/**
 * Expands dashboard variables in the peer's SQL as Grafana's SQL datasources do: a multi-value or "All" variable
 * becomes its values quoted and comma-separated, any other its value.
 */
export function expandVariables(sql: string, variables: readonly VariableState[]): string {
  return sql.replace(/\$(\w+)/g, (whole, name: string) => {
    const variable = variables.find((v) => v.name === name);
    if (!variable) {
      return whole; // a macro ($__timeFilter…), left to the datasource
    }
    const values = variable.current.includes('$__all') ? variable.options : variable.current;
    return variable.multi || variable.includeAll
      ? values.map((v) => `'${v.replace(/'/g, "''")}'`).join(',')
      : (values[0] ?? '');
  });
}

/** Both sides' requests for one dashboard over `range`, in the dashboard's panel order. */
export function dashboardRequests(
  file: string,
  dashboard: Json,
  variables: readonly VariableState[],
  range: TimeRange,
  viewport: number,
  peer: Record<string, PeerPanel>
): { ours: PanelRequest[]; peer: PanelRequest[] } {
  const targets = dashboardQueries(file, dashboard, variables, range).filter((q) => q.panelType !== 'annotation');
  const ours: PanelRequest[] = [];
  const peers: PanelRequest[] = [];
  for (const panel of queryPanels(dashboard)) {
    const title = String(panel.title);
    const { maxDataPoints, intervalMs } = panelRequest(panel, range, viewport);
    const request = (refId: string, model: Record<string, unknown>) =>
      dataQuery(refId, model, range, intervalMs, maxDataPoints);
    const mine = targets.filter((q: DashboardQuery) => q.where.startsWith(`${file} "${title}" `));
    if (mine.length === 0) {
      throw new Error(`${file} "${title}": no queries resolved`);
    }
    ours.push({ title, queries: mine.map((q) => request(q.refId, q.model)) });
    const answer = peer[title];
    if (!answer) {
      throw new Error(`${file} "${title}": no peer panel in peerPanels.ts`);
    }
    if ('none' in answer) {
      continue;
    }
    const peerTargets: PeerTarget[] =
      'sameSql' in answer
        ? mine.map((q) => ({ refId: q.refId, rawSql: String(q.model.rawSql), format: 'table' }))
        : answer.targets.map((t) => ({ ...t, rawSql: expandVariables(t.rawSql, variables) }));
    peers.push({ title, queries: peerTargets.map((t) => request(t.refId, { ...t })) });
  }
  return { ours, peer: peers };
}

/** Builds the peer executable (go build, from its own module) and returns its path. */
export function buildPeer(): string {
  const output = path.join(BENCH_CACHE_DIR, 'gpx_bench_peer');
  const built = spawnSync('go', ['build', '-o', output, '.'], {
    cwd: path.join(__dirname, 'peer'),
    encoding: 'utf8',
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  if (built.status !== 0) {
    throw new Error(`go build of the peer failed: ${built.stderr}`);
  }
  return output;
}

/**
 * Every query a shipped dashboard sends, the way Grafana's frontend prepares it: variables resolved on load (query
 * variables run, "All" selected), annotation targets and panel targets interpolated with LedgerDataSource's
 * applyTemplateVariables, each panel with the interval Grafana gives it for the time range. Shared by the dashboard
 * tests (any ledger) and the fresh-ledger suite (a ledger bulk-loaded a moment ago).
 */
import assert from 'node:assert/strict';

import type { CheckedFrame } from '../../../src/backend/frames/frame';
import { completeFilters } from '../../../src/datasource/components/filters/editFilters';
import { interpolateQuery } from '../../../src/datasource/query/interpolateQuery';
import { isRunnableQuery } from '../../../src/datasource/query/isRunnableQuery';
import type { LedgerQuery } from '../../../src/datasource/types';
import { queryPanels, type Json } from './provisioningFiles';
import { TestTemplateSrv, type VariableState } from './templateSrv';

/** A time range in epoch ms. */
export interface TimeRange {
  from: number;
  to: number;
}

/** Runs one query model over the dashboard's range and returns its frames (failing on an error response). */
export type DashboardQueryRunner = (
  model: Json,
  refId: string,
  intervalMs?: number,
  maxDataPoints?: number
) => Promise<CheckedFrame[]>;

/** One query as the frontend sends it. */
export interface DashboardQuery {
  /** `file "panel title" refId` (or `annotation "name"`), for messages. */
  where: string;
  /** The panel type that draws it (`annotation` for annotation queries). */
  panelType: string;
  live: boolean;
  refId: string;
  model: Json;
  intervalMs: number;
  maxDataPoints: number;
}

const NICE_INTERVALS_S = [
  1, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600, 7200, 10800, 21600, 43200, 86400,
];

/** The panel's max data points as Grafana computes them (its width in pixels when not set). */
export function panelMaxDataPoints(panel: Json): number {
  return panel.maxDataPoints ?? Math.round((panel.gridPos.w / 24) * 1600);
}

/** Grafana's interval for a panel: range ÷ max data points, rounded, never below the panel's min interval. */
export function panelInterval(panel: Json, range: TimeRange): number {
  const raw = (range.to - range.from) / panelMaxDataPoints(panel);
  const nice = NICE_INTERVALS_S.map((s) => s * 1000);
  let interval = nice.find((n) => n >= raw) ?? nice[nice.length - 1]!;
  const min = typeof panel.interval === 'string' ? /^(\d+)([smh])$/.exec(panel.interval) : null;
  if (min) {
    interval = Math.max(interval, Number(min[1]) * { s: 1_000, m: 60_000, h: 3_600_000 }[min[2] as 's' | 'm' | 'h']);
  }
  return interval;
}

const formatInterval = (ms: number) =>
  ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : ms % 60_000 === 0 ? `${ms / 60_000}m` : `${ms / 1000}s`;

/** Resolves a dashboard's variables as Grafana does on load: query variables run, "All" selected. */
export async function resolveVariables(
  dashboard: Json,
  run: DashboardQueryRunner,
  jobId: string
): Promise<VariableState[]> {
  const states: VariableState[] = [];
  for (const variable of dashboard.templating.list as Json[]) {
    if (variable.type === 'datasource') {
      states.push({ name: variable.name, type: 'datasource', current: ['ledger'], options: ['ledger'] });
    } else if (variable.type === 'query') {
      const frames = await run(variable.query, `var-${variable.name}`);
      const values = frames[0]?.fields.find((f) => f.name === 'value');
      const options = values ? (Array.from(values.values as ArrayLike<string>) as string[]) : [];
      assert.ok(options.length > 0, `variable ${variable.name} lists values`);
      states.push({
        name: variable.name,
        type: 'query',
        multi: variable.multi,
        includeAll: variable.includeAll,
        allValue: variable.allValue,
        current: ['$__all'],
        options,
      });
    } else if (variable.type === 'textbox') {
      assert.equal(variable.name, 'job', 'the only textbox is the job id');
      states.push({ name: variable.name, type: 'textbox', current: [jobId], options: [jobId] });
    } else {
      assert.fail(`variable type ${variable.type} is not expected in the shipped dashboards`);
    }
  }
  return states;
}

/** The dashboard's annotation queries and every panel's targets, interpolated for `range`. */
export function dashboardQueries(
  file: string,
  dashboard: Json,
  variables: readonly VariableState[],
  range: TimeRange
): DashboardQuery[] {
  const queries: DashboardQuery[] = [];
  for (const annotation of (dashboard.annotations.list as Json[]).filter((a) => !a.builtIn)) {
    const refId = annotation.target.refId || 'Anno';
    const target = { ...annotation.target, refId };
    queries.push({
      where: `${file} annotation "${annotation.name}"`,
      panelType: 'annotation',
      live: false,
      refId,
      model: interpolateQuery(target as LedgerQuery, new TestTemplateSrv(variables)) as unknown as Json,
      intervalMs: 60_000,
      maxDataPoints: 1_000,
    });
  }
  for (const panel of queryPanels(dashboard)) {
    const intervalMs = panelInterval(panel, range);
    const templateSrv = new TestTemplateSrv(variables, {
      __interval: formatInterval(intervalMs),
      __interval_ms: String(intervalMs),
    });
    for (const target of panel.targets as LedgerQuery[]) {
      const where = `${file} "${panel.title}" ${target.refId}`;
      // what LedgerDataSource.query does: complete filters, then applyTemplateVariables, then filterQuery
      const prepared: LedgerQuery = {
        ...target,
        filters: target.filters ? completeFilters(target.filters) : target.filters,
      };
      const query = interpolateQuery(prepared, templateSrv);
      assert.ok(isRunnableQuery(query), `${where}: runnable after interpolation`);
      assert.ok(!/\$\w/.test(JSON.stringify(query.filters ?? [])), `${where}: filters fully interpolated`);
      queries.push({
        where,
        panelType: panel.type,
        live: Boolean(target.live),
        refId: target.refId,
        model: query as unknown as Json,
        intervalMs,
        maxDataPoints: panelMaxDataPoints(panel),
      });
    }
  }
  return queries;
}

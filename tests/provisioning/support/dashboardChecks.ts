/**
 * Static checks of shipped dashboards and of the URLs they and the alert rules link to.
 */
import { findMetric } from '../../../src/contract/metrics';
import { DIMENSIONS, FILTER_OPERATORS, FORMATS, QUERY_TYPES } from '../../../src/contract/query';
import { RUNBOOK_IDS } from '../../../src/app/runbooks/index';
import { DATASOURCE_TYPE, allPanels, type Json } from './provisioningFiles';

/** The only datasource reference a shipped dashboard may hold: its own variable. */
export const DATASOURCE_REF = { type: DATASOURCE_TYPE, uid: '${datasource}' };

/** Grafana's built-in annotation datasource (the "Annotations & Alerts" entry every dashboard has). */
const BUILT_IN = { type: 'grafana', uid: '-- Grafana --' };

/**
 * Every place a dashboard names a datasource other than through its `datasource` variable: a uid that is not
 * `${datasource}`/`$datasource`, a bare datasource name or uid string, or a datasource of another type.
 */
export function hardcodedDatasources(dashboard: unknown): string[] {
  const problems: string[] = [];
  const visit = (value: unknown, at: string) => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, `${at}[${i}]`));
      return;
    }
    if (value === null || typeof value !== 'object') {
      return;
    }
    for (const [key, child] of Object.entries(value)) {
      const here = at ? `${at}.${key}` : key;
      if (key === 'datasource' || key === 'datasourceUid') {
        if (typeof child === 'string') {
          if (!['${datasource}', '$datasource'].includes(child)) {
            problems.push(`${here} = "${child}"`);
          }
        } else if (child !== null && typeof child === 'object') {
          const ref = child as { type?: unknown; uid?: unknown };
          const builtIn = ref.type === BUILT_IN.type && ref.uid === BUILT_IN.uid;
          const ours = ref.type === DATASOURCE_TYPE && (ref.uid === '${datasource}' || ref.uid === '$datasource');
          if (!builtIn && !ours) {
            problems.push(`${here} = ${JSON.stringify(child)}`);
          }
        }
      }
      visit(child, here);
    }
  };
  visit(dashboard, '');
  return problems;
}

/** Names of the variables a string refers to (`$x`, `${x}`, `${x:fmt}`, `[[x]]`). */
export function variableReferences(text: string): string[] {
  return [...text.matchAll(/\$\{(\w+)(?:[.:][^}]*)?\}|\$(\w+)|\[\[(\w+)(?::\w+)?\]\]/g)].map(
    (m) => (m[1] ?? m[2] ?? m[3])!
  );
}

/** Grafana's global variables, always defined. */
export const GLOBAL_VARIABLES = new Set([
  '__interval',
  '__interval_ms',
  '__range',
  '__range_s',
  '__range_ms',
  '__rate_interval',
  '__from',
  '__to',
  '__dashboard',
  '__org',
  '__user',
  '__timezone',
  '__value',
  '__field',
  '__series',
  '__data',
  '__url_time_range',
  '__all_variables',
  '__timeFilter',
  '__timeFrom',
  '__timeTo',
  '__timeGroup',
  '__timeGroupAlias',
  '__time',
  '__timeEpoch',
  '__unixEpochFilter',
  '__unixEpochFrom',
  '__unixEpochTo',
  '__unixEpochGroup',
  '__unixEpochGroupAlias',
  '__unixEpochNanoFilter',
  '__unixEpochNanoFrom',
  '__unixEpochNanoTo',
]);

/** Problems of one target against the query model and the metrics catalog. */
export function targetProblems(target: Json): string[] {
  const problems: string[] = [];
  const type = target.queryType ?? 'metrics';
  if (!QUERY_TYPES.includes(type)) {
    return [`unknown queryType ${String(type)}`];
  }
  for (const filter of (target.filters ?? []) as Json[]) {
    if (!DIMENSIONS.includes(filter.key) && filter.key !== 'kind') {
      problems.push(`filter on unknown dimension ${String(filter.key)}`);
    }
    if (!FILTER_OPERATORS.includes(filter.operator)) {
      problems.push(`unknown filter operator ${String(filter.operator)}`);
    }
  }
  if (type !== 'metrics') {
    return problems;
  }
  const metric = findMetric(target.metric);
  if (!metric) {
    return [...problems, `unknown metric ${String(target.metric)}`];
  }
  if (!metric.aggregations.includes(target.aggregation)) {
    problems.push(`${metric.id} cannot be aggregated by ${String(target.aggregation)}`);
  }
  if (!FORMATS.includes(target.format) || !metric.formats.includes(target.format)) {
    problems.push(`${metric.id} has no format ${String(target.format)}`);
  }
  for (const key of [
    ...((target.groupBy ?? []) as string[]),
    ...((target.filters ?? []) as Json[]).map((f) => f.key as string),
  ]) {
    if (!metric.dimensions.includes(key as never)) {
      problems.push(`${metric.id} has no dimension ${key}`);
    }
  }
  return problems;
}

/** Sample values for the variables a link may hold, to check the URL it becomes. */
const LINK_SAMPLES: Record<string, string> = {
  datasource: 'ledger',
  '__value.raw': 'job-42',
  '__value.text': 'job-42',
  '__value.time': '1763478000000',
  __from: '1763467200000',
  __to: '1763478000000',
  __url_time_range: 'from=1763467200000&to=1763478000000',
};

/**
 * Why a link URL would not open what it promises (empty when it is fine): app routes must be pages the app serves
 * (runbook ids from src/app/runbooks), Explore links must carry valid Ledger queries, dashboard links shipped uids.
 */
export function linkProblems(url: string, dashboardUids: ReadonlySet<string>): string[] {
  const filled = url.replace(/\$\{([^}:]+)(?::[^}]*)?\}/g, (match, name: string) => LINK_SAMPLES[name] ?? match);
  if (/\$\{/.test(filled)) {
    return [`unknown variable in ${url}`];
  }
  const parsed = new URL(filled, 'http://grafana.invalid');
  if (parsed.origin !== 'http://grafana.invalid') {
    return [`external link ${url}`];
  }
  const route = parsed.pathname;
  const app = /^\/a\/aicodeteam-ledger-app\/(.*)$/.exec(route);
  if (app) {
    const [page, id, ...rest] = app[1]!.split('/');
    if (page === 'runbooks') {
      return id === undefined || RUNBOOK_IDS.includes(decodeURIComponent(id)) ? [] : [`no runbook "${id}" (${url})`];
    }
    if (page === 'job' || page === 'overview') {
      return rest.length === 0 ? [] : [`no app page ${route}`];
    }
    return [`no app page ${route}`];
  }
  if (route === '/explore') {
    const panes = parsed.searchParams.get('panes');
    if (!panes) {
      return [`Explore link without panes: ${url}`];
    }
    const problems: string[] = [];
    for (const pane of Object.values(JSON.parse(panes) as Record<string, Json>)) {
      if (pane.datasource !== LINK_SAMPLES.datasource) {
        problems.push(`Explore pane datasource ${String(pane.datasource)} is not the dashboard's datasource`);
      }
      for (const query of (pane.queries ?? []) as Json[]) {
        problems.push(...targetProblems(query));
        if (query.queryType === 'traces' && !query.traceId) {
          problems.push('Explore trace link without a trace id');
        }
      }
    }
    return problems;
  }
  const dash = /^\/d\/([^/]+)/.exec(route);
  if (dash) {
    return dashboardUids.has(dash[1]!) ? [] : [`no shipped dashboard ${dash[1]}`];
  }
  return [`unexpected link ${url}`];
}

/** Every link of a dashboard (dashboard links, panel links, field links in defaults and overrides). */
export function dashboardLinks(dashboard: Json): Array<{ at: string; url: string }> {
  const links: Array<{ at: string; url: string }> = [];
  for (const link of (dashboard.links ?? []) as Json[]) {
    if (link.type === 'link') {
      links.push({ at: `dashboard link "${link.title}"`, url: link.url });
    }
  }
  for (const panel of allPanels(dashboard)) {
    for (const link of (panel.links ?? []) as Json[]) {
      links.push({ at: `panel "${panel.title}" link "${link.title}"`, url: link.url });
    }
    for (const link of (panel.fieldConfig?.defaults?.links ?? []) as Json[]) {
      links.push({ at: `panel "${panel.title}" data link "${link.title}"`, url: link.url });
    }
    for (const override of (panel.fieldConfig?.overrides ?? []) as Json[]) {
      for (const property of (override.properties ?? []) as Json[]) {
        if (property.id === 'links') {
          for (const link of property.value as Json[]) {
            links.push({ at: `panel "${panel.title}" field link "${link.title}"`, url: link.url });
          }
        }
      }
    }
  }
  return links;
}

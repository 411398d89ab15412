/** Identifiers and routes shared by the app's pages. */
export const PLUGIN_ID = 'aicodeteam-ledger-app';
export const DATASOURCE_PLUGIN_ID = 'aicodeteam-ledger-datasource';
export const PLUGIN_BASE_URL = `/a/${PLUGIN_ID}`;

/** App routes, relative to PLUGIN_BASE_URL. */
export const ROUTES = {
  overview: 'overview',
  runbooks: 'runbooks',
  job: 'job',
} as const;

/** Absolute URL of an app route: `prefixRoute('runbooks')` → `/a/aicodeteam-ledger-app/runbooks`. */
export function prefixRoute(route: string): string {
  return `${PLUGIN_BASE_URL}/${route}`;
}

/** URL of one runbook page (what provisioned alert rules put in `runbook_url`, after the Grafana root URL). */
export function runbookUrl(runbookId: string): string {
  return prefixRoute(`${ROUTES.runbooks}/${encodeURIComponent(runbookId)}`);
}

/** URL of one job's detail page. */
export function jobUrl(jobId: string): string {
  return prefixRoute(`${ROUTES.job}/${encodeURIComponent(jobId)}`);
}

/** How often the overview page refreshes its tiles. */
export const OVERVIEW_REFRESH_MS = 30_000;

/** Builders for the pluginv2 requests Grafana sends (wire shapes, as a Grafana server would fill them). */

/** Connection details of a test database, as Grafana's datasource settings hold them. */
export interface DatasourceOptions {
  url: string; // a postgres:// URL of the test database
  uid?: string;
  lastUpdatedMS?: number;
  jsonData?: Record<string, unknown>;
  password?: string;
  user?: string;
}

/** A PluginContext for a Ledger datasource pointing at `options.url`. */
export function datasourceContext(options: DatasourceOptions) {
  const url = new URL(options.url);
  const jsonData = { database: url.pathname.slice(1), sslmode: 'disable', ...options.jsonData };
  return {
    orgId: 1,
    pluginId: 'aicodeteam-ledger-datasource',
    user: { login: 'admin', name: 'Admin', email: 'admin@example.com', role: 'Admin' },
    dataSourceInstanceSettings: {
      id: 7,
      uid: options.uid ?? 'ledger-test',
      name: 'Ledger',
      url: `${url.hostname}:${url.port || 5432}`,
      user: options.user ?? decodeURIComponent(url.username),
      database: '',
      jsonData: Buffer.from(JSON.stringify(jsonData)),
      decryptedSecureJsonData:
        options.password !== undefined
          ? { password: options.password }
          : url.password
            ? { password: decodeURIComponent(url.password) }
            : {},
      lastUpdatedMS: options.lastUpdatedMS ?? 1,
    },
    grafanaConfig: {},
    pluginVersion: '0.1.0',
    userAgent: 'Grafana/12.4.0 (linux; amd64)',
  };
}

/** One DataQuery: `json` is the query object the frontend sent. */
export function dataQuery(
  refId: string,
  json: Record<string, unknown>,
  range: { from: number; to: number },
  intervalMs = 60_000,
  maxDataPoints = 1_000
) {
  return {
    refId,
    maxDataPoints,
    intervalMS: intervalMs,
    timeRange: { fromEpochMS: range.from, toEpochMS: range.to },
    json: Buffer.from(JSON.stringify({ refId, ...json })),
    queryType: typeof json.queryType === 'string' ? json.queryType : '',
  };
}

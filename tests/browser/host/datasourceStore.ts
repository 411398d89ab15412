/** The host's one Ledger datasource, as Grafana stores it: settings, plus secrets the browser never sees. */

/** A datasource as stored by the host. */
export interface StoredDatasource {
  id: number;
  uid: string;
  name: string;
  url: string;
  user: string;
  jsonData: Record<string, unknown>;
  secureJsonData: Record<string, string>;
  updated: number;
}

/** Creates the datasource for a test database URL (postgres://user:password@host:port/db). */
export function datasourceFor(databaseUrl: string, uid = 'ledger-browser'): StoredDatasource {
  const url = new URL(databaseUrl);
  return {
    id: 7,
    uid,
    name: 'Ledger',
    url: `${url.hostname}:${url.port || 5432}`,
    user: decodeURIComponent(url.username),
    jsonData: { database: url.pathname.slice(1), sslmode: 'disable' },
    secureJsonData: url.password ? { password: decodeURIComponent(url.password) } : {},
    updated: Date.now(),
  };
}

/** The instance settings the frontend gets (boot data): no secrets. */
export function instanceSettingsOf(datasource: StoredDatasource) {
  return {
    id: datasource.id,
    uid: datasource.uid,
    type: 'aicodeteam-ledger-datasource',
    name: datasource.name,
    access: 'proxy',
    url: `/api/datasources/proxy/uid/${datasource.uid}`,
    jsonData: datasource.jsonData,
    readOnly: false,
    isDefault: true,
  };
}

/** GET /api/datasources/uid/:uid: the settings page's view, secrets reduced to "is set" flags. */
export function settingsViewOf(datasource: StoredDatasource) {
  return {
    id: datasource.id,
    uid: datasource.uid,
    orgId: 1,
    name: datasource.name,
    type: 'aicodeteam-ledger-datasource',
    typeName: 'Ledger',
    typeLogoUrl: 'public/plugins/aicodeteam-ledger-datasource/img/logo.svg',
    access: 'proxy',
    url: datasource.url,
    user: datasource.user,
    database: '',
    basicAuth: false,
    basicAuthUser: '',
    withCredentials: false,
    isDefault: true,
    jsonData: datasource.jsonData,
    secureJsonFields: Object.fromEntries(Object.keys(datasource.secureJsonData).map((key) => [key, true])),
    version: 1,
    readOnly: false,
  };
}

interface SettingsUpdate {
  name?: string;
  url?: string;
  user?: string;
  jsonData?: Record<string, unknown>;
  secureJsonData?: Record<string, string>;
  secureJsonFields?: Record<string, boolean>;
}

/** PUT /api/datasources/uid/:uid: Grafana's merge rules for secrets (a sent value replaces, a reset removes). */
export function updateDatasource(datasource: StoredDatasource, update: SettingsUpdate): StoredDatasource {
  const secrets = { ...datasource.secureJsonData };
  for (const [key, set] of Object.entries(update.secureJsonFields ?? {})) {
    if (!set) {
      delete secrets[key];
    }
  }
  for (const [key, value] of Object.entries(update.secureJsonData ?? {})) {
    if (value) {
      secrets[key] = value;
    }
  }
  return {
    ...datasource,
    name: update.name ?? datasource.name,
    url: update.url ?? datasource.url,
    user: update.user ?? datasource.user,
    jsonData: update.jsonData ?? datasource.jsonData,
    secureJsonData: secrets,
    updated: Date.now(),
  };
}

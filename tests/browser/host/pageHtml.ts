/** The HTML of every host page: Grafana's boot data, then the bundle. */
import { instanceSettingsOf, type StoredDatasource } from './datasourceStore';

/** The app plugin's settings as the host keeps them. */
export interface AppSettings {
  enabled: boolean;
  pinned: boolean;
  jsonData: Record<string, unknown>;
}

const escape = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

/** The page for `theme`. */
export function pageHtml(theme: 'light' | 'dark', datasource: StoredDatasource, app: AppSettings): string {
  const instance = { ...instanceSettingsOf(datasource), meta: datasourceMeta() };
  const bootData = {
    assets: { light: '', dark: '' },
    navTree: [],
    settings: {
      appSubUrl: '',
      appUrl: 'http://localhost/',
      buildInfo: { version: '12.4.0', commit: 'test-host', env: 'production' },
      datasources: { [datasource.name]: instance },
      defaultDatasource: datasource.name,
      featureToggles: {},
      unifiedAlertingEnabled: true,
    },
    user: {
      id: 1,
      login: 'admin',
      name: 'Admin',
      isSignedIn: true,
      orgId: 1,
      orgRole: 'Admin',
      isGrafanaAdmin: true,
      theme,
      timezone: 'browser',
      locale: 'en-US',
      language: 'en-US',
      regionalFormat: 'en-US',
      permissions: {},
    },
  };
  const host = { theme, datasources: [instance], app };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<base href="/">
<title>Ledger test host</title>
<link rel="stylesheet" href="/assets/main.css">
<script>
window.grafanaBootData = ${escape(bootData)};
window.__grafana_public_path__ = '/public/';
window.__LEDGER_TEST_HOST__ = ${escape(host)};
self.MonacoEnvironment = { getWorkerUrl: function () { return '/assets/editor.worker.js'; } };
</script>
</head>
<body class="theme-${theme}">
<div id="root"></div>
<script src="/assets/main.js"></script>
</body>
</html>`;
}

/** The datasource plugin's meta as Grafana gives it to instances (only the fields the frontend reads). */
function datasourceMeta() {
  return {
    id: 'aicodeteam-ledger-datasource',
    type: 'datasource',
    name: 'Ledger',
    backend: true,
    alerting: true,
    annotations: true,
    metrics: true,
    logs: true,
    tracing: true,
    streaming: true,
    module: 'public/plugins/aicodeteam-ledger-datasource/module.js',
    baseUrl: 'public/plugins/aicodeteam-ledger-datasource',
    info: {
      author: { name: 'AI Coding Team' },
      description: 'Ledger',
      logos: {
        small: 'public/plugins/aicodeteam-ledger-datasource/img/logo.svg',
        large: 'public/plugins/aicodeteam-ledger-datasource/img/logo.svg',
      },
      links: [],
      screenshots: [],
      updated: '',
      version: '0.1.0',
    },
  };
}

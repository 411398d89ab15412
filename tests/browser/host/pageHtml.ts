/** The HTML of every host page: Grafana's boot data, then the host's bundle (which loads the plugin from dist/). */
import { instanceSettingsOf, type StoredDatasource } from './datasourceStore';

/** The app plugin's settings as the host keeps them. */
export interface AppSettings {
  enabled: boolean;
  pinned: boolean;
  jsonData: Record<string, unknown>;
}

/** A built plugin.json (dist/plugin.json, dist/datasource/plugin.json), as far as the host reads it. */
export interface PluginManifest {
  id: string;
  type: string;
  name: string;
  info: { logos: { small: string; large: string } } & Record<string, unknown>;
  [key: string]: unknown;
}

/** What every page is built from: the plugin's built manifests and the Grafana release of the host's packages. */
export interface PageSource {
  appManifest: PluginManifest;
  datasourceManifest: PluginManifest;
  grafanaVersion: string;
}

const escape = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

/**
 * A plugin's meta as Grafana's boot data and settings API give it to the frontend: the built plugin.json, with
 * `module`, `baseUrl` and the logos under public/plugins/<id>/.
 */
export function pluginMeta(manifest: PluginManifest) {
  const baseUrl = `public/plugins/${manifest.id}`;
  return {
    ...manifest,
    module: `${baseUrl}/module.js`,
    baseUrl,
    info: {
      ...manifest.info,
      logos: { small: `${baseUrl}/${manifest.info.logos.small}`, large: `${baseUrl}/${manifest.info.logos.large}` },
    },
  };
}

/** The page for `theme`. */
export function pageHtml(
  theme: 'light' | 'dark',
  datasource: StoredDatasource,
  app: AppSettings,
  source: PageSource
): string {
  const instance = { ...instanceSettingsOf(datasource), meta: pluginMeta(source.datasourceManifest) };
  const bootData = {
    assets: { light: '', dark: '' },
    navTree: [],
    settings: {
      appSubUrl: '',
      appUrl: 'http://localhost/',
      buildInfo: { version: source.grafanaVersion, commit: 'test-host', env: 'production' },
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
  const host = {
    theme,
    grafanaVersion: source.grafanaVersion,
    datasources: [instance],
    app: { ...pluginMeta(source.appManifest), ...app },
  };
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

/**
 * The test host's page: Grafana's theme, runtime services and routing around the plugin's app pages and datasource
 * editors, which it loads from dist/ with SystemJS as Grafana does (pluginLoader.tsx), never from src/.
 *
 *   /a/aicodeteam-ledger-app/*        the app's pages (root page with the app's settings in its plugin context)
 *   /plugins/aicodeteam-ledger-app     the app's configuration page
 *   /harness/datasource-config         the datasource config editor with "Save & test"
 *   /harness/query-editor?app=…        the query editor (dashboard, explore, unified-alerting) with a result panel
 *   /harness/variable-editor           the variable editor with the values it yields
 *   /harness/annotation-editor         the annotation editor with the events it yields
 */
import React, { useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import {
  AppPlugin,
  createTheme,
  DataSourceApi,
  DataSourcePlugin,
  PluginContextProvider,
  type AppPluginMeta,
} from '@grafana/data';
import {
  config as runtimeConfig,
  DataSourceWithBackend,
  getDataSourceSrv,
  locationService,
  PluginPage,
} from '@grafana/runtime';
import { GlobalStyles, ThemeContext } from '@grafana/ui';
import { Route, Routes, useLocation } from 'react-router-dom';

import { AnnotationEditorHarness } from './harness/AnnotationEditorHarness';
import { ConfigEditorHarness } from './harness/ConfigEditorHarness';
import { QueryEditorHarness } from './harness/QueryEditorHarness';
import { VariableEditorHarness } from './harness/VariableEditorHarness';
import { hostConfig } from './hostConfig';
import { installHostPluginPage } from './HostPage';
import { HostRouter } from './HostRouter';
import { installHostServices } from './hostServices';
import type { LoadedPlugins } from '../support/pageGlobals';
import { importPluginModule } from './pluginLoader';

/** What tests may call in the page: move to another screen without a page load, switch the theme. */
export interface HostControls {
  navigate(path: string): void;
  setTheme(theme: 'light' | 'dark'): void;
  plugins: LoadedPlugins;
}

declare global {
  interface Window {
    __ledgerHost: HostControls;
  }
}

/** Re-mounts its children on every change of the query string, as a full page load would. */
function PerQueryString({ children }: { children: React.ReactNode }) {
  const { search } = useLocation();
  return <React.Fragment key={search}>{children}</React.Fragment>;
}

function HostApp({
  appPlugin,
  appMeta,
  plugins,
}: {
  appPlugin: AppPlugin;
  appMeta: AppPluginMeta;
  plugins: LoadedPlugins;
}) {
  const [mode, setMode] = useState(hostConfig().theme);
  const theme = useMemo(() => createTheme({ colors: { mode } }), [mode]);
  useEffect(() => {
    // Grafana switches themes at run time too: the runtime config and the body class follow the context.
    runtimeConfig.theme2 = theme;
    runtimeConfig.bootData.user.lightTheme = theme.isLight;
    document.body.className = `theme-${mode}`;
  }, [theme, mode]);
  useEffect(() => {
    window.__ledgerHost = { navigate: (path) => locationService.push(path), setTheme: setMode, plugins };
  }, [plugins]);
  const AppRoot = appPlugin.root!;
  return (
    <ThemeContext.Provider value={theme}>
      <GlobalStyles />
      <HostRouter>
        <PluginContextProvider meta={appMeta}>
          <Routes>
            <Route
              path={`/a/${appMeta.id}/*`}
              element={
                <AppRoot
                  meta={appMeta}
                  basename={`/a/${appMeta.id}`}
                  path={`/a/${appMeta.id}`}
                  query={{}}
                  onNavChanged={() => {}}
                />
              }
            />
            <Route path={`/plugins/${appMeta.id}`} element={<ConfigPageHost appPlugin={appPlugin} />} />
            <Route
              path="/harness/datasource-config"
              element={
                <PerQueryString>
                  <ConfigEditorHarness />
                </PerQueryString>
              }
            />
            <Route
              path="/harness/query-editor"
              element={
                <PerQueryString>
                  <QueryEditorHarness />
                </PerQueryString>
              }
            />
            <Route
              path="/harness/variable-editor"
              element={
                <PerQueryString>
                  <VariableEditorHarness />
                </PerQueryString>
              }
            />
            <Route
              path="/harness/annotation-editor"
              element={
                <PerQueryString>
                  <AnnotationEditorHarness />
                </PerQueryString>
              }
            />
          </Routes>
        </PluginContextProvider>
      </HostRouter>
    </ThemeContext.Provider>
  );
}

function ConfigPageHost({ appPlugin }: { appPlugin: AppPlugin }) {
  const ConfigPage = appPlugin.configPages![0]!.body;
  return (
    <PluginPage>
      <ConfigPage plugin={appPlugin} query={{}} />
    </PluginPage>
  );
}

/** Loads both plugin modules from dist/ as Grafana does, installs Grafana's services, then renders the host. */
async function boot(): Promise<void> {
  const config = hostConfig();
  const datasourceSettings = config.datasources[0]!;
  installHostServices();
  installHostPluginPage();
  const [app, datasource] = await Promise.all([
    importPluginModule<{ plugin: AppPlugin }>(config.app.module),
    importPluginModule<{ plugin: DataSourcePlugin<DataSourceApi> }>(datasourceSettings.meta.module),
  ]);
  const appPlugin = app.exports.plugin;
  // Grafana sets the meta of the plugin it loaded (importAppPlugin / importDataSourcePlugin).
  appPlugin.meta = config.app;
  const datasourcePlugin = datasource.exports.plugin;
  const instance = await getDataSourceSrv().get(datasourceSettings.uid);
  const plugins: LoadedPlugins = {
    grafanaVersion: config.grafanaVersion,
    modules: [
      { id: config.app.id, url: app.url, sharedImports: app.sharedImports },
      { id: datasourceSettings.meta.id, url: datasource.url, sharedImports: datasource.sharedImports },
    ],
    appIsHostAppPlugin: appPlugin instanceof AppPlugin,
    datasourceIsHostDataSourcePlugin: datasourcePlugin instanceof DataSourcePlugin,
    datasourceIsHostDataSourceApi: instance instanceof DataSourceApi,
    datasourceIsHostDataSourceWithBackend: instance instanceof DataSourceWithBackend,
  };
  createRoot(document.getElementById('root')!).render(
    <HostApp appPlugin={appPlugin} appMeta={config.app} plugins={plugins} />
  );
}

boot().catch((error: unknown) => {
  // The tests wait for this attribute or hostLocation: a plugin that cannot load fails them with its reason.
  document.body.dataset.hostLoadError = String((error as Error)?.stack ?? error);
  console.error('the test host could not load the plugin', error);
});

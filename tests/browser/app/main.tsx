/**
 * The test host's page: Grafana's theme, runtime services and routing around our app and datasource editors.
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
import { createTheme, PluginContextProvider, PluginType, type AppPluginMeta } from '@grafana/data';
import { config as runtimeConfig, locationService, PluginPage } from '@grafana/runtime';
import { GlobalStyles, ThemeContext } from '@grafana/ui';
import { Route, Routes, useLocation } from 'react-router-dom';

import appManifest from '../../../plugin.json';
import { plugin as appPlugin } from '../../../src/app/module';
import { AnnotationEditorHarness } from './harness/AnnotationEditorHarness';
import { ConfigEditorHarness } from './harness/ConfigEditorHarness';
import { QueryEditorHarness } from './harness/QueryEditorHarness';
import { VariableEditorHarness } from './harness/VariableEditorHarness';
import { hostConfig } from './hostConfig';
import { installHostPluginPage } from './HostPage';
import { HostRouter } from './HostRouter';
import { installHostServices } from './hostServices';

installHostServices();
installHostPluginPage();

const config = hostConfig();
const appMeta = {
  id: appManifest.id,
  name: appManifest.name,
  type: PluginType.app,
  info: appManifest.info,
  module: '',
  baseUrl: `public/plugins/${appManifest.id}`,
  enabled: config.app.enabled,
  pinned: config.app.pinned,
  jsonData: config.app.jsonData,
} as unknown as AppPluginMeta;
appPlugin.meta = appMeta;

const AppRoot = appPlugin.root!;
const ConfigPage = appPlugin.configPages![0]!.body;

/** What tests may call in the page: move to another screen without a page load, switch the theme. */
export interface HostControls {
  navigate(path: string): void;
  setTheme(theme: 'light' | 'dark'): void;
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

function HostApp() {
  const [mode, setMode] = useState(config.theme);
  const theme = useMemo(() => createTheme({ colors: { mode } }), [mode]);
  useEffect(() => {
    // Grafana switches themes at run time too: the runtime config and the body class follow the context.
    runtimeConfig.theme2 = theme;
    runtimeConfig.bootData.user.lightTheme = theme.isLight;
    document.body.className = `theme-${mode}`;
  }, [theme, mode]);
  useEffect(() => {
    window.__ledgerHost = { navigate: (path) => locationService.push(path), setTheme: setMode };
  }, []);
  return (
    <ThemeContext.Provider value={theme}>
      <GlobalStyles />
      <HostRouter>
        <PluginContextProvider meta={appMeta}>
          <Routes>
            <Route
              path={`/a/${appManifest.id}/*`}
              element={
                <AppRoot
                  meta={appMeta}
                  basename={`/a/${appManifest.id}`}
                  path={`/a/${appManifest.id}`}
                  query={{}}
                  onNavChanged={() => {}}
                />
              }
            />
            <Route path={`/plugins/${appManifest.id}`} element={<ConfigPageHost />} />
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

function ConfigPageHost() {
  return (
    <PluginPage>
      <ConfigPage plugin={appPlugin} query={{}} />
    </PluginPage>
  );
}

createRoot(document.getElementById('root')!).render(<HostApp />);

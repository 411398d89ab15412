import React, { Suspense, lazy } from 'react';
import { AppPlugin, type AppRootProps } from '@grafana/data';
import { LoadingPlaceholder } from '@grafana/ui';

import type { LedgerAppSettings } from './types';

const LazyApp = lazy(() => import('./App'));
const LazyAppConfig = lazy(() =>
  import('./pages/AppConfig/AppConfigPage').then((module) => ({ default: module.AppConfigPage }))
);

const App = (props: AppRootProps<LedgerAppSettings>) => (
  <Suspense fallback={<LoadingPlaceholder text="Loading…" />}>
    <LazyApp {...props} />
  </Suspense>
);

export const plugin = new AppPlugin<LedgerAppSettings>().setRootPage(App).addConfigPage({
  title: 'Configuration',
  icon: 'cog',
  body: (props) => (
    <Suspense fallback={<LoadingPlaceholder text="Loading…" />}>
      <LazyAppConfig {...props} />
    </Suspense>
  ),
  id: 'configuration',
});

/**
 * What the suite checks about how the page got the plugin: both modules came from dist/ through SystemJS, and each
 * bundle asked the host for React, Grafana's packages and rxjs instead of carrying its own copy. A bundle that
 * bundled one of them would not list it among its AMD dependencies, and its plugin classes would not be the host's.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';

import type { LoadedPlugins, PageGlobals } from './pageGlobals';

/** Packages both bundles must take from the host: one instance of each in the page. */
export const SHARED_BY_BOTH = ['@emotion/css', '@grafana/data', '@grafana/runtime', '@grafana/ui', 'react', 'rxjs'];

/** Asserts that the page runs the plugin from dist/ on the host's packages of `grafanaVersion`. */
export async function assertLoadedFromDist(page: Page, grafanaVersion: string): Promise<LoadedPlugins> {
  const loaded = await page.evaluate(() => (globalThis as unknown as PageGlobals).__ledgerHost.plugins);
  assert.equal(loaded.grafanaVersion, grafanaVersion);
  assert.deepEqual(
    loaded.modules.map((module) => [module.id, new URL(module.url).pathname]),
    [
      ['aicodeteam-ledger-app', '/public/plugins/aicodeteam-ledger-app/module.js'],
      ['aicodeteam-ledger-datasource', '/public/plugins/aicodeteam-ledger-datasource/module.js'],
    ]
  );
  for (const module of loaded.modules) {
    const missing = SHARED_BY_BOTH.filter((name) => !module.sharedImports.includes(name));
    assert.deepEqual(
      missing,
      [],
      `${module.id} bundles its own ${missing.join(', ')} (asked the host for ${module.sharedImports.join(', ')})`
    );
  }
  assert.equal(loaded.appIsHostAppPlugin, true, "the app's plugin is not the host's @grafana/data AppPlugin");
  assert.equal(
    loaded.datasourceIsHostDataSourcePlugin,
    true,
    "the datasource's plugin is not the host's DataSourcePlugin"
  );
  assert.equal(
    loaded.datasourceIsHostDataSourceApi,
    true,
    "the datasource is not an instance of the host's DataSourceApi"
  );
  assert.equal(
    loaded.datasourceIsHostDataSourceWithBackend,
    true,
    "the datasource is not an instance of the host's @grafana/runtime DataSourceWithBackend"
  );
  return loaded;
}

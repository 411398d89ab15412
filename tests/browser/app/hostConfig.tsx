/**
 * What the test host put into the page before the bundle loaded (tests/browser/host/pageHtml.ts): the theme, the
 * datasource instance settings (with the datasource plugin's meta from the built dist/datasource/plugin.json) and
 * the app plugin's meta (from dist/plugin.json, with its settings), as Grafana's boot data would carry them.
 */
import type { AppPluginMeta, DataSourceInstanceSettings } from '@grafana/data';

/** The host's per-page configuration. */
export interface HostConfig {
  theme: 'light' | 'dark';
  /** The Grafana release whose published packages this page was built with. */
  grafanaVersion: string;
  datasources: DataSourceInstanceSettings[];
  app: AppPluginMeta;
}

declare global {
  interface Window {
    __LEDGER_TEST_HOST__: HostConfig;
  }
}

/** The host configuration of this page. */
export function hostConfig(): HostConfig {
  return window.__LEDGER_TEST_HOST__;
}

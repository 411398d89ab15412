/**
 * What the test host put into the page before the bundle loaded (tests/browser/host/pageHtml.ts): the theme, the
 * datasource instance settings and the app's settings, as Grafana's boot data would carry them.
 */
import type { DataSourceInstanceSettings } from '@grafana/data';

/** The host's per-page configuration. */
export interface HostConfig {
  theme: 'light' | 'dark';
  datasources: DataSourceInstanceSettings[];
  app: { enabled: boolean; pinned: boolean; jsonData: Record<string, unknown> };
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

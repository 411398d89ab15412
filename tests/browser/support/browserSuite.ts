/**
 * Everything the browser tests share, started once: a real ledger database seeded from the fixture, the built
 * plugin executable (launched as Grafana launches it), the host's page bundle built with one Grafana release's
 * published packages, the test host serving dist/, and one Chromium.
 */
import type { Browser } from 'playwright-core';

import pg from 'pg';

import { appendEvents } from '../../../src/ledger/writer';
import {
  createLedgerTestDatabase,
  createLoginRole,
  type LedgerTestDatabase,
} from '../../../src/ledger/ledgerTestDatabase';
import { launchPlugin, type PluginUnderTest } from '../../support/pluginProcess';
import { browserLedgerEvents } from '../fixtures/browserLedger';
import { buildPageBundle } from '../host/buildPageBundle';
import { BUILT_AGAINST_GRAFANA, grafanaPackages } from '../host/grafanaPackages';
import { startDsQueryHop, type DsQueryHop } from '../host/dsQueryHop';
import { startTestHost, type TestHost } from '../host/testHost';
import { launchBrowser } from './browserSession';

/** The running pieces. */
export interface BrowserSuite {
  host: TestHost;
  browser: Browser;
  plugin: PluginUnderTest;
  /** Grafana's Go SDK turning the plugin's QueryData answers into /api/ds/query bodies. */
  dsQuery: DsQueryHop;
  ledger: LedgerTestDatabase;
  /** The Grafana release whose published packages the host gives the plugin. */
  grafanaVersion: string;
  /** The fixture's "now" (epoch ms). */
  now: number;
  /** The read-only login the datasource uses (dropped on stop). */
  readerRole: string;
  /** Appends fresh heartbeats of the live workers (w1, w2), as running workers keep doing. */
  heartbeat(): Promise<void>;
  /** Puts the datasource settings back as they were at the start (after a test edited them). */
  restoreDatasource(): Promise<void>;
}

/**
 * Starts everything (in parallel where possible), the host with the packages of `grafanaVersion` (by default the
 * release the repository builds against; others are installed into node_modules/.cache on first use).
 */
export async function startBrowserSuite(grafanaVersion = BUILT_AGAINST_GRAFANA): Promise<BrowserSuite> {
  const now = Date.now();
  const [ledger, plugin, bundleDir, browser, dsQuery] = await Promise.all([
    createLedgerTestDatabase('browser'),
    launchPlugin(),
    grafanaPackages(grafanaVersion).then(buildPageBundle),
    launchBrowser(),
    startDsQueryHop(),
  ]);
  const client = await ledger.connect();
  await appendEvents(client, browserLedgerEvents(now));
  // The datasource logs in the way a production one does: as a member of ledger_reader only.
  const readerRole = `${ledger.name}_grafana`;
  const readerUrl = await createLoginRole(client, ledger.url, readerRole, 'ledger_reader');
  const host = await startTestHost({ plugin, dsQuery, databaseUrl: readerUrl, bundleDir, grafanaVersion });
  const heartbeat = async () => {
    const at = new Date();
    await appendEvents(client, [
      { kind: 'worker.heartbeat', workerId: 'w1', occurredAt: at },
      { kind: 'worker.heartbeat', workerId: 'w2', occurredAt: at },
    ]);
  };
  return {
    host,
    browser,
    plugin,
    dsQuery,
    ledger,
    grafanaVersion,
    now,
    readerRole,
    heartbeat,
    restoreDatasource: async () => host.resetDatasource(),
  };
}

/** Stops everything that was started. */
export async function stopBrowserSuite(suite: BrowserSuite | undefined): Promise<void> {
  await suite?.browser.close().catch(() => undefined);
  await suite?.host.close().catch(() => undefined);
  suite?.plugin.kill();
  await suite?.dsQuery.close().catch(() => undefined);
  await suite?.ledger.drop().catch(() => undefined);
  if (suite) {
    const admin = new pg.Client({ connectionString: new URL('/postgres', suite.ledger.url).toString() });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${suite.readerRole}`).finally(() => admin.end());
  }
}

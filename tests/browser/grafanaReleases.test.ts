/**
 * The built plugin under the other Grafana releases it claims: the floor of plugin.json's grafanaDependency and the
 * newest release checked (scripts/compat/grafanaVersions.ts). For each, the host is built with that release's
 * published @grafana/* packages and React (installed into node_modules/.cache on first use), loads dist/ with
 * SystemJS, and every app page and editor must render its data from the real backend with no console error; the
 * screenshots go to <tmp>/ledger-browser-screenshots/grafana-<version>/. The full flows run under the release the
 * repository builds against (frontend.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { dsQueryHopSkipReason } from './host/dsQueryHop';
import { otherGrafanaReleases } from './host/grafanaPackages';
import {
  browserSkipReason,
  newContext,
  openHostPage,
  releaseScreenshotDir,
  screenshot,
  type HostPage,
} from './support/browserSession';
import { startBrowserSuite, stopBrowserSuite, type BrowserSuite } from './support/browserSuite';
import { assertLoadedFromDist } from './support/loadedPlugins';
import { SCREENS } from './support/screens';

const skip = browserSkipReason() || dsQueryHopSkipReason();

for (const grafanaVersion of otherGrafanaReleases()) {
  describe(`under Grafana ${grafanaVersion}'s published packages`, { skip }, () => {
    let suite: BrowserSuite | undefined;
    let hostPage: HostPage | undefined;

    before(async () => {
      suite = await startBrowserSuite(grafanaVersion);
      hostPage = await openHostPage(await newContext(suite.browser, suite.host.url), SCREENS[0]!.path, 'light');
    });

    after(async () => {
      await stopBrowserSuite(suite);
    });

    it("loads both modules from dist/, sharing the host's React and Grafana packages", async () => {
      await assertLoadedFromDist(hostPage!.page, grafanaVersion);
    });

    for (const screen of SCREENS) {
      it(`${screen.name} renders`, async () => {
        if (screen.name === 'overview') {
          await suite!.heartbeat();
        }
        await hostPage!.visit(screen.path);
        await screen.ready(hostPage!.page);
        await screenshot(
          hostPage!.page,
          `${screen.name}-light`,
          screen.element ? hostPage!.page.locator(screen.element) : undefined,
          releaseScreenshotDir(grafanaVersion)
        );
        assert.equal(await hostPage!.page.locator('[data-tile][data-state="error"]').count(), 0, 'a tile failed');
        assert.deepEqual(hostPage!.problems, []);
      });
    }

    it('asked the host for nothing it does not implement', () => {
      assert.deepEqual(suite!.host.unknownCalls, []);
    });
  });
}

/**
 * #9: a connection string pasted into the datasource's host field (postgres://user:password@host/db) was quoted in
 * the settings error — password included — by the health check and by every query of the datasource. Settings errors
 * now never quote the host value, and say to put the password in the Password field.
 * Fixed in src/backend/settings/parseSettings.ts (hostAddress).
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';

import { datasourceContext, dataQuery } from '../support/grafanaRequests';
import { launchPlugin, type PluginUnderTest } from '../support/pluginProcess';

const SECRET = 'Pasted-Secret-0007-xyz';
let plugin: PluginUnderTest;

before(async () => {
  plugin = await launchPlugin({ env: { LEDGER_LOG_LEVEL: 'trace' } });
});

after(() => plugin?.kill());

for (const url of [`postgres://grafana:${SECRET}@db.example:5432/ledger`, `db.example/ledger?password=${SECRET}`]) {
  it(`never repeats the host field's value (${url.includes('@') ? 'user:password@' : 'query string'})`, async () => {
    const pluginContext = datasourceContext({ url: 'postgres://grafana@db.example:5432/ledger', password: 'x' });
    pluginContext.dataSourceInstanceSettings.url = url;
    const health = await plugin.unary('diagnostics', 'CheckHealth', { pluginContext });
    assert.equal(health.status, 'ERROR');
    assert.match(health.message, /^\[config\] invalid datasource settings: host: /);
    const now = Date.now();
    const response = await plugin.unary('data', 'QueryData', {
      pluginContext,
      queries: [dataQuery('A', { queryType: 'logs' }, { from: now - 60_000, to: now })],
    });
    const everything = [health.message, response.responses.A.error, ...plugin.stderr].join('\n');
    assert.doesNotMatch(everything, new RegExp(SECRET));
  });
}

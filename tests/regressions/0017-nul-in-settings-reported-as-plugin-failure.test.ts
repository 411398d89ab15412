/**
 * Found by the soak's fuzzer (seed 1001): a datasource whose user name held a NUL character made PostgreSQL refuse
 * the connection's startup packet ("invalid startup packet layout"), and the plugin reported that as its own bug —
 * a `[plugin]` 500 — on every query. PostgreSQL's startup and password messages are NUL-terminated, so such a user,
 * database or password can never work: it is now a settings error that names the field (never its value).
 * Fixed in src/backend/settings/parseSettings.ts.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';

import { datasourceContext, dataQuery } from '../support/grafanaRequests';
import { launchPlugin, type PluginUnderTest } from '../support/pluginProcess';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

const SECRET = 'Nul-Secret-0017';
let db: TestDatabase;
let plugin: PluginUnderTest;

before(async () => {
  db = await createTestDatabase('reg0017');
  plugin = await launchPlugin({ env: { LEDGER_LOG_LEVEL: 'trace' } });
});

after(async () => {
  plugin?.kill();
  await db?.drop();
});

const cases = [
  { field: 'user', options: (url: string) => ({ url, user: 'a\u0000b' }) },
  { field: 'password', options: (url: string) => ({ url, password: `${SECRET}\u0000x` }) },
  { field: 'database', options: (url: string) => ({ url, jsonData: { database: 'led\u0000ger' } }) },
];

for (const { field, options } of cases) {
  it(`says the ${field} must not contain a NUL character, as a settings error`, async () => {
    const pluginContext = datasourceContext(options(db.url));
    const now = Date.now();
    const response = await plugin.unary('data', 'QueryData', {
      pluginContext,
      queries: [dataQuery('A', { queryType: 'sql', rawSql: 'SELECT 1' }, { from: now - 60_000, to: now })],
    });
    const result = response.responses.A;
    assert.equal(result.status, 400, result.error);
    assert.match(
      result.error,
      new RegExp(`^\\[config\\] invalid datasource settings: .*${field}: must not contain a NUL`)
    );
    const health = await plugin.unary('diagnostics', 'CheckHealth', { pluginContext });
    assert.equal(health.status, 'ERROR');
    assert.match(health.message, new RegExp(`${field}: must not contain a NUL`));
    assert.doesNotMatch([result.error, health.message, ...plugin.stderr].join('\n'), new RegExp(SECRET));
  });
}

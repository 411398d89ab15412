/**
 * #9 (found by the fuzzer): a server that does not accept TLS while sslmode asks for it, and a datasource without a
 * password on a server that wants one, failed queries and health checks with "[plugin] The server does not support
 * SSL connections" / "[plugin] SASL: … client password must be a non-empty string" — status 500 from the plugin,
 * as if it were our bug. Both are the settings' problem and now say what to change ([tls] 502, [auth] 401).
 * Fixed in src/backend/db/classifyPgError.ts.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, it } from 'node:test';

import { datasourceContext, dataQuery } from '../support/grafanaRequests';
import { launchPlugin, type PluginUnderTest } from '../support/pluginProcess';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

let db: TestDatabase;
let plugin: PluginUnderTest;
let noTls: net.Server;

before(async () => {
  db = await createTestDatabase('reg0003');
  // Answers PostgreSQL's SSLRequest with 'N', as a server without TLS does.
  noTls = net.createServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', () => socket.end('N'));
  });
  await new Promise<void>((resolve) => noTls.listen(0, '127.0.0.1', resolve));
  plugin = await launchPlugin();
});

after(async () => {
  plugin?.kill();
  noTls?.close();
  await db?.drop();
});

const now = Date.now();
const query = (pluginContext: unknown) =>
  plugin.unary('data', 'QueryData', {
    pluginContext,
    queries: [dataQuery('A', { queryType: 'sql', rawSql: 'SELECT 1' }, { from: now - 60_000, to: now })],
  });

it('reports a server without TLS as a [tls] settings problem', async () => {
  const url = `postgres://grafana:pw@127.0.0.1:${(noTls.address() as net.AddressInfo).port}/ledger`;
  const pluginContext = datasourceContext({ url, jsonData: { sslmode: 'require' } });
  const result = (await query(pluginContext)).responses.A;
  assert.equal(result.status, 502, result.error);
  assert.equal(result.errorSource, 'downstream');
  assert.match(result.error, /^\[tls\] could not establish a TLS connection to PostgreSQL at 127\.0\.0\.1:\d+: .*SSL/);
  const health = await plugin.unary('diagnostics', 'CheckHealth', { pluginContext });
  assert.match(health.message, /^\[tls\] /);
});

it('reports a missing password as an [auth] settings problem', async () => {
  const result = (await query(datasourceContext({ url: db.url, password: '' }))).responses.A;
  assert.equal(result.status, 401, result.error);
  assert.equal(result.errorSource, 'downstream');
  assert.match(result.error, /^\[auth\] PostgreSQL asks user "postgres" for a password and none is set/);
});

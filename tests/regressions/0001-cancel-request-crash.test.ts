/**
 * #9: Grafana cancelled a query while the database could not be reached on a new connection (a proxy that stopped
 * accepting, a firewall, a server going down). The plugin's CancelRequest connection failed, pg raised an 'error'
 * event with no listener, and the uncaught exception took the whole plugin down (exit 70).
 * Fixed in src/backend/db/session.ts (cancelActiveQuery listens for errors and gives up after a few seconds).
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, it } from 'node:test';

import { datasourceContext, dataQuery } from '../support/grafanaRequests';
import { launchPlugin, type PluginUnderTest } from '../support/pluginProcess';
import { adminUrl, createTestDatabase, type TestDatabase } from '../support/postgres';

let db: TestDatabase;
let plugin: PluginUnderTest;
let proxy: net.Server;
const sockets = new Set<net.Socket>();

before(async () => {
  db = await createTestDatabase('reg0001');
  const upstream = new URL(await adminUrl());
  // A TCP proxy in front of PostgreSQL: closing it refuses new connections and keeps the established ones.
  proxy = net.createServer((client) => {
    const server = net.connect(Number(upstream.port), upstream.hostname);
    for (const socket of [client, server]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    }
    client.pipe(server).pipe(client);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  plugin = await launchPlugin();
});

after(async () => {
  plugin?.kill();
  proxy?.close();
  sockets.forEach((socket) => socket.destroy());
  await db?.drop();
});

it('survives a cancel request that cannot reach the database', async () => {
  const url = new URL(db.url);
  url.host = `127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
  const now = Date.now();
  const call = (plugin.clients.data as any).QueryData(
    {
      pluginContext: datasourceContext({ url: url.toString(), jsonData: { statementTimeoutMs: 5_000 } }),
      queries: [dataQuery('A', { queryType: 'sql', rawSql: 'SELECT pg_sleep(4)' }, { from: now - 60_000, to: now })],
    },
    () => undefined
  );
  await new Promise((resolve) => setTimeout(resolve, 1_000)); // the statement is running
  proxy.close(); // new connections (the cancel request's) are refused from now on
  call.cancel();
  await new Promise((resolve) => setTimeout(resolve, 1_000));

  assert.equal(plugin.child.exitCode, null, `the plugin exited: ${plugin.stderr.slice(-3).join('\n')}`);
  const health = await plugin.unary('health', 'Check', { service: 'plugin' });
  assert.equal(health.status, 'SERVING');
  assert.equal(plugin.stderr.filter((line) => /uncaught|unhandled/.test(line)).length, 0);
  assert.equal(plugin.stderr.filter((line) => !line.startsWith('{')).length, 0, 'no raw (non-JSON) stderr line');
});

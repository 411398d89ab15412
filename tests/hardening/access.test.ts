/**
 * Access (#9): the plugin is reachable only as intended, and every call is checked against its plugin context.
 *
 * - Transport: a unix socket with mode 0600 in a fresh 0700 directory (removed on shutdown) wherever the platform has
 *   them — only Grafana's user can connect, where a loopback TCP port would be open to every local user and Grafana
 *   uses neither auth nor TLS on this connection. LEDGER_PLUGIN_TRANSPORT=tcp (and Windows) binds 127.0.0.1 only.
 * - Streams and resources serve only calls that carry this plugin's datasource context; remembered live paths only
 *   to the datasource that created them; PublishStream is always refused.
 * - The live stream state directory must be private, or it is not used.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { launchPlugin, type PluginUnderTest } from '../support/pluginProcess';
import { startLedgerServer, type LedgerServer } from './support/ledgerServer';
import { livePathOf, LiveStream } from './support/liveStream';
import { waitUntil } from './support/observe';

let server: LedgerServer;
let plugin: PluginUnderTest;
let stateRoot: string;
const launched: PluginUnderTest[] = [];

before(async () => {
  server = await startLedgerServer({ seedHours: 0.2 });
  stateRoot = mkdtempSync(path.join(tmpdir(), 'hardening-access-'));
  plugin = await launchPlugin({ env: { LEDGER_STATE_DIR: path.join(stateRoot, 'state') } });
  launched.push(plugin);
});

after(() => {
  launched.forEach((p) => p.kill());
  server?.close();
  rmSync(stateRoot, { recursive: true, force: true });
});

const code = (promise: Promise<unknown>) =>
  promise.then(
    () => 0,
    (error: { code: number }) => error.code
  );

describe('transport', () => {
  it('listens on a 0600 unix socket in a private 0700 directory of its own', () => {
    const [, , network, address] = plugin.handshake.split('|');
    assert.equal(network, 'unix');
    const socket = statSync(address!);
    assert.ok(socket.isSocket());
    assert.equal(socket.mode & 0o777, 0o600);
    const dir = statSync(path.dirname(address!));
    assert.equal(dir.mode & 0o777, 0o700);
    assert.equal(dir.uid, process.getuid!(), 'owned by the user running the plugin');
    assert.deepEqual(readdirSync(path.dirname(address!)), ['plugin.sock'], 'nothing else in it');
  });

  it('binds loopback only when TCP is asked for', async () => {
    const tcp = await launchPlugin({ env: { LEDGER_PLUGIN_TRANSPORT: 'tcp' } });
    launched.push(tcp);
    const [, , network, address] = tcp.handshake.split('|');
    assert.equal(network, 'tcp');
    assert.match(address!, /^127\.0\.0\.1:\d+$/);
    assert.equal((await tcp.unary('health', 'Check', { service: 'plugin' })).status, 'SERVING');
    const port = Number(address!.split(':')[1]);
    const external = Object.values(networkInterfaces())
      .flat()
      .find((nic) => nic && nic.family === 'IPv4' && !nic.internal)?.address;
    if (external) {
      const reached = await new Promise<boolean>((resolve) => {
        const socket = net.connect(port, external);
        socket.once('connect', () => resolve(true));
        socket.once('error', () => resolve(false));
      });
      assert.equal(reached, false, `the port answers on ${external}`);
    }
    assert.equal((await tcp.shutdown()).code, 0);
  });
});

describe('plugin context checks', () => {
  const now = Date.now();
  const range = { from: now - 600_000, to: now };
  let metricsPath: string;

  before(async () => {
    const metrics = { queryType: 'metrics', metric: 'job.completed' };
    metricsPath = await livePathOf(plugin, server.context({ uid: 'access' }), 'access', metrics, range);
  });

  it('serves streams only to calls with this plugin’s datasource context', async () => {
    const owner = server.context({ uid: 'access' });
    const subscribe = (pluginContext: unknown, p = metricsPath) =>
      plugin.unary('stream', 'SubscribeStream', { pluginContext, path: p }).then((r: { status: string }) => r.status);
    assert.equal(await subscribe(owner), 'OK');
    const noDatasource = { orgId: 1, pluginId: 'aicodeteam-ledger-datasource' };
    assert.equal(await subscribe(noDatasource), 'NOT_FOUND', 'no datasource settings (an app or plugin-scope call)');
    assert.equal(await subscribe({ ...owner, pluginId: 'other-plugin-datasource' }), 'NOT_FOUND', 'another plugin');
    assert.equal(
      await code(plugin.collect('stream', 'RunStream', { pluginContext: noDatasource, path: metricsPath })),
      3
    );
    assert.equal(await code(plugin.unary('stream', 'SubscribeStream', { path: metricsPath })), 3, 'no context at all');
  });

  it('serves resources only to calls for this plugin, ledger routes only with a datasource', async () => {
    const resource = async (pluginContext: unknown, p: string) => {
      const [response] = await plugin.collect('resource', 'CallResource', {
        pluginContext,
        path: p,
        method: 'GET',
        url: p,
      });
      return response.code as number;
    };
    const owner = server.context({ uid: 'access' });
    assert.equal(await resource(owner, 'dimensions/mode/values'), 200);
    assert.equal(await resource({ ...owner, pluginId: 'other-plugin-datasource' }, 'dimensions/mode/values'), 404);
    assert.equal(await resource({ orgId: 1, pluginId: 'aicodeteam-ledger-datasource' }, 'sql/schema'), 400);
    assert.equal(await code(plugin.collect('resource', 'CallResource', { path: 'metrics' })), 3, 'no context at all');
  });

  it('refuses PublishStream, on any path', async () => {
    const owner = server.context({ uid: 'access' });
    for (const p of [metricsPath, 'live/nope', '']) {
      const published = await plugin.unary('stream', 'PublishStream', {
        pluginContext: owner,
        path: p,
        data: Buffer.from('{"x":1}'),
      });
      assert.equal(published.status, 'PERMISSION_DENIED', p);
    }
  });

  it('keeps live stream positions in a private directory, and ignores one that is not', async () => {
    const owner = server.context({ uid: 'access' });
    const channel = await livePathOf(plugin, owner, 'access', { queryType: 'logs' }, range);
    const stream = new LiveStream(plugin, { pluginContext: owner, path: channel });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await server.append([{ kind: 'error', occurredAt: new Date(), name: 'AccessProbe' }]);
    const stateDir = path.join(stateRoot, 'state');
    await waitUntil(() => readdirSync(stateDir).some((f) => f.endsWith('.json')), 10_000, 'a saved position');
    stream.cancel();
    assert.equal(statSync(stateDir).mode & 0o777, 0o700);
    for (const file of readdirSync(stateDir)) {
      assert.equal(statSync(path.join(stateDir, file)).mode & 0o777, 0o600, file);
    }

    const open = path.join(stateRoot, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    const careless = await launchPlugin({ env: { LEDGER_STATE_DIR: open } });
    launched.push(careless);
    await careless.unary('data', 'QueryData', { pluginContext: owner, queries: [] });
    await waitUntil(
      () => careless.stderr.some((line) => line.includes('live stream state directory is not private')),
      5_000,
      'the warning'
    );
  });
});

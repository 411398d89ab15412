/**
 * Plugin-side faults (#9): the datasource's settings changed while streams run, the plugin killed (SIGKILL) and
 * relaunched as Grafana does, and a graceful Shutdown and relaunch. Each time, Grafana calls RunStream again on the
 * same channels: the live metric stream and the log tail resume with nothing missed and nothing repeated, and
 * queries work again at once.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { dataQuery } from '../support/grafanaRequests';
import { launchPlugin, type PluginUnderTest } from '../support/pluginProcess';
import { startLedgerServer, type LedgerServer } from './support/ledgerServer';
import { MarkerStreams } from './support/markerStreams';
import { sleep, snapshot, waitUntil } from './support/observe';

let server: LedgerServer;
let plugin: PluginUnderTest;
let stateDir: string;
let streams: MarkerStreams;
let lastUpdatedMS = 1;
const launched: PluginUnderTest[] = [];

const pluginContext = () =>
  server.context({ uid: 'faults-plugin', lastUpdatedMS, jsonData: { statementTimeoutMs: 5_000 + lastUpdatedMS } });

async function launch(): Promise<PluginUnderTest> {
  plugin = await launchPlugin({ env: { LEDGER_STATE_DIR: stateDir } });
  launched.push(plugin);
  return plugin;
}

async function queryWorks(what: string) {
  const now = Date.now();
  const response = await plugin.unary('data', 'QueryData', {
    pluginContext: pluginContext(),
    queries: [dataQuery('A', { queryType: 'logs', limit: 5 }, { from: now - 3_600_000, to: now })],
  });
  assert.equal(response.responses.A.status, 200, `${what}: ${response.responses.A.error}`);
}

before(async () => {
  server = await startLedgerServer({ seedHours: 0.5 });
  stateDir = mkdtempSync(path.join(tmpdir(), 'hardening-faults-plugin-'));
  await launch();
  streams = new MarkerStreams(server, 'faults-plugin');
  await streams.open(plugin, pluginContext());
  await sleep(500);
  await streams.mark(3);
  await streams.expectAllDelivered('before any fault');
});

after(() => {
  launched.forEach((p) => p.kill());
  server?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('plugin faults', () => {
  it('settings changed mid-stream', async () => {
    lastUpdatedMS++; // the datasource was saved: the next call carries the new settings
    await queryWorks('with the new settings');
    const { logs, metrics } = streams.current;
    await waitUntil(() => logs.error !== undefined && metrics.error !== undefined, 5_000, 'the streams to end');
    assert.equal(logs.error!.code, 14, 'UNAVAILABLE: Grafana calls RunStream again');
    assert.match(logs.error!.message, /the datasource was reconfigured/);
    await streams.mark(2); // while Grafana restarts the streams
    streams.attach(plugin, pluginContext());
    await sleep(500);
    await streams.mark(2);
    await streams.expectAllDelivered('after the settings change');
    await waitUntil(async () => (await snapshot(plugin)).liveStreams === 2, 5_000, 'two workers (old ones gone)');
  });

  it('plugin killed and relaunched', async () => {
    const killed = plugin;
    await streams.mark();
    await streams.expectAllDelivered('just before the kill');
    killed.kill(); // SIGKILL, as a crash or the OOM killer would
    await killed.exited;
    await waitUntil(() => streams.current.logs.error !== undefined, 5_000, 'the stream calls to fail');
    await streams.mark(3); // while the plugin is down
    await launch(); // Grafana restarts the process and calls RunStream again on the same channels
    streams.attach(plugin, pluginContext());
    await queryWorks('after the relaunch');
    await sleep(500);
    await streams.mark(2);
    await streams.expectAllDelivered('after the relaunch');
  });

  it('plugin shut down by Grafana and relaunched', async () => {
    const stopping = plugin;
    const socketDir = path.dirname(stopping.handshake.split('|')[3]!);
    await streams.mark();
    await streams.expectAllDelivered('just before the shutdown');
    const { code, ms } = await stopping.shutdown();
    assert.equal(code, 0, 'clean exit');
    assert.ok(ms < 1_000, `exited ${ms} ms after Shutdown (go-plugin kills at 2 s)`);
    assert.equal(existsSync(socketDir), false, 'the socket directory is removed');
    await streams.mark(2);
    await launch();
    streams.attach(plugin, pluginContext());
    await sleep(500);
    await streams.mark();
    await streams.expectAllDelivered('after the graceful restart');
    await queryWorks('after the graceful restart');
    streams.cancel();
  });
});

/**
 * #9: a live log tail lived only in the plugin's memory. When the plugin was killed and Grafana relaunched it, or
 * the datasource's settings changed (the stream ends and Grafana starts it again), the new tail began at the
 * ledger's end: every event appended in between was missing from the panel. Tails now save their position after
 * each packet and resume exactly there.
 * Fixed in src/backend/plugin/streams/streamPositions.ts, logStream.ts, streamHub.ts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';
import pg from 'pg';

import { createLedgerTestDatabase, type LedgerTestDatabase } from '../../src/ledger/ledgerTestDatabase';
import { appendEvents } from '../../src/ledger/writer';
import { livePathOf, LiveStream } from '../hardening/support/liveStream';
import { waitUntil } from '../hardening/support/observe';
import { datasourceContext } from '../support/grafanaRequests';
import { launchPlugin, type PluginUnderTest } from '../support/pluginProcess';

let ledger: LedgerTestDatabase;
let writer: pg.Client;
let stateDir: string;
const plugins: PluginUnderTest[] = [];
const error = (name: string) => ({ kind: 'error' as const, occurredAt: new Date(), name });
const launch = async () => {
  const plugin = await launchPlugin({ env: { LEDGER_STATE_DIR: stateDir } });
  plugins.push(plugin);
  return plugin;
};
const names = (stream: LiveStream) => stream.bodies().map((body) => /error (\w+)/.exec(body)?.[1]);

before(async () => {
  ledger = await createLedgerTestDatabase('reg0009');
  writer = await ledger.connect();
  stateDir = mkdtempSync(path.join(tmpdir(), 'reg0009-'));
});

after(async () => {
  plugins.forEach((plugin) => plugin.kill());
  await ledger?.drop();
  rmSync(stateDir, { recursive: true, force: true });
});

const livePath = (plugin: PluginUnderTest, pluginContext: unknown, uid: string) =>
  livePathOf(plugin, pluginContext, uid, { queryType: 'logs' });

it('resumes after the plugin is killed and relaunched, without gaps or repeats', async () => {
  const pluginContext = datasourceContext({ url: ledger.url, uid: 'reg0009-kill' });
  const first = await launch();
  const path = await livePath(first, pluginContext, 'reg0009-kill');
  const before = new LiveStream(first, { pluginContext, path });
  await appendEvents(writer, [error('One'), error('Two')]);
  await waitUntil(() => names(before).length === 2, 10_000, 'the first two lines');

  first.kill(); // SIGKILL: nothing is flushed on the way out
  await first.exited;
  await appendEvents(writer, [error('WhileDown')]);
  const second = await launch(); // Grafana relaunches the plugin and calls RunStream again on the same channel
  const after = new LiveStream(second, { pluginContext, path });
  await new Promise((resolve) => setTimeout(resolve, 500));
  await appendEvents(writer, [error('Three')]);
  await waitUntil(() => names(after).includes('Three'), 10_000, 'the line after the relaunch');
  assert.deepEqual([...names(before), ...names(after)], ['One', 'Two', 'WhileDown', 'Three']);
  after.cancel();
});

it('resumes after the datasource settings change mid-stream, without gaps or repeats', async () => {
  const plugin = await launch();
  const v1 = datasourceContext({ url: ledger.url, uid: 'reg0009-settings', lastUpdatedMS: 1 });
  const path = await livePath(plugin, v1, 'reg0009-settings');
  const before = new LiveStream(plugin, { pluginContext: v1, path });
  await appendEvents(writer, [error('Alpha')]);
  await waitUntil(() => names(before).length === 1, 10_000, 'the first line');

  // Saving the datasource: the next call carries new settings; the running stream ends so Grafana restarts it.
  const v2 = datasourceContext({
    url: ledger.url,
    uid: 'reg0009-settings',
    lastUpdatedMS: 2,
    jsonData: { rowLimit: 5000 },
  });
  await plugin.unary('diagnostics', 'CheckHealth', { pluginContext: v2 });
  await waitUntil(() => before.error !== undefined, 5_000, 'the stream to end');
  assert.equal(before.error!.code, 14, 'UNAVAILABLE: Grafana calls RunStream again');
  await appendEvents(writer, [error('Between')]);
  const after = new LiveStream(plugin, { pluginContext: v2, path });
  await new Promise((resolve) => setTimeout(resolve, 500));
  await appendEvents(writer, [error('Omega')]);
  await waitUntil(() => names(after).includes('Omega'), 10_000, 'the line after the restart');
  assert.deepEqual([...names(before), ...names(after)], ['Alpha', 'Between', 'Omega']);
  after.cancel();
});

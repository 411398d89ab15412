/**
 * A live query too long for a self-describing channel path gets `live/h<hash>`, and the query it names was kept in
 * the plugin's memory only. After the plugin was killed and relaunched, Grafana called RunStream again on the
 * channel its panel held and got NOT_FOUND: the panel stopped updating until the dashboard was reloaded. The query
 * is now also kept in the private state directory, and a relaunched plugin resumes the stream — still for the
 * datasource that created it only.
 * Fixed in src/backend/plugin/streams/liveSpec.ts (archiveLongSpecsIn) and streamPositions.ts (saveRecord).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
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
const launch = async () => {
  const plugin = await launchPlugin({ env: { LEDGER_STATE_DIR: stateDir } });
  plugins.push(plugin);
  return plugin;
};

before(async () => {
  ledger = await createLedgerTestDatabase('reg0016');
  writer = await ledger.connect();
  stateDir = mkdtempSync(path.join(tmpdir(), 'reg0016-'));
});

after(async () => {
  plugins.forEach((plugin) => plugin.kill());
  await writer?.end();
  await ledger?.drop();
  rmSync(stateDir, { recursive: true, force: true });
});

it('resumes a stream on a long (hashed) live path after the plugin is killed and relaunched', async () => {
  const pluginContext = datasourceContext({ url: ledger.url, uid: 'reg0016' });
  // Too long (and too random to deflate) for a self-describing path; every word is in the error's message.
  const words = Array.from({ length: 6 }, (_, i) => createHash('sha256').update(String(i)).digest('hex'));
  const first = await launch();
  const channel = await livePathOf(first, pluginContext, 'reg0016', { queryType: 'logs', search: words.join(' ') });
  assert.match(channel, /^live\/h[0-9a-f]{32}$/);

  first.kill(); // SIGKILL: nothing is flushed on the way out
  await first.exited;
  const second = await launch();
  const subscribed = await second.unary('stream', 'SubscribeStream', { pluginContext, path: channel });
  assert.equal(subscribed.status, 'OK', 'the relaunched plugin still knows the path');
  const other = datasourceContext({ url: ledger.url, uid: 'reg0016-other' });
  const foreign = await second.unary('stream', 'SubscribeStream', { pluginContext: other, path: channel });
  assert.equal(foreign.status, 'NOT_FOUND', 'and still for its own datasource only');

  const stream = new LiveStream(second, { pluginContext, path: channel });
  await new Promise((resolve) => setTimeout(resolve, 500));
  const message = words.join(' ');
  await appendEvents(writer, [
    { kind: 'error', occurredAt: new Date(), name: 'Unmatched', payload: { message: 'nothing to see' } },
    { kind: 'error', occurredAt: new Date(), name: 'Matched', payload: { message } },
  ]);
  await waitUntil(() => stream.bodies().some((body) => body.includes('Matched')), 10_000, 'the matching line');
  assert.ok(
    stream.bodies().every((body) => !body.includes('Unmatched')),
    'the resumed stream applies the remembered search'
  );
  stream.cancel();
});

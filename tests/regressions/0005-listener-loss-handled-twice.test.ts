/**
 * #9: when the live streams' LISTEN connection dropped (pg_terminate_backend, a database restart), the watcher
 * handled the loss once per event pg raised for it ('error', then 'end'): two warnings per loss, and the reconnect
 * backoff doubled twice, so after a short outage streams waited up to 5 s longer than needed.
 * Fixed in src/backend/db/ledgerWatcher.ts (one loss, one reconnection).
 */
import assert from 'node:assert/strict';
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
let plugin: PluginUnderTest;

before(async () => {
  ledger = await createLedgerTestDatabase('reg0005');
  writer = await ledger.connect();
  plugin = await launchPlugin();
});

after(async () => {
  plugin?.kill();
  await ledger?.drop();
});

it('warns once and reconnects at the first backoff step after the listener is killed', async () => {
  const pluginContext = datasourceContext({ url: ledger.url, uid: 'reg0005' });
  const path = await livePathOf(plugin, pluginContext, 'reg0005', { queryType: 'metrics', metric: 'error.total' });
  const stream = new LiveStream(plugin, { pluginContext, path });
  await waitUntil(() => stream.packets.length > 0, 10_000, 'the first packet');

  await writer.query(
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
     WHERE datname = current_database() AND application_name = 'grafana-ledger-stream'`
  );
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const lost = plugin.stderr.filter((line) => line.includes('live stream connection to PostgreSQL lost'));
  assert.equal(lost.length, 1, lost.join('\n'));
  assert.equal(JSON.parse(lost[0]!).retryInMs, 100);

  await appendEvents(writer, [{ kind: 'error', occurredAt: new Date(), name: 'AfterKill' }]);
  await waitUntil(() => stream.total() === 1, 10_000, 'the event after the reconnection');
  stream.cancel();
});

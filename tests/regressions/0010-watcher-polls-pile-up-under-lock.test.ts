/**
 * #9: while a lock held the ledger (a migration, a long ALTER), the live streams' watcher kept starting a new
 * `max(seq)` poll every interval on its one connection. The polls queued behind each other, pg printed a raw
 * "DeprecationWarning: Calling client.query() when the client is already executing a query" line on stderr (which
 * Grafana logs as unparsed text), and each queued poll later failed on its own. Now one poll at a time.
 * Fixed in src/backend/db/ledgerWatcher.ts (poll).
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
let plugin: PluginUnderTest;

before(async () => {
  ledger = await createLedgerTestDatabase('reg0010');
  plugin = await launchPlugin();
});

after(async () => {
  plugin?.kill();
  await ledger?.drop();
});

it('polls one at a time while a lock holds the ledger, and streams again once it is released', async () => {
  const uid = 'reg0010';
  const pluginContext = datasourceContext({
    url: ledger.url,
    uid,
    jsonData: { streamMode: 'poll', streamPollIntervalMs: 100, statementTimeoutMs: 2_000 },
  });
  const path = await livePathOf(plugin, pluginContext, uid, { queryType: 'metrics', metric: 'error.total' });
  const stream = new LiveStream(plugin, { pluginContext, path });
  await waitUntil(() => stream.packets.length > 0, 10_000, 'the first packet');

  const locker = await ledger.connect();
  await locker.query('BEGIN');
  await locker.query('LOCK TABLE ledger_events IN ACCESS EXCLUSIVE MODE');
  await new Promise((resolve) => setTimeout(resolve, 2_500)); // 25 poll intervals, beyond the statement timeout
  await locker.query('ROLLBACK');

  const writer: pg.Client = await ledger.connect();
  await appendEvents(writer, [{ kind: 'error', occurredAt: new Date(), name: 'AfterLock' }]);
  await waitUntil(() => stream.total() === 1, 10_000, 'the event after the lock');
  assert.deepEqual(
    plugin.stderr.filter((line) => !line.startsWith('{')),
    [],
    'no raw stderr lines (pg deprecation warnings)'
  );
  const lost = plugin.stderr.filter((line) => line.includes('live stream connection to PostgreSQL lost'));
  assert.ok(lost.length <= 1, `one timed-out poll at most, got:\n${lost.join('\n')}`);
  stream.cancel();
});

/**
 * #9: a live logs query answered with the current lines, and the tail Grafana then started began at the ledger's end
 * *at that moment*: an event appended between the QueryData answer and the RunStream call (the browser subscribing
 * takes a moment) was never shown. The channel path now carries the position the answer covered, and the tail sends
 * exactly what comes after it.
 * Fixed in src/backend/query/logs/runLogs.ts (runLogsWithHead), plugin/streams/liveSpec.ts (afterSeq),
 * plugin/streams/streamHub.ts.
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
const error = (name: string) => ({ kind: 'error' as const, occurredAt: new Date(), name });

before(async () => {
  ledger = await createLedgerTestDatabase('reg0008');
  writer = await ledger.connect();
  plugin = await launchPlugin();
});

after(async () => {
  plugin?.kill();
  await ledger?.drop();
});

it('tails from the position the QueryData answer covered', async () => {
  await appendEvents(writer, [error('InAnswer')]);
  const pluginContext = datasourceContext({ url: ledger.url, uid: 'reg0008' });
  const now = Date.now();
  const range = { from: now - 600_000, to: now + 60_000 };
  const path = await livePathOf(plugin, pluginContext, 'reg0008', { queryType: 'logs' }, range);

  await appendEvents(writer, [error('BeforeSubscribe')]); // between the answer and the subscription
  const stream = new LiveStream(plugin, { pluginContext, path });
  await new Promise((resolve) => setTimeout(resolve, 500));
  await appendEvents(writer, [error('AfterSubscribe')]);
  await waitUntil(() => stream.bodies().some((body) => body.includes('AfterSubscribe')), 10_000, 'the later event');

  assert.deepEqual(
    stream.bodies().map((body) => /error (\w+)/.exec(body)?.[1]),
    ['BeforeSubscribe', 'AfterSubscribe'],
    'the event in the answer is not repeated, the one before the subscription is not lost'
  );
  stream.cancel();
});

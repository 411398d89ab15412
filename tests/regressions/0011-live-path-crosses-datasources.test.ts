/**
 * #9: a live query too long for a self-describing channel path is remembered in memory under a hash path. The
 * memory was global: any datasource (of any org) subscribing to that path got the query another datasource's
 * QueryData had remembered. Remembered paths are now scoped to the org and datasource that created them, and stream
 * and resource calls for another plugin are refused.
 * Fixed in src/backend/plugin/streams/liveSpec.ts (pathOf/specOf scope), streamHandlers.ts, resources.ts,
 * pluginContext.ts.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, it } from 'node:test';

import { createLedgerTestDatabase, type LedgerTestDatabase } from '../../src/ledger/ledgerTestDatabase';
import { livePathOf } from '../hardening/support/liveStream';
import { datasourceContext } from '../support/grafanaRequests';
import { launchPlugin, type PluginUnderTest } from '../support/pluginProcess';

let ledger: LedgerTestDatabase;
let plugin: PluginUnderTest;

before(async () => {
  ledger = await createLedgerTestDatabase('reg0011');
  plugin = await launchPlugin();
});

after(async () => {
  plugin?.kill();
  await ledger?.drop();
});

it('serves a remembered live path to the datasource that created it only', async () => {
  const owner = datasourceContext({ url: ledger.url, uid: 'reg0011-a' });
  // Too long (and too random to deflate) for a self-describing path.
  const search = Array.from({ length: 6 }, (_, i) => createHash('sha256').update(String(i)).digest('hex')).join(' ');
  const path = await livePathOf(plugin, owner, 'reg0011-a', { queryType: 'logs', search });
  assert.match(path, /^live\/h[0-9a-f]{32}$/);

  const subscribe = (pluginContext: unknown) => plugin.unary('stream', 'SubscribeStream', { pluginContext, path });
  assert.equal((await subscribe(owner)).status, 'OK');
  const other = datasourceContext({ url: ledger.url, uid: 'reg0011-b' });
  assert.equal((await subscribe(other)).status, 'NOT_FOUND', 'another datasource');
  assert.equal((await subscribe({ ...owner, orgId: 2 })).status, 'NOT_FOUND', 'the same uid in another org');
  assert.equal(
    (await subscribe({ ...owner, pluginId: 'someone-else-datasource' })).status,
    'NOT_FOUND',
    'another plugin'
  );
  const [resource] = await plugin.collect('resource', 'CallResource', {
    pluginContext: { ...owner, pluginId: 'someone-else-datasource' },
    path: 'metrics',
    method: 'GET',
    url: 'metrics',
  });
  assert.equal(resource.code, 404);
});

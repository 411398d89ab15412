/**
 * #9 (found by the fuzzer): every malformed request (no plugin context, an unknown live stream path) and every
 * stream ended on purpose for a settings change was logged at error level ("rpc failed"). Operators alert on the
 * plugin's error lines, so garbage from a caller must not raise one: the caller's mistakes are warnings, routine
 * restarts are info, and only our own failures are errors. Unknown stream paths are INVALID_ARGUMENT, not INTERNAL.
 * Fixed in src/backend/protocol/server.ts (logFailure) and plugin/streams/streamHandlers.ts.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';

import { launchPlugin, type PluginUnderTest } from '../support/pluginProcess';

let plugin: PluginUnderTest;

before(async () => {
  plugin = await launchPlugin();
});

after(() => plugin?.kill());

const code = (promise: Promise<unknown>) =>
  promise.then(
    () => 0,
    (error: { code: number }) => error.code
  );

it('answers malformed requests with INVALID_ARGUMENT and logs them as warnings', async () => {
  assert.equal(await code(plugin.unary('data', 'QueryData', { queries: [] })), 3);
  assert.equal(await code(plugin.unary('diagnostics', 'CheckHealth', {})), 3);
  assert.equal(await code(plugin.unary('stream', 'SubscribeStream', { path: 'live/x' })), 3);
  assert.equal(await code(plugin.collect('resource', 'CallResource', { path: 'metrics' })), 3);
  const context = { pluginId: 'aicodeteam-ledger-datasource', dataSourceInstanceSettings: { uid: 'x', url: 'h' } };
  assert.equal(await code(plugin.collect('stream', 'RunStream', { pluginContext: context, path: '../../x' })), 3);

  await new Promise((resolve) => setTimeout(resolve, 200));
  const levels = plugin.stderr.map((line) => JSON.parse(line) as Record<string, string>);
  assert.deepEqual(
    levels.filter((line) => line['@level'] === 'error'),
    [],
    'no error-level line for a caller mistake'
  );
  assert.equal(levels.filter((line) => line['@message'] === 'rpc rejected').length, 5);
});

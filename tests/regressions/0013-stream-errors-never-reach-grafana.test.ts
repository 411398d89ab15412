/**
 * #9 (found while writing 0006): every server-streaming call that failed — CallResource with a request the plugin
 * cannot interpret, RunStream on an unknown path or interrupted by a settings change, QueryChunkedData (not
 * implemented) — was torn down with `destroy(error)`, which in grpc-js ends the stream without ever writing a status.
 * Grafana's resource request and its RunStream call then waited forever: an interrupted stream was never restarted.
 * Fixed in src/backend/protocol/server.ts (failStream).
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';

import { launchPlugin, type PluginUnderTest } from '../support/pluginProcess';

let plugin: PluginUnderTest;

before(async () => {
  plugin = await launchPlugin();
});

after(() => plugin?.kill());

/** The status a server stream ends with, or 'open' if it has not ended within 3 s. */
function endOf(client: 'resource' | 'stream' | 'data', method: string, request: unknown): Promise<number | 'open'> {
  return new Promise((resolve) => {
    const call = (plugin.clients[client] as any)[method](request);
    const timer = setTimeout(() => {
      resolve('open');
      call.cancel();
    }, 3_000);
    call.on('data', () => undefined);
    call.on('error', (error: { code: number }) => {
      clearTimeout(timer);
      resolve(error.code);
    });
    call.on('end', () => {
      clearTimeout(timer);
      resolve(0);
    });
  });
}

it('ends failed server streams with their status', async () => {
  assert.equal(await endOf('resource', 'CallResource', { path: 'metrics', method: 'GET' }), 3, 'INVALID_ARGUMENT');
  const context = { pluginId: 'aicodeteam-ledger-datasource', dataSourceInstanceSettings: { uid: 'x', url: 'h' } };
  assert.equal(
    await endOf('stream', 'RunStream', { pluginContext: context, path: 'live/nope' }),
    3,
    'INVALID_ARGUMENT'
  );
  assert.equal(await endOf('data', 'QueryChunkedData', {}), 12, 'UNIMPLEMENTED');
});

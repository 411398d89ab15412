/**
 * Idle eviction of datasource instances (#14): an instance goes once nobody used it for the TTL, but never while a
 * request runs on it or a companion (the stream hub) still has subscribers. The clock is the test's; pools are
 * created but never connect (pg connects on first use).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { Logger } from '../log';
import { DEFAULT_IDLE_TTL_MS, idleTtlFrom, InstanceManager } from './instances';
import type { RequestContext } from './types';

const TTL = 1_000;

function context(uid: string): RequestContext {
  return {
    orgId: 1,
    pluginId: 'aicodeteam-ledger-datasource',
    datasource: {
      id: 1,
      uid,
      name: uid,
      url: '127.0.0.1:1',
      user: 'reader',
      database: '',
      jsonData: { database: 'ledger', sslmode: 'disable' },
      secureJsonData: { password: 'unused' },
      lastUpdatedMS: 1,
    },
    grafanaConfig: {},
    pluginVersion: 'test',
    userAgent: 'test',
  };
}

function manager() {
  const clock = { now: 0 };
  const lines: string[] = [];
  const instances = new InstanceManager(new Logger((line) => lines.push(line), 'info'), TTL, () => clock.now);
  return { instances, clock, lines };
}

describe('idle eviction', () => {
  it('evicts an instance unused for the TTL, disposing its companions, and rebuilds it on the next request', async () => {
    const { instances, clock } = manager();
    const first = await instances.track(context('a'), async () => instances.get(context('a')));
    let disposed = 0;
    first.companion('streams', () => ({ dispose: async () => void disposed++ }));
    clock.now = TTL - 1;
    assert.deepEqual(await instances.evictIdle(), [], 'not idle for the TTL yet');
    clock.now = TTL;
    assert.deepEqual(await instances.evictIdle(), ['1/a']);
    assert.equal(disposed, 1, 'the companion is disposed with the instance');
    assert.equal(instances.size, 0);
    const rebuilt = await instances.track(context('a'), async () => instances.get(context('a')));
    assert.notEqual(rebuilt, first, 'a fresh instance with a fresh pool');
    await instances.closeAll();
  });

  it('never evicts while a request runs, and counts the TTL from when the last one ended', async () => {
    const { instances, clock } = manager();
    let finish!: () => void;
    const running = instances.track(context('a'), async () => {
      instances.get(context('a'));
      await new Promise<void>((resolve) => (finish = resolve));
    });
    clock.now = 10 * TTL;
    assert.deepEqual(await instances.evictIdle(), [], 'a request is running');
    finish();
    await running;
    clock.now = 11 * TTL - 1;
    assert.deepEqual(await instances.evictIdle(), [], 'idle for less than the TTL since the request ended');
    clock.now = 11 * TTL;
    assert.deepEqual(await instances.evictIdle(), ['1/a']);
    await instances.closeAll();
  });

  it('never evicts while a companion is in use (a stream with subscribers)', async () => {
    const { instances, clock } = manager();
    const instance = await instances.track(context('a'), async () => instances.get(context('a')));
    const hub = { subscribers: 1, dispose: async () => undefined, inUse: () => hub.subscribers > 0 };
    instance.companion('streams', () => hub);
    clock.now = 5 * TTL;
    assert.deepEqual(await instances.evictIdle(), []);
    hub.subscribers = 0;
    assert.deepEqual(await instances.evictIdle(), ['1/a']);
    await instances.closeAll();
  });

  it('holding an instance for background work (metrics) keeps it but does not renew its TTL', async () => {
    const { instances, clock } = manager();
    const a = await instances.track(context('a'), async () => instances.get(context('a')));
    await instances.track(context('b'), async () => instances.get(context('b')));
    clock.now = TTL / 2;
    await instances.track(context('b'), async () => undefined);
    clock.now = TTL;
    let evictedWhileHeld: string[] = [];
    await instances.hold(a, async () => {
      evictedWhileHeld = await instances.evictIdle();
    });
    assert.deepEqual(evictedWhileHeld, [], 'held');
    assert.deepEqual(await instances.evictIdle(), ['1/a'], 'the hold did not count as use; b was used later');
    assert.deepEqual(
      instances.all().map((instance) => instance.uid),
      ['b']
    );
    await instances.closeAll();
  });
});

describe('idleTtlFrom', () => {
  it('reads LEDGER_INSTANCE_IDLE_TTL_MS, and reports a bad value by name and keeps the default', () => {
    const lines: string[] = [];
    const log = new Logger((line) => lines.push(line), 'info');
    assert.equal(idleTtlFrom({}, log), DEFAULT_IDLE_TTL_MS);
    assert.equal(idleTtlFrom({ LEDGER_INSTANCE_IDLE_TTL_MS: '2500' }, log), 2_500);
    assert.equal(lines.length, 0);
    for (const bad of ['soon', '-5', '0']) {
      assert.equal(idleTtlFrom({ LEDGER_INSTANCE_IDLE_TTL_MS: bad }, log), DEFAULT_IDLE_TTL_MS);
    }
    assert.equal(lines.length, 3);
    assert.match(lines[0]!, /LEDGER_INSTANCE_IDLE_TTL_MS must be a positive number/);
  });
});

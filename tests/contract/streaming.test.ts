/**
 * Live streaming through the built executable, as Grafana Live drives it: QueryData returns a frame with
 * meta.channel, SubscribeStream validates the path, RunStream pushes frame JSON as ledger rows arrive. Runs against a
 * PostgreSQL cluster of its own, because one test restarts the database mid-stream.
 */
import assert from 'node:assert/strict';
import { readdirSync, readlinkSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import pg from 'pg';

import { migrate } from '../../src/ledger/migrate';
import { appendEvents } from '../../src/ledger/writer';
import type { LedgerEvent } from '../../src/ledger/ledgerEvent';
import { startCluster, type TestCluster } from '../support/postgres';
import { datasourceContext, dataQuery } from '../support/grafanaRequests';
import { launchPlugin, type PluginUnderTest } from '../support/pluginProcess';

const MINUTE = 60_000;

interface FrameJson {
  schema?: { fields: Array<{ name: string; labels?: Record<string, string> }>; meta?: Record<string, unknown> };
  data?: { values: unknown[][] };
}

/** A RunStream call and the packets received so far. */
class StreamCall {
  readonly packets: FrameJson[] = [];
  private schema: FrameJson['schema'];
  private waiters: Array<() => void> = [];
  readonly call: grpc.ClientReadableStream<{ data: Buffer }>;
  ended = false;
  error: Error | undefined;

  constructor(plugin: PluginUnderTest, request: unknown) {
    this.call = (plugin.clients.stream as any).RunStream(request);
    this.call.on('data', (packet: { data: Buffer }) => {
      const json = JSON.parse(packet.data.toString()) as FrameJson;
      this.schema = json.schema ?? this.schema;
      this.packets.push(json);
      this.waiters.forEach((wake) => wake());
    });
    this.call.on('error', (error) => {
      this.error = error;
      this.waiters.forEach((wake) => wake());
    });
    this.call.on('end', () => (this.ended = true));
  }

  /** Totals per series label (mode) in the latest packet. */
  latestTotals(): Record<string, number> {
    const last = this.packets.at(-1);
    const totals: Record<string, number> = {};
    this.schema?.fields.slice(1).forEach((field, i) => {
      const values = (last?.data?.values[i + 1] ?? []) as Array<number | null>;
      totals[field.labels?.mode ?? field.name] = values.reduce<number>((sum, v) => sum + (v ?? 0), 0);
    });
    return totals;
  }

  /** Number of time points in the latest packet. */
  latestLength(): number {
    return (this.packets.at(-1)?.data?.values[0] ?? []).length;
  }

  async waitFor(predicate: () => boolean, timeoutMs = 10_000, what = 'a packet'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (this.error) {
        throw this.error;
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${what}; last totals ${JSON.stringify(this.latestTotals())}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 200);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      this.waiters = [];
    }
  }

  cancel(): void {
    this.call.cancel();
  }
}

const completions = (n: number, mode: string, offset = 0): LedgerEvent[] =>
  Array.from({ length: n }, (_, i) => ({
    kind: 'job.completed' as const,
    occurredAt: new Date(Date.now() - 1_000),
    jobId: `job-${mode}-${offset + i}`,
    workerId: 'w1',
    mode,
    durationMs: 1_000,
  }));

/** The process's open file descriptors: sockets and everything else. */
function openHandles(pid: number): { sockets: number; other: number } {
  const targets = readdirSync(`/proc/${pid}/fd`).map((fd) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      return 'closed';
    }
  });
  const sockets = targets.filter((target) => target.startsWith('socket:')).length;
  return { sockets, other: targets.filter((target) => target !== 'closed').length - sockets };
}

describe('live streaming', () => {
  let cluster: TestCluster;
  let url: string;
  let writer: pg.Client;
  let plugin: PluginUnderTest;
  let context: ReturnType<typeof datasourceContext>;
  const liveQuery = {
    queryType: 'metrics',
    metric: 'job.completed',
    groupBy: ['mode'],
    format: 'timeseries',
    live: true,
  };

  const openWriter = async () => {
    writer = new pg.Client({ connectionString: url });
    writer.on('error', () => undefined); // the restart test terminates it on purpose
    await writer.connect();
  };

  before(async () => {
    cluster = await startCluster();
    url = cluster.adminUrl;
    await migrate(url);
    await openWriter();
    await appendEvents(writer, completions(3, 'genius'));
    plugin = await launchPlugin();
    context = datasourceContext({ url, uid: 'ledger-live' });
  });

  after(async () => {
    plugin?.kill();
    await writer?.end().catch(() => undefined);
    cluster?.stop();
  });

  const channelPath = async (): Promise<string> => {
    const now = Date.now();
    const response = await plugin.unary('data', 'QueryData', {
      pluginContext: context,
      queries: [dataQuery('A', liveQuery, { from: now - 10 * MINUTE, to: now }, MINUTE)],
    });
    const frames = response.responses.A.frames as Buffer[];
    assert.equal(response.responses.A.status, 200, response.responses.A.error);
    assert.equal(frames.length, 1, 'a live query answers with exactly one frame');
    const { tableFromIPC } = await import('apache-arrow');
    const meta = JSON.parse(tableFromIPC(frames[0]!).schema.metadata.get('meta')!);
    assert.equal(meta.type, 'timeseries-wide');
    assert.equal(meta.custom.liveAction, 'replace');
    assert.match(meta.channel, /^ds\/ledger-live\/live\/[jz][A-Za-z0-9_-]+$/);
    return meta.channel.slice('ds/ledger-live/'.length);
  };

  const activity = async (applicationName = 'grafana-ledger-stream') => {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1`,
        [applicationName]
      );
      return rows[0]!.n;
    } finally {
      await admin.end();
    }
  };

  const metricValue = async (name: string) => {
    const response = await plugin.unary('diagnostics', 'CollectMetrics', {
      pluginContext: { pluginId: 'aicodeteam-ledger-datasource' },
    });
    const text = Buffer.from(response.metrics.prometheus).toString();
    return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  };

  it('subscribes, pushes updated buckets as rows arrive, and releases everything on cancel', async () => {
    const path = await channelPath();
    const subscribed = await plugin.unary('stream', 'SubscribeStream', { pluginContext: context, path });
    assert.equal(subscribed.status, 'OK');
    const initial = JSON.parse(Buffer.from(subscribed.data).toString()) as FrameJson;
    assert.ok(initial.schema && initial.data, 'initial data carries schema and data');

    const handlesBefore = openHandles(plugin.child.pid!);
    const poolBefore = await activity('grafana-ledger-datasource');
    const stream = new StreamCall(plugin, { pluginContext: context, path });
    await stream.waitFor(() => stream.packets.length > 0, 10_000, 'the first packet');
    assert.ok(stream.packets[0]!.schema, 'the first packet carries the schema');
    assert.equal(stream.latestTotals().genius, 3);
    const points = stream.latestLength();

    await appendEvents(writer, completions(2, 'genius', 100));
    await stream.waitFor(() => stream.latestTotals().genius === 5, 10_000, 'genius = 5');
    assert.equal(stream.latestLength(), points, 'the current bucket is updated, not appended again');
    assert.equal(stream.packets.at(-1)!.schema, undefined, 'later packets carry data only');

    // A burst of 10,000 inserts in 100 statements arrives complete.
    for (let batch = 0; batch < 100; batch++) {
      await appendEvents(writer, completions(100, 'mechanic', 1_000 + batch * 100));
    }
    await stream.waitFor(() => stream.latestTotals().mechanic === 10_000, 20_000, 'mechanic = 10000');
    assert.equal(stream.latestTotals().genius, 5);

    assert.equal(await metricValue('ledger_plugin_live_streams'), 1);
    assert.equal(await activity(), 1, 'one LISTEN connection for the datasource');

    stream.cancel();
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(await metricValue('ledger_plugin_live_streams'), 0, 'the worker stopped');
    assert.equal(await activity(), 0, 'the LISTEN connection is closed');
    // The pool may have opened connections for the stream's queries; they stay idle in the pool, which is not a
    // leak: every socket beyond those must be gone.
    const handlesAfter = openHandles(plugin.child.pid!);
    const poolGrowth = (await activity('grafana-ledger-datasource')) - poolBefore;
    assert.ok(
      handlesAfter.other <= handlesBefore.other,
      `file handles released (${handlesBefore.other} before, ${handlesAfter.other} after)`
    );
    assert.ok(
      handlesAfter.sockets - handlesBefore.sockets <= Math.max(0, poolGrowth),
      `sockets released (${handlesBefore.sockets} before, ${handlesAfter.sockets} after, pool grew by ${poolGrowth})`
    );
  });

  it('shares one worker between subscribers of a path', async () => {
    const path = await channelPath();
    const a = new StreamCall(plugin, { pluginContext: context, path });
    const b = new StreamCall(plugin, { pluginContext: context, path });
    await a.waitFor(() => a.packets.length > 0);
    await b.waitFor(() => b.packets.length > 0);
    assert.equal(await metricValue('ledger_plugin_live_streams'), 1);
    assert.equal(await metricValue('ledger_plugin_live_subscribers'), 2);
    a.cancel();
    b.cancel();
  });

  it('loses nothing across a database restart mid-stream', async () => {
    const path = await channelPath();
    const stream = new StreamCall(plugin, { pluginContext: context, path });
    await stream.waitFor(() => stream.packets.length > 0);
    const before = stream.latestTotals().genius ?? 0;

    cluster.pause();
    await writer.end().catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    cluster.start();
    await openWriter();
    await appendEvents(writer, completions(7, 'genius', 50_000));
    await stream.waitFor(
      () => stream.latestTotals().genius === before + 7,
      20_000,
      `genius = ${before + 7} after the restart`
    );
    stream.cancel();
  });

  it('tails logs: every matching event exactly once, in order, across out-of-order commits and rollbacks', async () => {
    const now = Date.now();
    const logsQuery = { queryType: 'logs', live: true, filters: [{ key: 'kind', operator: '=', value: 'error' }] };
    const answer = await plugin.unary('data', 'QueryData', {
      pluginContext: context,
      queries: [dataQuery('L', logsQuery, { from: now - 10 * MINUTE, to: now }, MINUTE)],
    });
    const { tableFromIPC } = await import('apache-arrow');
    const meta = JSON.parse(tableFromIPC(answer.responses.L.frames[0]).schema.metadata.get('meta')!);
    assert.equal(meta.type, 'log-lines');
    assert.equal(meta.custom.liveAction, 'append');
    const path = meta.channel.slice('ds/ledger-live/'.length);

    const bodies: string[] = [];
    const stream = new StreamCall(plugin, { pluginContext: context, path });
    stream.call.on('data', (packet: { data: Buffer }) => {
      const json = JSON.parse(packet.data.toString());
      const schemaFields: Array<{ name: string }> | undefined = json.schema?.fields;
      const bodyIndex = (schemaFields ?? [{ name: 'timestamp' }, { name: 'body' }]).findIndex((f) => f.name === 'body');
      bodies.push(...(json.data?.values?.[bodyIndex] ?? []));
    });
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // the tail has taken its start position

    // No worker id: the state triggers would serialize the open transactions on the same workers row.
    const error = (name: string): LedgerEvent => ({ kind: 'error', occurredAt: new Date(), name });
    // Transaction A takes a seq first but commits last; B commits in between; C rolls back.
    const a = new pg.Client({ connectionString: url });
    const c = new pg.Client({ connectionString: url });
    await a.connect();
    await c.connect();
    await a.query('BEGIN');
    await appendEvents(a, [error('Late')]);
    await c.query('BEGIN');
    await appendEvents(c, [error('RolledBack')]);
    await appendEvents(writer, [error('Early'), { kind: 'tool.call', occurredAt: new Date(), name: 'read_file' }]);
    await stream.waitFor(() => bodies.some((b) => b.includes('Early')), 10_000, 'the early error');
    await a.query('COMMIT');
    await c.query('ROLLBACK');
    await a.end();
    await c.end();
    await stream.waitFor(() => bodies.some((b) => b.includes('Late')), 10_000, 'the late commit');

    // A burst of 10,000 in 50 statements arrives complete and in order.
    for (let batch = 0; batch < 50; batch++) {
      await appendEvents(
        writer,
        Array.from({ length: 200 }, (_, i) => error(`Burst${String(batch * 200 + i).padStart(5, '0')}`))
      );
    }
    await stream.waitFor(
      () => bodies.filter((b) => b.includes('Burst')).length >= 10_000,
      30_000,
      '10,000 burst lines'
    );
    const burst = bodies.filter((b) => b.includes('Burst')).map((b) => /Burst(\d+)/.exec(b)![1]);
    assert.equal(burst.length, 10_000, 'no line twice');
    assert.deepEqual(burst, [...burst].sort(), 'in order');
    assert.equal(bodies.filter((b) => b.includes('Early')).length, 1);
    assert.equal(bodies.filter((b) => b.includes('Late')).length, 1);
    assert.equal(bodies.filter((b) => b.includes('RolledBack')).length, 0);
    assert.equal(bodies.filter((b) => b.includes('read_file')).length, 0, 'filtered out');
    stream.cancel();
  });

  it('refuses unknown paths and publishing', async () => {
    const unknown = await plugin.unary('stream', 'SubscribeStream', {
      pluginContext: context,
      path: 'live/znotavalidspec',
    });
    assert.equal(unknown.status, 'NOT_FOUND');
    const traversal = await plugin.unary('stream', 'SubscribeStream', {
      pluginContext: context,
      path: '../../etc/passwd',
    });
    assert.equal(traversal.status, 'NOT_FOUND');
    const publish = await plugin.unary('stream', 'PublishStream', {
      pluginContext: context,
      path: await channelPath(),
      data: Buffer.from('{}'),
    });
    assert.equal(publish.status, 'PERMISSION_DENIED');
  });
});

/**
 * A live metric stream and a live log tail watched across faults. Markers (an `error` event plus a `job.completed`
 * of mode "marker") are appended before, during and after each fault; afterwards every marker must have reached the
 * log tail exactly once and in order — summed over every RunStream call the tail went through (Grafana calls
 * RunStream again after an interruption or a relaunch) — and the metric stream's latest frame must count them all.
 */
import assert from 'node:assert/strict';

import type { PluginUnderTest } from '../../support/pluginProcess';
import { dataQuery } from '../../support/grafanaRequests';
import type { LedgerServer } from './ledgerServer';
import { channelPathOf, LiveStream } from './liveStream';
import { waitUntil } from './observe';

const MARKER_MODE = 'marker';

/** The two streams and the markers appended so far. */
export class MarkerStreams {
  readonly markers: string[] = [];
  private readonly logCalls: LiveStream[] = [];
  private readonly metricCalls: LiveStream[] = [];
  private paths: { logs: string; metrics: string } | undefined;

  constructor(
    private readonly server: LedgerServer,
    private readonly uid: string
  ) {}

  /** Gets the channel paths from QueryData (as a panel does) and attaches a RunStream to each. */
  async open(plugin: PluginUnderTest, pluginContext: unknown): Promise<void> {
    const now = Date.now();
    const range = { from: now - 30 * 60_000, to: now };
    const answer = await plugin.unary('data', 'QueryData', {
      pluginContext,
      queries: [
        dataQuery(
          'LOGS',
          { queryType: 'logs', live: true, filters: [{ key: 'kind', operator: '=', value: 'error' }] },
          range
        ),
        dataQuery('METRIC', { queryType: 'metrics', metric: 'job.completed', groupBy: ['mode'], live: true }, range),
      ],
    });
    for (const refId of ['LOGS', 'METRIC']) {
      assert.equal(answer.responses[refId].status, 200, answer.responses[refId].error);
    }
    this.paths = {
      logs: await channelPathOf(answer.responses.LOGS.frames[0], this.uid),
      metrics: await channelPathOf(answer.responses.METRIC.frames[0], this.uid),
    };
    this.attach(plugin, pluginContext);
  }

  /** Attaches new RunStream calls to the same paths (what Grafana does after an interruption or a relaunch). */
  attach(plugin: PluginUnderTest, pluginContext: unknown): void {
    this.logCalls.push(new LiveStream(plugin, { pluginContext, path: this.paths!.logs }));
    this.metricCalls.push(new LiveStream(plugin, { pluginContext, path: this.paths!.metrics }));
  }

  /** The latest RunStream calls. */
  get current(): { logs: LiveStream; metrics: LiveStream } {
    return { logs: this.logCalls.at(-1)!, metrics: this.metricCalls.at(-1)! };
  }

  /** Appends `count` markers through the real writer (retrying while the database is coming back). */
  async mark(count = 1): Promise<void> {
    const names = Array.from({ length: count }, () => `Marker${String(this.markers.length + 1).padStart(4, '0')}`);
    const at = new Date();
    await this.server.append(
      names.flatMap((name) => [
        { kind: 'error' as const, occurredAt: at, name },
        { kind: 'job.completed' as const, occurredAt: at, jobId: `job-${name}`, mode: MARKER_MODE, durationMs: 10 },
      ])
    );
    this.markers.push(...names);
  }

  /** Marker names received by the log tail, over all its calls, in order of arrival. */
  received(): string[] {
    return this.logCalls.flatMap((call) => call.bodies().map((body) => /error (Marker\d+)/.exec(body)?.[1] ?? body));
  }

  /** Waits until every marker has arrived on both streams, then checks: exactly once, in order, all counted. */
  async expectAllDelivered(what: string, timeoutMs = 20_000): Promise<void> {
    const expected = this.markers.length;
    await waitUntil(
      () => this.received().length >= expected && this.current.metrics.totals()[MARKER_MODE] === expected,
      timeoutMs,
      `${what}: ${expected} markers on both streams (log tail has ${this.received().length}, metric counts ` +
        `${this.current.metrics.totals()[MARKER_MODE] ?? 0})`
    );
    assert.deepEqual(this.received(), this.markers, `${what}: every marker once, in order`);
  }

  /** Cancels the current calls. */
  cancel(): void {
    this.current.logs.cancel();
    this.current.metrics.cancel();
  }
}

/**
 * A RunStream call as Grafana Live makes it, with what the suites check on it: every packet kept, the latest metric
 * frame (packets replace it), and every log line (packets append to it), so gaps and duplicates can be counted.
 */
import type * as grpc from '@grpc/grpc-js';

import { dataQuery } from '../../support/grafanaRequests';
import type { PluginUnderTest } from '../../support/pluginProcess';

/** Frame JSON as the plugin sends it. */
export interface FrameJson {
  schema?: { fields: Array<{ name: string; labels?: Record<string, string> }>; meta?: Record<string, unknown> };
  data?: { values: unknown[][] };
}

/** One RunStream call and what arrived on it. */
export class LiveStream {
  readonly packets: FrameJson[] = [];
  /** Values of every log line received, by field name (logs streams). */
  readonly lines: Array<Record<string, unknown>> = [];
  readonly call: grpc.ClientReadableStream<{ data: Buffer }>;
  schema: FrameJson['schema'];
  error: (Error & { code?: number }) | undefined;
  ended = false;

  constructor(plugin: PluginUnderTest, request: { pluginContext: unknown; path: string }) {
    this.call = (plugin.clients.stream as any).RunStream(request);
    this.call.on('data', (packet: { data: Buffer }) => {
      const json = JSON.parse(packet.data.toString()) as FrameJson;
      this.schema = json.schema ?? this.schema;
      this.packets.push(json);
      const names = this.schema?.fields.map((f) => f.name) ?? [];
      const columns = json.data?.values ?? [];
      for (let row = 0; row < (columns[0]?.length ?? 0); row++) {
        this.lines.push(Object.fromEntries(names.map((name, i) => [name, columns[i]?.[row]])));
      }
    });
    this.call.on('error', (error) => (this.error = error));
    this.call.on('end', () => (this.ended = true));
  }

  /** Per series (the value field's `mode` label, or its name): the sum of the latest frame's values. */
  totals(): Record<string, number> {
    const last = [...this.packets].reverse().find((p) => p.data);
    const totals: Record<string, number> = {};
    this.schema?.fields.slice(1).forEach((field, i) => {
      const values = (last?.data?.values[i + 1] ?? []) as Array<number | null>;
      totals[field.labels?.mode ?? field.name] = values.reduce<number>((sum, v) => sum + (v ?? 0), 0);
    });
    return totals;
  }

  /** Sum of every value of the latest frame (all series). */
  total(): number {
    return Object.values(this.totals()).reduce((sum, value) => sum + value, 0);
  }

  /** Log line bodies received, in order. */
  bodies(): string[] {
    return this.lines.map((line) => String(line.body));
  }

  cancel(): void {
    this.call.cancel();
  }
}

/** The channel path of a live query's frame (`meta.channel` minus `ds/<uid>/`). */
export async function channelPathOf(frame: Buffer, uid: string): Promise<string> {
  const { tableFromIPC } = await import('apache-arrow');
  const meta = JSON.parse(tableFromIPC(frame).schema.metadata.get('meta') ?? '{}') as { channel?: string };
  if (!meta.channel?.startsWith(`ds/${uid}/`)) {
    throw new Error(`frame has no channel for ${uid}: ${JSON.stringify(meta)}`);
  }
  return meta.channel.slice(`ds/${uid}/`.length);
}

/**
 * Runs one live query as a panel does (QueryData over `range`, default the last 10 minutes) and returns the channel
 * path its answer names, the path Grafana then subscribes to.
 */
export async function livePathOf(
  plugin: PluginUnderTest,
  pluginContext: unknown,
  uid: string,
  model: Record<string, unknown>,
  range?: { from: number; to: number }
): Promise<string> {
  const now = Date.now();
  const answer = await plugin.unary('data', 'QueryData', {
    pluginContext,
    queries: [dataQuery('LIVE', { ...model, live: true }, range ?? { from: now - 600_000, to: now })],
  });
  return channelPathOf(answer.responses.LIVE.frames[0], uid);
}

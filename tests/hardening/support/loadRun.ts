/**
 * One load run against a launched plugin, shared by the load suite (npm test) and the soak run (npm run soak):
 * `calls` QueryData calls of the mixed workload, `concurrency` in flight at once, while `streams` RunStream calls
 * are attached to live channels and a writer appends events. Returns what the suites assert on and what
 * docs/reliability.md reports.
 */
import type { PluginUnderTest } from '../../support/pluginProcess';
import { dataQuery } from '../../support/grafanaRequests';
import type { LedgerServer } from './ledgerServer';
import { channelPathOf, LiveStream } from './liveStream';
import { percentile, rssMb, sleep } from './observe';
import { liveQueries, mixedCalls } from './workload';

/** Parameters of a run. */
export interface LoadOptions {
  calls: number;
  concurrency: number;
  streams: number;
  /** Distinct live channel paths the streams are spread over. */
  paths: number;
  /** Error events the writer appends per 100 ms while the calls run. */
  writesPer100Ms: number;
  seed?: number;
  /** gRPC deadline of each call; a call still running then counts as hung. */
  deadlineMs?: number;
}

/** The outcome of one call. */
export interface CallOutcome {
  kind: string;
  ms: number;
  /** 200, a per-query status, or 0 for a gRPC failure. */
  status: number;
  error: string;
}

/** What a run measured. */
export interface LoadResult {
  outcomes: CallOutcome[];
  wallMs: number;
  throughput: number;
  p50: number;
  p95: number;
  p99: number;
  maxMs: number;
  peakRssMb: number;
  baselineRssMb: number;
  streams: LiveStream[];
  /** Names of the error events the writer appended (each log stream must receive each exactly once). */
  appended: string[];
  logStreams: LiveStream[];
}

/** Runs the load; streams stay attached (the caller cancels them and checks the release). */
export async function runLoad(
  plugin: PluginUnderTest,
  server: LedgerServer,
  pluginContext: ReturnType<LedgerServer['context']>,
  options: LoadOptions
): Promise<LoadResult> {
  const uid = pluginContext.dataSourceInstanceSettings.uid;
  const pid = plugin.child.pid!;
  const baselineRssMb = rssMb(pid);

  // Live channels, each named by a QueryData answer as Grafana gets them, with the streams spread over them.
  const now = Date.now();
  const paths: Array<{ path: string; logs: boolean }> = [];
  for (const [i, query] of liveQueries(options.paths).entries()) {
    const range = { from: now - (10 + i) * 60_000, to: now }; // distinct windows: distinct channels
    const answer = await plugin.unary('data', 'QueryData', {
      pluginContext,
      queries: [dataQuery('L', query, range, 60_000, 300)],
    });
    const result = answer.responses.L;
    if (result.error) {
      throw new Error(`live query ${JSON.stringify(query)} failed: ${result.error}`);
    }
    paths.push({ path: await channelPathOf(result.frames[0], uid), logs: query.queryType === 'logs' });
  }
  const streams = Array.from({ length: options.streams }, (_, i) => {
    const { path } = paths[i % paths.length]!;
    return new LiveStream(plugin, { pluginContext, path });
  });
  const logStreams = streams.filter((_, i) => paths[i % paths.length]!.logs);
  await sleep(1_000);

  // A writer keeps the streams busy while the calls run.
  const appended: string[] = [];
  let writing = true;
  const writer = (async () => {
    for (let batch = 0; writing; batch++) {
      const names = Array.from({ length: options.writesPer100Ms }, (_, i) => `Load${batch}x${i}`);
      await server.append(
        names.map((name) => ({ kind: 'error' as const, occurredAt: new Date(), name, workerId: `w${batch % 4}` }))
      );
      appended.push(...names);
      await sleep(100);
    }
  })();

  let peakRssMb = baselineRssMb;
  const sampler = setInterval(() => (peakRssMb = Math.max(peakRssMb, rssMb(pid))), 100);
  const calls = mixedCalls(options.calls, server.jobIds, options.seed ?? 7);
  const outcomes: CallOutcome[] = [];
  const started = Date.now();
  let next = 0;
  const worker = async () => {
    while (next < calls.length) {
      const call = calls[next++]!;
      const begin = Date.now();
      try {
        const response = await plugin.unary(
          'data',
          'QueryData',
          { pluginContext, queries: call.queries },
          { deadlineMs: options.deadlineMs ?? 60_000 }
        );
        const result = Object.values<{ status: number; error: string }>(response.responses)[0]!;
        outcomes.push({ kind: call.kind, ms: Date.now() - begin, status: result.status, error: result.error });
      } catch (error) {
        outcomes.push({ kind: call.kind, ms: Date.now() - begin, status: 0, error: String(error) });
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const wallMs = Date.now() - started;
  writing = false;
  await writer;
  clearInterval(sampler);
  const latencies = outcomes.map((o) => o.ms);
  return {
    outcomes,
    wallMs,
    throughput: (outcomes.length / wallMs) * 1000,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    maxMs: Math.max(...latencies),
    peakRssMb,
    baselineRssMb,
    streams,
    appended,
    logStreams,
  };
}

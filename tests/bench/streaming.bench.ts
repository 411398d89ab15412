/**
 * Insert-to-packet latency of live streaming: a writer appends job.completed events at a steady rate while a
 * RunStream of `job.completed` (count by mode, 1-minute buckets, 10-minute window) is open against the built
 * executable. Each packet's totals tell which inserts it reflects; latency = packet arrival − insert commit.
 * Also reports the backend's CPU use (from /proc) and the peer approach: a dashboard refreshing every 5 s.
 * Target (issue #6): p95 under 250 ms at 1,000 events/s, backend CPU under one core.
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';

import { migrate } from '../../src/ledger/migrate';
import { appendEvents } from '../../src/ledger/writer';
import { datasourceContext, dataQuery } from '../support/grafanaRequests';
import { launchPlugin } from '../support/pluginProcess';
import { startCluster } from '../support/postgres';
import { median, ms, percentile, type BenchSection } from './benchSupport';

const RATES = [10, 100, 1_000];
const SECONDS = 15;
const TICK_MS = 20;

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime in clock ticks (USER_HZ = 100)
}

/** Runs the streaming latency benchmark. */
export async function runStreamingBench(): Promise<BenchSection> {
  const cluster = await startCluster();
  const plugin = await launchPlugin();
  const rows: string[] = [];
  try {
    await migrate(cluster.adminUrl);
    const writer = new pg.Client({ connectionString: cluster.adminUrl });
    await writer.connect();
    const context = datasourceContext({ url: cluster.adminUrl, uid: 'ledger-bench' });
    let offset = 0;
    for (const rate of RATES) {
      const now = Date.now();
      const query = {
        queryType: 'metrics',
        metric: 'job.completed',
        format: 'timeseries',
        live: true,
        filters: [{ key: 'mode', operator: '=', value: `bench-${rate}` }],
      };
      const answer = await plugin.unary('data', 'QueryData', {
        pluginContext: context,
        queries: [dataQuery('A', query, { from: now - 600_000, to: now }, 60_000)],
      });
      const { tableFromIPC } = await import('apache-arrow');
      const channel: string = JSON.parse(
        tableFromIPC(answer.responses.A.frames[0]).schema.metadata.get('meta')!
      ).channel;
      const path = channel.split('/').slice(2).join('/');

      const commits: number[] = []; // commit time of insert #i (cumulative)
      const latencies: number[] = [];
      let covered = 0;
      const call = (plugin.clients.stream as any).RunStream({ pluginContext: context, path });
      let ready = false;
      call.on('data', (packet: { data: Buffer }) => {
        const arrived = performance.now();
        const json = JSON.parse(packet.data.toString());
        const values: Array<number | null> = json.data?.values?.[1] ?? [];
        const total = values.reduce<number>((sum, v) => sum + (v ?? 0), 0);
        ready = true;
        for (; covered < total && covered < commits.length; covered++) {
          latencies.push(arrived - commits[covered]!);
        }
      });
      call.on('error', () => undefined);
      while (!ready) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const cpuBefore = cpuSeconds(plugin.child.pid!);
      const started = performance.now();
      let inserted = 0;
      while (performance.now() - started < SECONDS * 1000) {
        // Keep to the rate by the clock: insert whatever is owed since the start.
        const n = Math.floor((rate * (performance.now() - started)) / 1000) - inserted;
        inserted += Math.max(0, n);
        if (n > 0) {
          const events = Array.from({ length: n }, (_, i) => ({
            kind: 'job.completed' as const,
            occurredAt: new Date(),
            jobId: `bench-${offset + i}`,
            mode: `bench-${rate}`,
            durationMs: 1,
          }));
          offset += n;
          await appendEvents(writer, events);
          const committed = performance.now();
          for (let i = 0; i < n; i++) {
            commits.push(committed);
          }
        }
        const wait = TICK_MS - ((performance.now() - started) % TICK_MS);
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
      const wall = (performance.now() - started) / 1000;
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const cpu = (cpuSeconds(plugin.child.pid!) - cpuBefore) / (wall + 2);
      call.cancel();
      rows.push(
        `| ${rate.toLocaleString('en-US')} | ${commits.length.toLocaleString('en-US')} | ${latencies.length.toLocaleString('en-US')} | ${ms(median(latencies))} | ${ms(percentile(latencies, 95))} | ${ms(Math.max(...latencies))} | ${(cpu * 100).toFixed(0)} % of a core |`
      );
      console.log(rows.at(-1));
    }
    await writer.end();
  } finally {
    plugin.kill();
    cluster.stop();
  }
  return {
    id: 'streaming',
    markdown: [
      `### Live streaming: insert → packet latency (${SECONDS} s per rate, job.completed count, 1-minute buckets)`,
      '',
      '| events/s | inserted | observed in packets | p50 | p95 | max | backend CPU |',
      '|---|---|---|---|---|---|---|',
      ...rows,
      '',
      'Peer approach (a dashboard refreshing every 5 s): a new row waits for the next refresh, uniformly 0–5 s, so',
      'p50 ≈ 2.5 s and p95 ≈ 4.75 s before the query even runs; every refresh also re-runs the whole query for every viewer.',
    ].join('\n'),
  };
}

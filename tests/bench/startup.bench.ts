/**
 * Backend start-up as Grafana sees it: spawn → handshake line, and resident memory once idle after a health check.
 * Targets (issue #2): handshake under 500 ms, idle RSS under 100 MB.
 */
import { readFileSync } from 'node:fs';

import { launchPlugin } from '../support/pluginProcess';
import { median, ms, percentile, type BenchSection } from './benchSupport';

const RUNS = 15;

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/** Runs the start-up benchmark. */
export async function runStartupBench(): Promise<BenchSection> {
  const handshakes: number[] = [];
  const rss: number[] = [];
  const shutdowns: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const plugin = await launchPlugin();
    handshakes.push(plugin.handshakeMs);
    await plugin.unary('health', 'Check', { service: 'plugin' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    rss.push(rssMb(plugin.child.pid!));
    const { ms: shutdownMs } = await plugin.shutdown();
    shutdowns.push(shutdownMs);
    plugin.kill();
  }
  const row = (name: string, values: number[], unit: (v: number) => string, target: string) =>
    `| ${name} | ${unit(median(values))} | ${unit(percentile(values, 95))} | ${unit(Math.max(...values))} | ${target} |`;
  const mb = (v: number) => `${v.toFixed(1)} MB`;
  return {
    id: 'startup',
    markdown: [
      `### Backend start-up (${RUNS} launches of dist/datasource/gpx_ledger_linux_amd64)`,
      '',
      '| measure | median | p95 | max | target |',
      '|---|---|---|---|---|',
      row('spawn → handshake line', handshakes, ms, '< 500 ms'),
      row('idle RSS after a health check', rss, mb, '< 100 MB'),
      row('Shutdown RPC → process exit', shutdowns, ms, '< 100 ms'),
    ].join('\n'),
  };
}

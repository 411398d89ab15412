/**
 * Backend start-up as Grafana sees it: spawn → handshake line, spawn → first gRPC answer, and resident memory once
 * idle after a health check. Targets (issue #2): handshake under 500 ms, idle RSS under 100 MB.
 *
 * Two ways of starting the same Node executable, alternated launch by launch so that machine load hits both alike
 * (#17): what Grafana runs now, the static launcher exec-ing the shipped glibc runtime, and what it ran before, the
 * Node executable alone with this machine's glibc. Also the size of what each way ships.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';

import { launchPlugin, pluginExecutable } from '../support/pluginProcess';
import { median, ms, percentile, type BenchSection } from './benchSupport';

const RUNS = 15;

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/** Bytes under a path (a file or a directory). */
function bytes(file: string): number {
  const stat = statSync(file);
  return stat.isDirectory()
    ? readdirSync(file).reduce((sum, entry) => sum + bytes(path.join(file, entry)), 0)
    : stat.size;
}

interface Variant {
  name: string;
  executable: string;
  handshakes: number[];
  firstAnswers: number[];
  rss: number[];
  shutdowns: number[];
}

async function launchOnce(variant: Variant): Promise<void> {
  const started = Date.now();
  const plugin = await launchPlugin({ executable: variant.executable });
  try {
    variant.handshakes.push(plugin.handshakeMs);
    await plugin.unary('health', 'Check', { service: 'plugin' });
    variant.firstAnswers.push(Date.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 300));
    variant.rss.push(rssMb(plugin.child.pid!));
    const { ms: shutdownMs } = await plugin.shutdown();
    variant.shutdowns.push(shutdownMs);
  } finally {
    plugin.kill();
  }
}

/** Runs the start-up benchmark. */
export async function runStartupBench(): Promise<BenchSection> {
  const launcher = pluginExecutable();
  const runtimeDir = path.join(path.dirname(launcher), 'runtime', 'linux_amd64');
  const node = path.join(runtimeDir, 'gpx_ledger_node');
  const variant = (name: string, executable: string): Variant => ({
    name,
    executable,
    handshakes: [],
    firstAnswers: [],
    rss: [],
    shutdowns: [],
  });
  const viaLauncher = variant('launcher + shipped glibc (now)', launcher);
  const direct = variant('Node executable on the host glibc (before #17)', node);
  const loadAtStart = loadavg()[0]!;
  for (let i = 0; i < RUNS; i++) {
    await launchOnce(viaLauncher);
    await launchOnce(direct);
  }
  const mb = (v: number) => `${v.toFixed(1)} MB`;
  const rows = (measure: string, pick: (v: Variant) => number[], unit: (v: number) => string, target: string) =>
    [viaLauncher, direct].map((v) => {
      const values = pick(v);
      const stats = [median(values), percentile(values, 95), Math.max(...values)].map(unit).join(' | ');
      return `| ${measure} | ${v.name} | ${stats} | ${target} |`;
    });
  const shipped = bytes(launcher) + bytes(runtimeDir) - bytes(node);
  return {
    id: 'startup',
    markdown: [
      `### Backend start-up (${RUNS} launches of each, alternated, dist/datasource/gpx_ledger_linux_amd64)`,
      '',
      '| measure | how it starts | median | p95 | max | target |',
      '|---|---|---|---|---|---|',
      ...rows('spawn → handshake line', (v) => v.handshakes, ms, '< 500 ms'),
      ...rows('spawn → first gRPC answer (health)', (v) => v.firstAnswers, ms, ''),
      ...rows('idle RSS after a health check', (v) => v.rss, mb, '< 100 MB'),
      ...rows('Shutdown RPC → process exit', (v) => v.shutdowns, ms, '< 100 ms'),
      '',
      `Size (amd64): the Node executable ${mb(bytes(node) / 1e6)}; added by #17 ${mb(shipped / 1e6)} ` +
        `(launcher ${mb(bytes(launcher) / 1e6)}; glibc loader, libraries and their licence files ` +
        `${mb((shipped - bytes(launcher)) / 1e6)}); arm64 is similar. Load average when it started: ${loadAtStart.toFixed(1)}.`,
    ].join('\n'),
  };
}

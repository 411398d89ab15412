/**
 * What the hardening suites measure about a running plugin: its own metrics (CollectMetrics), file handles and
 * resident memory from /proc, and helpers to wait for a condition or time a batch of calls.
 */
import { readdirSync, readFileSync } from 'node:fs';

import type { PluginUnderTest } from '../../support/pluginProcess';

/** The plugin's Prometheus text, as Grafana scrapes it. */
export async function metricsText(plugin: PluginUnderTest): Promise<string> {
  const response = await plugin.unary('diagnostics', 'CollectMetrics', {
    pluginContext: { pluginId: 'aicodeteam-ledger-datasource' },
  });
  return Buffer.from(response.metrics.prometheus).toString();
}

/** One sample (no labels) of a metric, NaN when absent. */
export function sample(text: string, name: string): number {
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
}

/** Sum of every sample of a metric whose labels contain `labels` (e.g. `endpoint="queryData"`). */
export function sampleSum(text: string, name: string, labels = ''): number {
  let total = 0;
  for (const match of text.matchAll(new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`, 'gm'))) {
    if (labels.split(',').every((label) => label === '' || match[1]!.includes(label))) {
      total += Number(match[2]);
    }
  }
  return total;
}

/** Gauges the leak checks compare before and after a phase. */
export interface ResourceSnapshot {
  fds: number;
  rssMb: number;
  liveStreams: number;
  liveSubscribers: number;
  liveConnections: number;
  activeHandles: number;
  poolClients: number;
  poolIdle: number;
  poolWaiting: number;
  /** Pending timers (Node's active Timeout resources). */
  timers: number;
}

/** Number of open file descriptors of a process. */
export function fdCount(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** Resident set size of a process, MiB. */
export function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb ?? NaN) / 1024;
}

/** Reads the gauges of a running plugin. */
export async function snapshot(plugin: PluginUnderTest): Promise<ResourceSnapshot> {
  const text = await metricsText(plugin);
  const pid = plugin.child.pid!;
  return {
    fds: fdCount(pid),
    rssMb: rssMb(pid),
    liveStreams: sample(text, 'ledger_plugin_live_streams'),
    liveSubscribers: sample(text, 'ledger_plugin_live_subscribers'),
    liveConnections: sample(text, 'ledger_plugin_live_connections'),
    activeHandles: sampleSum(text, 'ledger_plugin_nodejs_active_handles'),
    poolClients: sample(text, 'ledger_plugin_pool_connections'),
    poolIdle: sample(text, 'ledger_plugin_pool_idle_connections'),
    poolWaiting: sample(text, 'ledger_plugin_pool_waiting_requests'),
    timers: sampleSum(text, 'ledger_plugin_nodejs_active_resources', 'type="Timeout"'),
  };
}

/** Polls `check` until it returns true (or throws after `timeoutMs` with `what`). */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Percentile of a list of numbers (nearest rank). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) {
    return NaN;
  }
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Shared helpers for benchmarks: statistics and a description of the machine the figures come from. */
import { cpus, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';

/** One benchmark's contribution to docs/benchmarks.md. */
export interface BenchSection {
  /** Stable id: the section between `<!-- bench:<id> -->` markers is replaced on each run. */
  id: string;
  markdown: string;
  /** The file under docs/ the section goes into (default benchmarks.md). */
  doc?: string;
}

/** Percentile (nearest rank) of numbers. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) {
    return NaN;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** Median of numbers. */
export const median = (values: readonly number[]) => percentile(values, 50);

/** Formats milliseconds for tables. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) {
    return 'n/a';
  }
  return value >= 100 ? `${Math.round(value)} ms` : `${value.toFixed(1)} ms`;
}

/** "2 × Intel Xeon …, 24 GiB, Linux 6.x, Node v20.20.2, PostgreSQL 15.18" */
export function machineDescription(postgresVersion?: string): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  let os = process.platform;
  try {
    os = (readFileSync('/etc/os-release', 'utf8').match(/^PRETTY_NAME="?([^"\n]+)"?/m)?.[1] ?? os) as NodeJS.Platform;
  } catch {
    // not Linux
  }
  const parts = [
    `${cpus().length} × ${cpu}`,
    `${Math.round(totalmem() / 2 ** 30)} GiB RAM`,
    os,
    `Node ${process.version}`,
  ];
  if (postgresVersion) {
    parts.push(`PostgreSQL ${postgresVersion}`);
  }
  return parts.join(', ');
}

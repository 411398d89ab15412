/**
 * `npm run bench`: runs the benchmarks (never part of `npm test`) and writes their results into
 * docs/benchmarks.md (and docs/benchmarks-panels.md), replacing only the sections that ran:
 * `npm run bench -- --only=dashboards --events=1M`. Options: --only=<id>[,<id>]; --events=1M|10M (the ledger sizes
 * of the dashboards benchmark, default both); --width=<px> (dashboard width, default 1920); --repetitions=<n>.
 * Needs a built dist/ (npm run build), Go for the peer, and PostgreSQL (started here when DATABASE_URL is unset).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { machineDescription, type BenchSection } from '../tests/bench/benchSupport';
import { runDashboardsBench } from '../tests/bench/dashboards.bench';
import { runFreshLedgerBench } from '../tests/bench/freshLedger.bench';
import { DEFAULT_VIEWPORT_PX } from '../tests/bench/grafanaPanelRequest';
import { BENCH_TIERS } from '../tests/bench/ledgerBenchData';
import { runLedgerIngestSection } from '../tests/bench/ledgerIngest.bench';
import { runOverheadBench } from '../tests/bench/overhead.bench';
import { runStartupBench } from '../tests/bench/startup.bench';
import { runStreamingBench } from '../tests/bench/streaming.bench';

const root = path.resolve(__dirname, '..');
const option = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const only = option('only')?.split(',');

/** `--events=1M` → the 1m tier; unset → every tier. */
function tiers() {
  const wanted = option('events')?.toLowerCase().split(',');
  const chosen = wanted ? BENCH_TIERS.filter((t) => wanted.includes(t.id)) : BENCH_TIERS;
  if (chosen.length === 0) {
    throw new Error(`--events: expected one of ${BENCH_TIERS.map((t) => t.id.toUpperCase()).join(', ')}`);
  }
  return chosen;
}

function positive(name: string, fallback: number): number {
  const value = option(name);
  if (value === undefined) {
    return fallback;
  }
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) {
    throw new Error(`--${name}: expected a positive integer, got "${value}"`);
  }
  return parsed;
}

const BENCHES: Record<string, () => Promise<BenchSection | BenchSection[]>> = {
  startup: runStartupBench,
  streaming: runStreamingBench,
  // #14: the plugin's own cost per query over PostgreSQL's execution time
  overhead: runOverheadBench,
  // The ledger benchmarks keep their PostgreSQL data directory in node_modules/.cache/ledger-bench: the first run
  // loads ~11M events (minutes), later runs reuse them.
  'ledger-ingest': runLedgerIngestSection,
  // #14: every shipped dashboard, alert rule and start-up, ours against a Grafana-SDK SQL datasource (the peer)
  dashboards: () =>
    runDashboardsBench({
      tiers: tiers(),
      viewport: positive('width', DEFAULT_VIEWPORT_PX),
      repetitions: positive('repetitions', 7),
      budgetMs: 60_000,
    }),
  // #12: a ledger bulk-loaded a moment ago (no statistics), every dashboard query and alert rule, then after ANALYZE
  'fresh-ledger': runFreshLedgerBench,
};

function upsertSection(doc: string, section: BenchSection): string {
  const begin = `<!-- bench:${section.id} -->`;
  const end = `<!-- /bench:${section.id} -->`;
  const block = `${begin}\n${section.markdown}\n${end}`;
  const start = doc.indexOf(begin);
  const stop = doc.indexOf(end);
  if (start >= 0 && stop > start) {
    return doc.slice(0, start) + block + doc.slice(stop + end.length);
  }
  return `${doc.trimEnd()}\n\n${block}\n`;
}

const NEW_DOC: Record<string, string> = {
  'benchmarks.md':
    '# Benchmarks\n\nWritten by `npm run bench` (not part of `npm test`). Each section names what it measures; figures are from the machine below.\n',
  'benchmarks-panels.md':
    '# Benchmarks: every dashboard panel\n\nWritten by `npm run bench -- --only=dashboards`; how it measures, and the whole dashboards, are in [benchmarks.md](benchmarks.md).\n',
};

async function main() {
  const docs = new Map<string, string>();
  const read = (name: string) => {
    const file = path.join(root, 'docs', name);
    return docs.get(name) ?? (existsSync(file) ? readFileSync(file, 'utf8') : (NEW_DOC[name] ?? `# ${name}\n`));
  };
  let doc = read('benchmarks.md');
  const machineLine = `Machine of the latest run: ${machineDescription()} (${new Date().toISOString().slice(0, 10)}).`;
  doc = doc.replace(/^Machine of the latest run: .*$/m, machineLine);
  if (!doc.includes(machineLine)) {
    doc = doc.replace(/^(# Benchmarks\n\n[^\n]*\n)/, `$1\n${machineLine}\n`);
  }
  docs.set('benchmarks.md', doc);
  for (const [id, bench] of Object.entries(BENCHES)) {
    if (only && !only.includes(id)) {
      continue;
    }
    console.log(`bench: ${id}…`);
    const result = await bench();
    for (const section of Array.isArray(result) ? result : [result]) {
      console.log(section.markdown);
      const name = section.doc ?? 'benchmarks.md';
      docs.set(name, upsertSection(read(name), section));
    }
  }
  for (const [name, content] of docs) {
    writeFileSync(path.join(root, 'docs', name), content);
    console.log(`updated docs/${name}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

/**
 * `npm run bench`: runs the benchmarks (never part of `npm test`) and writes their results into
 * docs/benchmarks.md, replacing only the sections that ran: `npm run bench -- --only=startup`.
 * Needs a built dist/ (npm run build) and, for database benchmarks, PostgreSQL (started here when DATABASE_URL is unset).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { machineDescription, type BenchSection } from '../tests/bench/benchSupport';
import { runFreshLedgerBench } from '../tests/bench/freshLedger.bench';
import { runLedgerBench, runLedgerIngestSection } from '../tests/bench/ledger.bench';
import { runOverheadBench } from '../tests/bench/overhead.bench';
import { runStartupBench } from '../tests/bench/startup.bench';
import { runStreamingBench } from '../tests/bench/streaming.bench';

const root = path.resolve(__dirname, '..');
const docPath = path.join(root, 'docs', 'benchmarks.md');
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',');

const BENCHES: Record<string, () => Promise<BenchSection>> = {
  startup: runStartupBench,
  streaming: runStreamingBench,
  // #14: the plugin's own cost per query over PostgreSQL's execution time
  overhead: runOverheadBench,
  // The ledger benchmarks keep their PostgreSQL data directory in node_modules/.cache/ledger-bench: the first run
  // loads ~11M events (minutes), later runs reuse them.
  'ledger-ingest': runLedgerIngestSection,
  ledger: runLedgerBench,
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

async function main() {
  let doc = existsSync(docPath)
    ? readFileSync(docPath, 'utf8')
    : '# Benchmarks\n\nWritten by `npm run bench` (not part of `npm test`). Each section names what it measures; figures are from the machine below.\n';
  const machineLine = `Machine of the latest run: ${machineDescription()} (${new Date().toISOString().slice(0, 10)}).`;
  doc = doc.replace(/^Machine of the latest run: .*$/m, machineLine);
  if (!doc.includes(machineLine)) {
    doc = doc.replace(/^(# Benchmarks\n\n[^\n]*\n)/, `$1\n${machineLine}\n`);
  }
  for (const [id, bench] of Object.entries(BENCHES)) {
    if (only && !only.includes(id)) {
      continue;
    }
    console.log(`bench: ${id}…`);
    const section = await bench();
    console.log(section.markdown);
    doc = upsertSection(doc, section);
  }
  writeFileSync(docPath, doc);
  console.log(`updated ${path.relative(root, docPath)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

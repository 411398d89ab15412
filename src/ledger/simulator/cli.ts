/**
 * `npm run simulate -- [options]`: writes a simulated AI coding team's ledger (README.md beside this file).
 *
 *   --scenario <name>   steady (default), failure-spike, queue-backlog, token-spike, worker-down, escalation-storm,
 *                       slow-tools; --list shows them
 *   --seed <n>          PRNG seed (default 42): same seed, same scenario, same window → the same events
 *   --scale <x>         multiplies the job rate and the number of workers (default 1)
 *   --bulk              writes the window [from, to) to DATABASE_URL as fast as possible (COPY), then ANALYZE
 *   --live              backfills --backfill (default: the scenario's) and then writes in real time, forever
 *   --out <file|->      writes the window as JSON lines (first line: scenario, seed and window) instead
 *   --from, --to        ISO 8601 window bounds; --window <dur> its length (default: the scenario's, ending now)
 *   --migrate           applies the ledger migrations first (connect as the schema owner)
 *   --batch <n>         events per COPY in --bulk (default 50000)
 * Exit codes: 0 done (or stopped by SIGINT/SIGTERM in --live), 1 failure, 2 bad usage.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { migrate } from '../migrate';
import { bulkLoad, DEFAULT_BULK_BATCH } from './bulk';
import { simulate } from './engine';
import { runLive } from './live';
import { loadScenario, SCENARIO_LIBRARY, SCENARIO_NAMES, SLOW_DATABASE_SKIPPED } from './scenarios/index';
import { parseDuration, type Scenario } from './scenario';
import { resolveWindow, windowHeader } from './window';

class UsageError extends Error {}

/** Runs a parser of command-line values; its complaint is a usage error (exit 2). */
function usage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

const OPTIONS = {
  scenario: { type: 'string', default: 'steady' },
  seed: { type: 'string', default: '42' },
  scale: { type: 'string', default: '1' },
  bulk: { type: 'boolean', default: false },
  live: { type: 'boolean', default: false },
  out: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  window: { type: 'string' },
  backfill: { type: 'string' },
  migrate: { type: 'boolean', default: false },
  batch: { type: 'string' },
  list: { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
} as const;

function number(text: string, flag: string, check: (n: number) => boolean): number {
  const value = Number(text);
  if (!Number.isFinite(value) || !check(value)) {
    throw new UsageError(`${flag} must be a valid number (got "${text}")`);
  }
  return value;
}

function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new UsageError('DATABASE_URL is not set (e.g. postgres://worker:…@localhost:5432/ledger)');
  }
  return url;
}

async function writeJsonLines(file: string, header: string, events: Iterable<unknown>): Promise<number> {
  const stream = file === '-' ? process.stdout : createWriteStream(file);
  let count = 0;
  const write = async (line: string) => {
    if (!stream.write(`${line}\n`)) {
      await once(stream, 'drain');
    }
  };
  await write(header);
  for (const event of events) {
    await write(JSON.stringify(event));
    count++;
  }
  if (stream !== process.stdout) {
    stream.end();
    await once(stream, 'finish');
  }
  return count;
}

async function runBulk(
  scenario: Scenario,
  seed: number,
  scale: number,
  window: { from: number; to: number },
  batch: number
) {
  const url = databaseUrl();
  const clients = [new pg.Client({ connectionString: url }), new pg.Client({ connectionString: url })];
  await Promise.all(clients.map((c) => c.connect()));
  try {
    let shown = 0;
    const result = await bulkLoad(clients, simulate({ scenario, seed, scale, start: window.from, end: window.to }), {
      batchSize: batch,
      onProgress: (written) => {
        if (written - shown >= 500_000) {
          shown = written;
          console.error(`simulate: ${written.toLocaleString('en-US')} events…`);
        }
      },
    });
    console.error(
      `simulate: wrote ${result.events.toLocaleString('en-US')} events in ${result.seconds.toFixed(1)} s ` +
        `(${Math.round(result.events / result.seconds).toLocaleString('en-US')} events/s), ` +
        `analyzed in ${result.analyzeSeconds.toFixed(1)} s`
    );
  } finally {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  }
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: OPTIONS, strict: true });
  if (values.help) {
    console.log('usage: npm run simulate -- --scenario <name> [--seed n] [--scale x] (--bulk | --live | --out file) …');
    console.log('see src/ledger/simulator/README.md');
    return 0;
  }
  if (values.list) {
    for (const name of SCENARIO_NAMES) {
      const scenario = loadScenario(name);
      console.log(`${name.padEnd(18)} window ${scenario.window.padEnd(4)} ${scenario.description}`);
    }
    return 0;
  }
  const modes = [values.bulk, values.live, values.out !== undefined].filter(Boolean).length;
  if (modes !== 1) {
    throw new UsageError('choose exactly one of --bulk, --live or --out <file>');
  }
  if (values.scenario === 'slow-database') {
    throw new UsageError(SLOW_DATABASE_SKIPPED);
  }
  if (!(values.scenario in SCENARIO_LIBRARY)) {
    throw new UsageError(`unknown scenario "${values.scenario}": one of ${SCENARIO_NAMES.join(', ')}`);
  }
  const scenario = loadScenario(values.scenario);
  const seed = number(values.seed, '--seed', Number.isInteger);
  const scale = number(values.scale, '--scale', (n) => n > 0);
  if (values.migrate) {
    const { applied, version } = await migrate(databaseUrl());
    console.error(`simulate: ledger schema at version ${version} (${applied.length} applied)`);
  }
  if (values.live) {
    const controller = new AbortController();
    process.once('SIGINT', () => controller.abort());
    process.once('SIGTERM', () => controller.abort());
    const backfill = values.backfill;
    const backfillMs = backfill !== undefined ? usage(() => parseDuration(backfill)) : undefined;
    const result = await runLive({
      url: databaseUrl(),
      scenario,
      seed,
      scale,
      backfillMs,
      signal: controller.signal,
      log: (line) => console.error(`simulate: ${line}`),
    });
    console.error(`simulate: stopped after ${result.events} events (${result.reconnects} reconnects)`);
    return 0;
  }
  const window = usage(() => resolveWindow(scenario, values, Date.now()));
  const header = windowHeader(scenario, seed, scale, window);
  console.error(`simulate: ${header}`);
  if (values.out !== undefined) {
    const count = await writeJsonLines(
      values.out,
      header,
      simulate({ scenario, seed, scale, start: window.from, end: window.to })
    );
    console.error(`simulate: ${count} events`);
    return 0;
  }
  const batch =
    values.batch !== undefined
      ? number(values.batch, '--batch', (n) => Number.isInteger(n) && n > 0)
      : DEFAULT_BULK_BATCH;
  await runBulk(scenario, seed, scale, window, batch);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const usage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    console.error(`simulate: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = usage ? 2 : 1;
  }
);

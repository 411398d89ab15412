/**
 * `npm test`: every suite, cheapest first, failing fast.
 *
 *   typecheck → lint → compat (levitate: the Grafana floor and the newest Grafana) → frontend unit (Jest) → build (frontend + backend executables) → node:test suites
 *   (unit, integration against real PostgreSQL, contract tests that launch dist/ as Grafana does, browser tests in
 *   Chromium) → conformance (Grafana's own Go SDK client against dist/).
 *
 * One throwaway PostgreSQL server serves the whole run (tests create a database each), unless DATABASE_URL points
 * at one. Options: --only=<stage>[,<stage>] (typecheck, lint, compat, jest, build, node, conformance), --skip=<stage>,
 * and file filters after `--` for the node stage (e.g. `npm test -- --only=node -- src/backend/frames`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

import { startCluster, type TestCluster } from '../tests/support/postgres';

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const listArg = (name: string) =>
  args
    .filter((a) => a.startsWith(`--${name}=`))
    .flatMap((a) => a.slice(name.length + 3).split(','))
    .filter(Boolean);
const only = listArg('only');
const skip = listArg('skip');
const separator = args.indexOf('--');
const fileFilters = separator >= 0 ? args.slice(separator + 1) : [];
const wanted = (stage: string) => (only.length === 0 || only.includes(stage)) && !skip.includes(stage);

interface StageResult {
  stage: string;
  ok: boolean;
  seconds: number;
}
const results: StageResult[] = [];

function run(
  stage: string,
  cmd: string,
  cmdArgs: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  cwd = root
): boolean {
  const started = Date.now();
  console.log(`\n=== ${stage}: ${cmd} ${cmdArgs.join(' ')}`);
  const result = spawnSync(cmd, cmdArgs, { cwd, env, stdio: 'inherit' });
  if (result.error) {
    console.error(`${stage}: could not run ${cmd}: ${result.error.message}`);
  }
  const ok = result.status === 0;
  results.push({ stage, ok, seconds: (Date.now() - started) / 1000 });
  return ok;
}

/**
 * The conformance suite, verbose so that every skipped check is named in the log; in CI a skip fails the stage (a
 * check that did not run proves nothing). Passing subtests are not echoed: hundreds of lines that say nothing.
 */
function runConformance(cwd: string, env: NodeJS.ProcessEnv): boolean {
  const started = Date.now();
  console.log('\n=== conformance: go test -count=1 -v ./...');
  const result = spawnSync('go', ['test', '-count=1', '-v', './...'], {
    cwd,
    env,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const lines = `${result.stdout ?? ''}${result.stderr ?? ''}`.split('\n');
  const quiet = /^\s*(=== (RUN|PAUSE|CONT|NAME)|--- PASS)/;
  lines.filter((line) => !quiet.test(line)).forEach((line) => console.log(line));
  const skipped = lines.filter((line) => /^\s*--- SKIP/.test(line));
  let ok = result.status === 0;
  if (skipped.length > 0 && env.CI) {
    console.error(`conformance: ${skipped.length} check(s) skipped; in CI every check must run`);
    ok = false;
  }
  results.push({ stage: 'conformance', ok, seconds: (Date.now() - started) / 1000 });
  return ok;
}

/** node:test files: unit tests beside the code (backend, ledger, contract) and the suites under tests/. */
function nodeTestFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) {
      return;
    }
    for (const entry of readdirSync(dir)) {
      const full = path.join(dir, entry);
      if (entry === 'node_modules' || entry === 'conformance') {
        continue;
      }
      if (statSync(full).isDirectory()) {
        walk(full);
      } else if (/\.test\.ts$/.test(entry)) {
        files.push(path.relative(root, full));
      }
    }
  };
  ['src/backend', 'src/ledger', 'src/contract', 'tests'].forEach((dir) => walk(path.join(root, dir)));
  return files.filter((file) => fileFilters.length === 0 || fileFilters.some((filter) => file.includes(filter))).sort();
}

function summary(): void {
  console.log('\n=== summary');
  for (const r of results) {
    console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.stage.padEnd(12)} ${r.seconds.toFixed(1)} s`);
  }
  const failed = results.filter((r) => !r.ok).length;
  console.log(`${results.length - failed} passed, ${failed} failed (stages)`);
}

async function main(): Promise<number> {
  const npx = (bin: string, binArgs: string[]) =>
    ['node', [path.join(root, 'node_modules', '.bin', bin), ...binArgs]] as const;
  if (wanted('typecheck') && !run('typecheck', 'npm', ['run', '--silent', 'typecheck'])) {
    return 1;
  }
  if (wanted('lint') && !run('lint', 'npm', ['run', '--silent', 'lint'])) {
    return 1;
  }
  if (wanted('compat') && !run('compat', ...npx('tsx', ['scripts/compat.ts']))) {
    return 1;
  }
  if (wanted('jest') && !run('jest', ...npx('jest', ['--passWithNoTests', '--maxWorkers', '2', '--silent']))) {
    return 1;
  }
  if (wanted('build') && !run('build', 'npm', ['run', '--silent', 'build'])) {
    return 1;
  }

  let cluster: TestCluster | undefined;
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (!env.DATABASE_URL && (wanted('node') || wanted('conformance'))) {
    cluster = await startCluster();
    env.LEDGER_TEST_ADMIN_URL = cluster.adminUrl;
    console.log(`\n(test PostgreSQL on port ${cluster.port})`);
  }
  try {
    if (wanted('node')) {
      const files = nodeTestFiles();
      const nodeArgs = ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files];
      if (!run('node', process.execPath, nodeArgs, env)) {
        return 1;
      }
    }
    const conformance = path.join(root, 'tests', 'conformance');
    if (wanted('conformance') && existsSync(path.join(conformance, 'go.mod'))) {
      if (!runConformance(conformance, { ...env, LEDGER_ROOT: root })) {
        return 1;
      }
    }
  } finally {
    cluster?.stop();
  }
  return 0;
}

main()
  .then((code) => {
    summary();
    process.exit(code);
  })
  .catch((error: unknown) => {
    console.error(error);
    summary();
    process.exit(1);
  });

/**
 * Hostile input over the whole gRPC surface (#9): a seeded fuzzer (support/fuzzCases.ts) sends mutated protobuf
 * messages, hostile query JSON, resource paths and bodies, stream paths and settings to every pluginv2 method of the
 * built executable. Budget here: 2,000 cases (npm run soak runs more seeds, longer). Afterwards: no crash, no hang,
 * no unclassified or plugin-side failure, no error-level or raw log line, nothing left running, and the ledger
 * byte-for-byte unchanged. A finding prints its seed, case number and request bytes: replay it, then make it a test
 * under tests/regressions/.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';

import { launchPlugin, type PluginUnderTest } from '../support/pluginProcess';
import { runFuzz } from './support/fuzzRunner';
import { READER_PASSWORD, startLedgerServer, type LedgerServer } from './support/ledgerServer';
import { livePathOf } from './support/liveStream';
import { snapshot, waitUntil } from './support/observe';

const FUZZ_SEED = 20_261_129;
const FUZZ_CASES = 2_000;

let server: LedgerServer;
let plugin: PluginUnderTest;
let stateDir: string;

before(async () => {
  server = await startLedgerServer({ seedHours: 0.5 });
  stateDir = mkdtempSync(path.join(tmpdir(), 'hardening-fuzz-'));
  plugin = await launchPlugin({ env: { LEDGER_STATE_DIR: stateDir } });
});

after(() => {
  plugin?.kill();
  server?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

it(`survives ${FUZZ_CASES} hostile requests (seed ${FUZZ_SEED}) and leaves the ledger unchanged`, async () => {
  const context = server.context({ uid: 'fuzz', jsonData: { statementTimeoutMs: 3_000, connectTimeoutMs: 2_000 } });
  const livePath = await livePathOf(plugin, context, 'fuzz', { queryType: 'metrics', metric: 'job.completed' });
  const before = await server.checksum();

  const report = await runFuzz(
    plugin,
    { context, jobIds: server.jobIds, livePath },
    { seed: FUZZ_SEED, cases: FUZZ_CASES }
  );
  console.log(
    `fuzz: ${report.cases} cases in ${report.ms} ms, slowest ${report.slowestMs} ms, outcomes ${JSON.stringify(report.codes)}`
  );
  assert.deepEqual(report.findings, [], 'every answer acceptable');
  assert.equal(report.cases, FUZZ_CASES);

  assert.equal(plugin.child.exitCode, null, 'the process is alive');
  assert.equal((await plugin.unary('health', 'Check', { service: 'plugin' })).status, 'SERVING');
  const health = await plugin.unary('diagnostics', 'CheckHealth', { pluginContext: context });
  assert.equal(health.status, 'OK', health.message);
  await waitUntil(async () => (await snapshot(plugin)).liveStreams === 0, 10_000, 'fuzzed streams to stop');
  assert.equal((await snapshot(plugin)).poolWaiting, 0);
  assert.equal(await server.checksum(), before, 'the ledger is byte-for-byte unchanged');
  const lines = plugin.stderr.map((line) => {
    assert.ok(line.startsWith('{'), `raw stderr line: ${line.slice(0, 300)}`);
    return JSON.parse(line) as Record<string, string>;
  });
  assert.deepEqual(
    lines.filter((line) => line['@level'] === 'error' || /uncaught|unhandled/.test(line['@message'] ?? '')),
    [],
    'no error-level line'
  );
  assert.equal(plugin.stderr.join('\n').includes(READER_PASSWORD), false, 'the password is never logged');
});

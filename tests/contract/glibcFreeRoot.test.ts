/**
 * #17: Grafana's default image is Alpine (musl), with no glibc. The plugin must start and serve there by the file
 * name Grafana execs (gpx_ledger_linux_<arch>), with nothing installed. Proven in a root file system that holds no C
 * library at all outside the plugin's own runtime directory (tests/support/glibc-free-root.sh), for amd64 and for
 * arm64 under user-mode emulation: handshake and health; Save & test over TLS (CA checked) to a host name that only
 * the root's /etc/hosts knows; and day buckets in a time zone across a daylight-saving change, which need the time
 * zone data the runtime carries (the root has no /usr/share/zoneinfo). The conformance suite runs its health,
 * QueryData and streaming checks in the same kind of root (tests/conformance/glibcfree_test.go).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { lookup } from 'node:dns/promises';
import { after, before, describe, it } from 'node:test';
import { tableFromIPC } from 'apache-arrow';

import { READER_PASSWORD, startLedgerServer, type LedgerServer } from '../hardening/support/ledgerServer';
import { makeTlsMaterial, type TlsMaterial } from '../hardening/support/tls';
import { makeGlibcFreeRoot, missingForArch, PLUGIN_MOUNT, type GlibcFreeRoot } from '../support/glibcFreeRoot';
import { dataQuery, datasourceContext } from '../support/grafanaRequests';
import { grafanaPluginEnv, launchPlugin, pluginExecutable, type PluginUnderTest } from '../support/pluginProcess';

const HOUR = 3_600_000;
/** A host name only the root's /etc/hosts knows (127.0.0.1). */
const ROOT_ONLY_HOST = 'ledger-db.test';
/** The EU switch to summer time in 2026: Sunday 29 March, 01:00 UTC (CET +1 → CEST +2). */
const BERLIN_DST_START = Date.parse('2026-03-29T01:00:00Z');
const berlinOffset = (t: number) => (t < BERLIN_DST_START ? 1 : 2) * HOUR;
/** Three Berlin days: 28, 29 (23 hours long) and 30 March 2026. */
const RANGE = { from: Date.parse('2026-03-27T23:00:00Z'), to: Date.parse('2026-03-30T22:00:00Z') };
/** Completions placed where Berlin's calendar and UTC's disagree on the day. */
const COMPLETIONS = [
  '2026-03-28T10:00:00Z',
  '2026-03-28T23:30:00Z',
  '2026-03-29T21:30:00Z',
  '2026-03-29T22:30:00Z',
].map(Date.parse);

/** The oracle: each completion's Berlin day, as the UTC instant of that day's local midnight, and counts per day. */
function berlinDailyCounts(): Array<[string, number]> {
  const DAY = 24 * HOUR;
  const localMidnightUtc = (t: number) => {
    const localDay = Math.floor((t + berlinOffset(t)) / DAY) * DAY;
    // Midnight is never inside the 01:00–03:00 switch, so the offset one hour before it is the one at it.
    return localDay - berlinOffset(localDay - 2 * HOUR);
  };
  const days = new Map<number, number>();
  for (let day = RANGE.from; day < RANGE.to; day = localMidnightUtc(day + 25 * HOUR)) {
    days.set(day, 0);
  }
  for (const t of COMPLETIONS) {
    const day = localMidnightUtc(t);
    days.set(day, days.get(day)! + 1);
  }
  return [...days].map(([day, count]) => [new Date(day).toISOString(), count]);
}

let server: LedgerServer;
let tls: TlsMaterial;
let root: GlibcFreeRoot;

before(async () => {
  server = await startLedgerServer({ seedHours: 0 });
  tls = makeTlsMaterial();
  await tls.enableOn(server.cluster, server.cluster.adminUrl);
  await server.append(
    COMPLETIONS.map((t, i) => ({ kind: 'job.completed' as const, occurredAt: new Date(t), jobId: `tz-${i}` }))
  );
  root = makeGlibcFreeRoot();
});

after(() => {
  root?.remove();
  tls?.remove();
  server?.close();
});

it('the root holds no C library outside the plugin, and cannot run the Node executable directly', async () => {
  const found = root
    .busybox(
      `find / \\( -path /proc -o -path /dev -o -path /sys \\) -prune -o ` +
        `\\( -name 'libc.so*' -o -name 'libc.musl*' -o -name 'ld-linux*' -o -name 'ld-musl*' -o -name 'ld_linux_*' \\) -print`
    )
    .trim()
    .split('\n')
    .sort();
  const runtime = `${PLUGIN_MOUNT}/datasource/runtime`;
  // Finding the plugin's own copies shows the search looks where it should.
  assert.ok(found.includes(`${runtime}/linux_amd64/lib/libc.so.6`), found.join('\n'));
  assert.deepEqual(
    found.filter((file) => !file.startsWith(`${runtime}/`)),
    [],
    'no C library or loader outside the plugin runtime'
  );
  // What the plugin shipped before #17: a glibc executable, which this root cannot start (its loader is missing).
  const direct = root.busybox(`${runtime}/linux_amd64/gpx_ledger_node 2>&1; echo "exit $?"`);
  assert.match(direct.trim(), /gpx_ledger_node: not found\nexit 127$/);
  // The host name resolves inside the root only, so the TLS check below resolves it from the root's /etc/hosts.
  await assert.rejects(lookup(ROOT_ONLY_HOST));
});

it('the launcher without its runtime says what is missing in a line Grafana logs as an error, and exits 1', () => {
  const alone = mkdtempSync(path.join(tmpdir(), 'ledger-launcher-alone-'));
  try {
    const launcher = path.join(alone, 'gpx_ledger_linux_amd64');
    copyFileSync(pluginExecutable(), launcher);
    const run = spawnSync(launcher, [], { env: grafanaPluginEnv(), encoding: 'utf8' });
    assert.equal(run.status, 1);
    assert.equal(run.stdout, '', 'no handshake');
    const line = JSON.parse(run.stderr.trim()) as Record<string, string>;
    assert.equal(line['@level'], 'error');
    assert.match(line['@timestamp']!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}/);
    assert.ok(
      line['@message']!.includes(path.join(alone, 'runtime', 'linux_amd64', 'ld_linux_amd64')),
      line['@message']
    );
  } finally {
    rmSync(alone, { recursive: true, force: true });
  }
});

for (const arch of ['amd64', 'arm64'] as const) {
  describe(`gpx_ledger_linux_${arch} in the root without glibc`, () => {
    // Under emulation every step is far slower: generous limits (no timing is asserted).
    const slow = arch === 'arm64' && process.arch !== 'arm64';
    const deadlineMs = slow ? 120_000 : 30_000;
    let plugin: PluginUnderTest | undefined;

    before(async () => {
      const missing = missingForArch(arch);
      if (missing) {
        // Each test below then says why it is skipped.
        assert.ok(!process.env.CI, `${missing}: required in CI (.ci/run installs it)`);
        return;
      }
      plugin = await launchPlugin({
        executable: root.executable(arch),
        wrapper: root.wrapper(arch),
        socketRoot: root.dir,
        handshakeTimeoutMs: deadlineMs,
      });
    });

    after(() => plugin?.kill());

    it('handshakes with a private unix socket in the root’s /tmp and answers go-plugin’s health check', async (t) => {
      if (!plugin) {
        return t.skip(missingForArch(arch));
      }
      assert.match(plugin.handshake, /^1\|2\|unix\|\/tmp\/gpx_ledger-[^|/]+\/plugin\.sock\|grpc$/);
      const mode = spawnSync('stat', ['-c', '%a', `${root.dir}${plugin.handshake.split('|')[3]}`], {
        encoding: 'utf8',
      });
      assert.equal(mode.stdout.trim(), '600');
      const health = await plugin.unary('health', 'Check', { service: 'plugin' }, { deadlineMs });
      assert.equal(health.status, 'SERVING');
    });

    it('connects over TLS with the CA checked, to a host from the root’s /etc/hosts', async (t) => {
      if (!plugin) {
        return t.skip(missingForArch(arch));
      }
      const url = new URL(server.readerUrl);
      url.hostname = ROOT_ONLY_HOST;
      const pluginContext = datasourceContext({
        url: url.toString(),
        uid: `glibc-free-${arch}`,
        jsonData: { sslmode: 'verify-ca' },
      });
      (
        pluginContext.dataSourceInstanceSettings as { decryptedSecureJsonData: Record<string, string> }
      ).decryptedSecureJsonData = {
        password: READER_PASSWORD,
        tlsCACert: tls.ca,
      };
      const check = await plugin.unary('diagnostics', 'CheckHealth', { pluginContext }, { deadlineMs });
      assert.equal(check.status, 'OK', check.message);
      const response = await plugin.unary(
        'data',
        'QueryData',
        {
          pluginContext,
          queries: [
            dataQuery(
              'A',
              { queryType: 'sql', rawSql: 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()' },
              RANGE
            ),
          ],
        },
        { deadlineMs }
      );
      assert.equal(response.responses.A.status, 200, response.responses.A.error);
      const ssl = tableFromIPC(response.responses.A.frames[0]).getChild('ssl')!.toArray();
      assert.deepEqual([...ssl], [true], 'the session PostgreSQL sees is encrypted');
    });

    it('buckets days by Berlin’s calendar across the switch to summer time', async (t) => {
      if (!plugin) {
        return t.skip(missingForArch(arch));
      }
      const response = await plugin.unary(
        'data',
        'QueryData',
        {
          pluginContext: server.context({ uid: `glibc-free-tz-${arch}` }),
          queries: [
            dataQuery(
              'A',
              { queryType: 'metrics', metric: 'job.completed', format: 'timeseries', timezone: 'Europe/Berlin' },
              RANGE,
              24 * HOUR
            ),
          ],
        },
        { deadlineMs }
      );
      assert.equal(response.responses.A.status, 200, JSON.stringify(response.responses.A.error));
      const table = tableFromIPC(response.responses.A.frames[0]);
      const times = Array.from(table.getChildAt(0)!.toArray() as BigInt64Array, (ns) =>
        new Date(Number(ns / 1_000_000n)).toISOString()
      );
      const values = Array.from(table.getChildAt(1)!.toArray() as Float64Array);
      assert.deepEqual(
        times.map((time, i) => [time, values[i]]),
        berlinDailyCounts()
      );
    });

    it('stops on go-plugin’s Shutdown with exit code 0', async (t) => {
      if (!plugin) {
        return t.skip(missingForArch(arch));
      }
      const { code } = await plugin.shutdown();
      assert.equal(code, 0);
    });
  });
}

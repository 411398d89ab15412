/**
 * The arm64 Node executable, run under user-mode emulation through the glibc loader and libraries shipped beside it
 * (dist/datasource/runtime/linux_arm64, what the launcher gpx_ledger_linux_arm64 execs): it must handshake and answer
 * like the amd64 one. Proves the blob made on x64 works when injected into the arm64 Node binary, and that the
 * shipped arm64 runtime is complete. The launcher itself is run under emulation by glibcFreeRoot.test.ts (an arm64
 * program that execs another needs binfmt_misc, which that test registers in a namespace of its own). Skipped only
 * outside CI when the emulator is not installed.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';

import { REPO_ROOT, launchPlugin } from '../support/pluginProcess';

const QEMU = '/usr/bin/qemu-aarch64-static';
const RUNTIME = path.join(REPO_ROOT, 'dist', 'datasource', 'runtime', 'linux_arm64');

it('the arm64 executable handshakes and serves health and CheckHealth under emulation', async (t) => {
  if (!existsSync(QEMU)) {
    if (process.env.CI) {
      assert.fail('qemu-user-static is required in CI (.ci/run installs it)');
    }
    t.skip('qemu-aarch64-static is not installed');
    return;
  }
  const plugin = await launchPlugin({
    executable: path.join(RUNTIME, 'gpx_ledger_node'),
    wrapper: [QEMU, path.join(RUNTIME, 'ld_linux_arm64'), '--library-path', path.join(RUNTIME, 'lib')],
    handshakeTimeoutMs: 120_000,
  });
  try {
    assert.match(plugin.handshake, /^1\|2\|unix\|\/[^|]+\/plugin\.sock\|grpc$/);
    const health = await plugin.unary('health', 'Check', { service: 'plugin' }, { deadlineMs: 60_000 });
    assert.equal(health.status, 'SERVING');
    const check = await plugin.unary(
      'diagnostics',
      'CheckHealth',
      { pluginContext: { orgId: 1, pluginId: 'x' } },
      { deadlineMs: 120_000 }
    );
    assert.equal(check.status, 'ERROR');
    assert.match(check.message, /^\[config\] the request carries no datasource settings/);
    const { code } = await plugin.shutdown();
    assert.equal(code, 0);
  } finally {
    plugin.kill();
  }
});

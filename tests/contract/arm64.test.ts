/**
 * The arm64 executable, run under user-mode emulation (qemu-aarch64-static with Debian's arm64 C libraries): it must
 * handshake and answer like the amd64 one. Proves the blob made on x64 works when injected into the arm64 Node
 * binary. Skipped only outside CI when the emulator is not installed.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';

import { REPO_ROOT, launchPlugin } from '../support/pluginProcess';

const QEMU = '/usr/bin/qemu-aarch64-static';
const ARM64_LIBS = '/usr/aarch64-linux-gnu';

it('the arm64 executable handshakes and serves health and CheckHealth under emulation', async (t) => {
  if (!existsSync(QEMU) || !existsSync(ARM64_LIBS)) {
    if (process.env.CI) {
      assert.fail('qemu-user-static and libc6-arm64-cross are required in CI (.ci/run installs them)');
    }
    t.skip('qemu-aarch64-static or the arm64 C libraries are not installed');
    return;
  }
  const plugin = await launchPlugin({
    executable: path.join(REPO_ROOT, 'dist', 'datasource', 'gpx_ledger_linux_arm64'),
    wrapper: [QEMU],
    env: { QEMU_LD_PREFIX: ARM64_LIBS },
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

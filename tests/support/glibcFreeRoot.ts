/**
 * A root file system without any C library (tests/support/glibc-free-root.sh), and how to launch the plugin inside
 * it by the file name Grafana execs, for the contract tests and the bench.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { REPO_ROOT } from './pluginProcess';

const SCRIPT = path.join(REPO_ROOT, 'tests', 'support', 'glibc-free-root.sh');
/** Where Grafana's image has the plugin folder; the script mounts dist/ there. */
export const PLUGIN_MOUNT = '/var/lib/grafana/plugins/aicodeteam-ledger-app';
const QEMU = '/usr/bin/qemu-aarch64-static';

/** A root made for one test file; `remove()` deletes it. */
export interface GlibcFreeRoot {
  dir: string;
  /** The launcher Grafana execs for `arch`, as a path inside the root. */
  executable(arch: 'amd64' | 'arm64'): string;
  /** launchPlugin's `wrapper`: enters the root (namespaces, mounts, chroot) and execs the executable. */
  wrapper(arch: 'amd64' | 'arm64'): string[];
  /** Runs a busybox command line inside the root; returns its stdout (add 2>&1 for its stderr). */
  busybox(script: string): string;
  remove(): void;
}

/** Why `arch` cannot be run in a root on this machine, or undefined when it can. */
export function missingForArch(arch: 'amd64' | 'arm64'): string | undefined {
  if (arch === 'arm64' && process.arch !== 'arm64' && !existsSync(QEMU)) {
    return `${QEMU} is not installed (Debian package qemu-user-static)`;
  }
  return undefined;
}

/** Makes a root under the temp dir with the plugin folder (dist/ by default) mounted in it when entered. */
export function makeGlibcFreeRoot(pluginDir = path.join(REPO_ROOT, 'dist')): GlibcFreeRoot {
  const dir = mkdtempSync(path.join(tmpdir(), 'ledger-glibc-free-'));
  execFileSync(SCRIPT, ['create', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  const wrapper = (arch: 'amd64' | 'arm64') => [SCRIPT, 'run', dir, arch, pluginDir];
  return {
    dir,
    executable: (arch) => `${PLUGIN_MOUNT}/datasource/gpx_ledger_linux_${arch}`,
    wrapper,
    busybox: (script) =>
      execFileSync(SCRIPT, ['run', dir, 'amd64', pluginDir, '/bin/busybox', 'sh', '-c', script], {
        encoding: 'utf8',
        env: {},
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

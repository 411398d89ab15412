/**
 * The package a user installs: dist/ laid out as Grafana's docs describe (the folder renamed to the plugin id and
 * zipped), checked the way Grafana and its plugin validator look at it. Grafana's validator itself (plugincheck2) is
 * not available through the Go module proxy, so its structural rules are restated here: nested plugins declared
 * with type and path, every file a plugin.json names present, backend executables present and executable, links in
 * the shipped README that resolve on the plugin page, real LICENSE and CHANGELOG.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

const ROOT = path.resolve(__dirname, '..', '..');
const DIST = path.join(ROOT, 'dist');
const APP_ID = 'aicodeteam-ledger-app';

type Json = Record<string, any>;
const readJson = (file: string): Json => JSON.parse(readFileSync(file, 'utf8')) as Json;

/** Every plugin.json in the package, by path relative to the package root. */
function pluginJsons(dir: string, prefix = ''): Map<string, Json> {
  const found = new Map<string, Json>();
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) {
      pluginJsons(full, `${prefix}${entry}/`).forEach((value, key) => found.set(key, value));
    } else if (entry === 'plugin.json') {
      found.set(`${prefix}plugin.json`, readJson(full));
    }
  }
  return found;
}

/** Markdown link and image targets: [text](target) and ![alt](target). */
function markdownTargets(markdown: string): string[] {
  return [...markdown.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]!);
}

describe('the package Grafana installs (dist/ as <plugin id>/)', () => {
  let work: string;
  let pkg: string;
  let plugins: Map<string, Json>;

  before(() => {
    assert.ok(existsSync(path.join(DIST, 'plugin.json')), 'dist/ is built (npm run build)');
    work = mkdtempSync(path.join(tmpdir(), 'ledger-package-'));
    pkg = path.join(work, APP_ID);
    // As Grafana's docs package a plugin: the build folder renamed to the plugin id, zipped with its folder.
    execFileSync('cp', ['-a', DIST, pkg]);
    execFileSync('zip', ['-qr', `${APP_ID}.zip`, APP_ID], { cwd: work });
    rmSync(pkg, { recursive: true });
    execFileSync('unzip', ['-q', `${APP_ID}.zip`], { cwd: work });
    plugins = pluginJsons(pkg);
  });

  after(() => rmSync(work, { recursive: true, force: true }));

  it('has the app at the root and the datasource nested, each declared by the app with type and path', () => {
    assert.deepEqual([...plugins.keys()].sort(), ['datasource/plugin.json', 'plugin.json']);
    const app = plugins.get('plugin.json')!;
    assert.equal(app.id, APP_ID);
    assert.equal(app.type, 'app');
    for (const [nestedPath, nested] of plugins) {
      if (nestedPath === 'plugin.json') {
        continue;
      }
      const include = (app.includes as Json[]).find((i) => i.path === nestedPath);
      assert.ok(include, `the app's includes declare ${nestedPath} by its path`);
      assert.equal(include.type, nested.type, `${nestedPath} is included as a ${nested.type}`);
    }
  });

  it('has every file a plugin.json names: modules, logos, screenshots, dashboards, backend executables', () => {
    for (const [jsonPath, meta] of plugins) {
      const dir = path.join(pkg, path.dirname(jsonPath));
      const named = [
        'module.js',
        ...Object.values<string>(meta.info?.logos ?? {}),
        ...(meta.info?.screenshots ?? []).map((s: Json) => s.path as string),
        ...(meta.includes ?? [])
          .filter((i: Json) => i.type === 'dashboard' || i.type === 'datasource')
          .map((i: Json) => i.path as string),
      ];
      for (const file of named) {
        assert.ok(existsSync(path.join(dir, file)), `${jsonPath} names ${file}, which the package must contain`);
      }
      if (meta.backend) {
        for (const arch of ['amd64', 'arm64']) {
          const executable = path.join(dir, `${meta.executable}_linux_${arch}`);
          assert.ok(existsSync(executable), `${jsonPath}: ${path.basename(executable)} is in the package`);
          assert.ok((statSync(executable).mode & 0o111) !== 0, `${path.basename(executable)} keeps its exec bit`);
        }
      }
    }
  });

  it('lists screenshots, and states one Grafana floor everywhere', () => {
    const app = plugins.get('plugin.json')!;
    assert.ok((app.info?.screenshots ?? []).length > 0, 'info.screenshots is not empty');
    const floors = [...plugins.values()].map((meta) => meta.dependencies?.grafanaDependency);
    assert.equal(new Set(floors).size, 1, `one grafanaDependency: ${floors.join(', ')}`);
    const floor = /^>=(\d+\.\d+\.\d+)$/.exec(floors[0] ?? '')?.[1];
    assert.ok(floor, `grafanaDependency is a floor (>=x.y.z): ${floors[0]}`);
    const readme = readFileSync(path.join(pkg, 'README.md'), 'utf8');
    assert.ok(readme.includes(`Grafana ${floor} or newer`), `the plugin page README states the floor ${floor}`);
    for (const meta of plugins.values()) {
      assert.ok(!/%[A-Z_]+%/.test(JSON.stringify(meta)), 'no template variable left unreplaced in plugin.json');
    }
  });

  it('ships a README for the plugin page whose links and images resolve there', () => {
    const readme = readFileSync(path.join(pkg, 'README.md'), 'utf8');
    assert.ok(!/%[A-Z_]+%/.test(readme), 'no template variable left unreplaced in README.md');
    const targets = markdownTargets(readme);
    assert.ok(targets.length > 0, 'the README links somewhere (the check below is not vacuous)');
    for (const target of targets) {
      // The plugin page renders the README inside Grafana: a relative link resolves against the page's URL, not the
      // repository; absolute URLs and Grafana's own paths (/a/<app>, /public/plugins/<id>/…) do resolve.
      assert.match(target, /^(https:\/\/|\/)/, `README link ${target} is absolute`);
      const asset = new RegExp(`^/public/plugins/${APP_ID}/(.+)$`).exec(target);
      if (asset) {
        assert.ok(existsSync(path.join(pkg, asset[1]!)), `README image ${target} is in the package`);
      }
    }
  });

  it('starts its backend on any Linux: static launchers, and the glibc runtime with everything Node needs (#17)', () => {
    const datasource = path.join(pkg, 'datasource');
    const readelf = (args: string[], file: string) =>
      execFileSync('readelf', ['-W', ...args, file], { encoding: 'utf8' });
    for (const arch of ['amd64', 'arm64']) {
      // Grafana execs this file on Alpine (musl) too: it must need no program interpreter.
      const launcher = path.join(datasource, `gpx_ledger_linux_${arch}`);
      assert.doesNotMatch(readelf(['-l'], launcher), /program interpreter/, `${path.basename(launcher)} is static`);
      const runtime = path.join(datasource, 'runtime', `linux_${arch}`);
      const loader = path.join(runtime, `ld_linux_${arch}`);
      // Grafana's zip extractor makes files named *_linux_<arch> executable whatever the zip says.
      assert.ok((statSync(loader).mode & 0o111) !== 0, `${path.basename(loader)} keeps its exec bit`);
      // Every shared object the Node executable needs, transitively, is shipped (the loader provides itself).
      const pending = [path.join(runtime, 'gpx_ledger_node')];
      const seen = new Set<string>();
      while (pending.length > 0) {
        for (const [, soname] of readelf(['-d'], pending.pop()!).matchAll(
          /\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g
        )) {
          if (!seen.has(soname!) && !soname!.startsWith('ld-linux')) {
            seen.add(soname!);
            const shipped = path.join(runtime, 'lib', soname!);
            assert.ok(existsSync(shipped), `runtime/linux_${arch}/lib/${soname} is in the package`);
            pending.push(shipped);
          }
        }
      }
      assert.ok(seen.has('libc.so.6') && seen.has('libstdc++.so.6'), `linux_${arch}: ${[...seen].join(', ')}`);
      // Where the C and C++ runtime came from, and their licences.
      const notice = readFileSync(path.join(runtime, 'NOTICE'), 'utf8');
      assert.match(notice, /LGPL-2\.1/);
      assert.match(notice, /GCC Runtime Library Exception/);
      assert.ok(readdirSync(path.join(runtime, 'licenses')).length > 0, `linux_${arch}/licenses/ holds the texts`);
    }
  });

  it('has a real LICENSE and a CHANGELOG entry for its version', () => {
    const license = readFileSync(path.join(pkg, 'LICENSE'), 'utf8');
    assert.match(license, /Apache License/);
    assert.doesNotMatch(license, /\{yyyy\}|\{name of copyright owner\}|\[yyyy\]/, 'the licence has no template blanks');
    const version = plugins.get('plugin.json')!.info.version as string;
    const changelog = readFileSync(path.join(pkg, 'CHANGELOG.md'), 'utf8');
    const packageVersion = readJson(path.join(ROOT, 'package.json')).version as string;
    assert.equal(version, packageVersion, 'plugin.json carries package.json version');
    assert.ok(changelog.includes(`## ${version}`), `CHANGELOG.md has a section for ${version}`);
  });
});

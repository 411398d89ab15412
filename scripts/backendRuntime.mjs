/**
 * The parts of the backend that let one file, dist/datasource/gpx_ledger_linux_<arch>, start on glibc and on musl
 * hosts: the static launcher (launcher/, Go with CGO_ENABLED=0) and the glibc runtime it hands the Node executable
 * to (glibc's loader and exactly the shared objects Node needs, found through DT_NEEDED), with a NOTICE saying
 * where each file came from and under which licence. Used by scripts/build-backend.mjs.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Where each architecture's C libraries are on a Debian build machine (cross packages first for arm64). */
const LIBRARY_DIRS = {
  amd64: ['/lib/x86_64-linux-gnu', '/usr/lib/x86_64-linux-gnu', '/lib64', '/usr/x86_64-linux-gnu/lib'],
  arm64: ['/usr/aarch64-linux-gnu/lib', '/lib/aarch64-linux-gnu', '/usr/lib/aarch64-linux-gnu'],
};
const GOARCH = { amd64: 'amd64', arm64: 'arm64' };

function readelf(args, file) {
  return execFileSync('readelf', ['-W', ...args, file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function findLibrary(name, arch) {
  for (const dir of LIBRARY_DIRS[arch]) {
    const candidate = path.join(dir, name);
    if (existsSync(candidate)) {
      return candidate;
    }
  }
  throw new Error(`${name} (${arch}) not found in ${LIBRARY_DIRS[arch].join(', ')}: install libc6/libstdc++6 for it`);
}

/**
 * The program interpreter of `binary` and every shared object it needs, transitively (DT_NEEDED), as
 * { loader, libraries: Map<soname, path on this machine> }.
 */
export function sharedObjects(binary, arch) {
  const interp = /Requesting program interpreter: ([^\]]+)\]/.exec(readelf(['-l'], binary))?.[1];
  if (!interp) {
    throw new Error(`${binary} names no program interpreter: is it a dynamically linked executable?`);
  }
  const loader = findLibrary(path.basename(interp), arch);
  const libraries = new Map();
  const pending = [binary];
  while (pending.length > 0) {
    const file = pending.pop();
    for (const match of readelf(['-d'], file).matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)) {
      const soname = match[1];
      if (soname !== path.basename(interp) && !libraries.has(soname)) {
        const found = findLibrary(soname, arch);
        libraries.set(soname, found);
        pending.push(found);
      }
    }
  }
  return { loader, libraries };
}

/** The Debian package that installed `file`, with its version and source package, or undefined off Debian. */
function debianPackage(file) {
  for (const candidate of [file, realpathSync(file)]) {
    try {
      const owner = execFileSync('dpkg-query', ['-S', candidate], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      })
        .split(':')[0]
        .trim();
      const [version, source] = execFileSync(
        'dpkg-query',
        ['-W', '-f', '${Version}\t${source:Package} ${source:Version}', owner],
        {
          encoding: 'utf8',
        }
      ).split('\t');
      return { name: owner, version, source };
    } catch {
      // not installed through dpkg under this name: try the resolved path
    }
  }
  return undefined;
}

function licenceOf(soname) {
  return /^lib(stdc\+\+|gcc_s)\./.test(soname)
    ? 'GPL-3.0-or-later WITH GCC-exception-3.1 (GCC Runtime Library Exception)'
    : 'LGPL-2.1-or-later (GNU C Library)';
}

/**
 * Copies the loader (as ld_linux_<arch>: Grafana's zip extractor makes files with that suffix executable) and the
 * libraries into runtimeDir, with a NOTICE naming where each came from and each package's copyright file in
 * licenses/.
 */
export function copyRuntime(nodeBinary, arch, runtimeDir) {
  const licencesDir = path.join(runtimeDir, 'licenses');
  const { loader, libraries } = sharedObjects(nodeBinary, arch);
  const libDir = path.join(runtimeDir, 'lib');
  mkdirSync(libDir, { recursive: true });
  mkdirSync(licencesDir, { recursive: true });
  const files = [
    { source: loader, target: path.join(runtimeDir, `ld_linux_${arch}`), soname: path.basename(loader) },
    ...[...libraries].map(([soname, source]) => ({ source, target: path.join(libDir, soname), soname })),
  ];
  const notice = [];
  for (const { source, target, soname } of files) {
    copyFileSync(realpathSync(source), target);
    chmodSync(target, 0o755);
    const pkg = debianPackage(source);
    if (pkg && existsSync(`/usr/share/doc/${pkg.name}/copyright`)) {
      copyFileSync(`/usr/share/doc/${pkg.name}/copyright`, path.join(licencesDir, `${pkg.name}.copyright`));
    }
    const from = pkg ? `Debian package ${pkg.name} ${pkg.version}, source ${pkg.source}` : source;
    notice.push(`  ${path.relative(runtimeDir, target)}  (${soname}; ${from}): ${licenceOf(soname)}`);
  }
  writeNotice(runtimeDir, notice);
}

function writeNotice(runtimeDir, lines) {
  const text = [
    'The Ledger datasource backend runs a Node.js single executable (Node.js: MIT licence) with the GNU C Library and',
    'the GCC runtime libraries shipped here, so that it starts on hosts without glibc (e.g. Alpine/musl). These are',
    'unmodified copies of the build machine’s Debian packages, dynamically linked: each can be replaced by another',
    'build of the same library. Their licences and copyright notices are in licenses/ (one file per Debian package);',
    'the corresponding sources are the Debian source packages named below (https://sources.debian.org/).',
    '',
    ...lines,
    '',
  ].join('\n');
  writeFileSync(path.join(runtimeDir, 'NOTICE'), text);
}

/** Builds the static launcher for `arch` into `target` with the Go toolchain (no module downloads). */
export function buildLauncher(root, arch, target) {
  execFileSync('go', ['build', '-trimpath', '-ldflags=-s -w -buildid=', '-o', target, '.'], {
    cwd: path.join(root, 'launcher'),
    env: {
      ...process.env,
      CGO_ENABLED: '0',
      GOOS: 'linux',
      GOARCH: GOARCH[arch],
      GOTOOLCHAIN: 'local',
      GOFLAGS: '-mod=mod',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  chmodSync(target, 0o755);
}

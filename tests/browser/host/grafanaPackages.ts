/**
 * The published Grafana packages the test host provides to the plugin's bundles, one set per Grafana release: the
 * repository's own node_modules for the release it builds against, and for the floor and the newest release a set
 * installed from the npm registry into node_modules/.cache/grafana-<version> (once; reruns reuse it).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

import { declaredFloor, NEWEST_GRAFANA } from '../../../scripts/compat/grafanaVersions';
import { REPO_ROOT } from '../../support/pluginProcess';

/** One release's packages: `root` is the folder whose node_modules holds its @grafana/*, react and react-dom. */
export interface GrafanaPackages {
  version: string;
  root: string;
}

/** The Grafana release the repository builds against (its node_modules). */
export const BUILT_AGAINST_GRAFANA: string = JSON.parse(
  readFileSync(path.join(REPO_ROOT, 'node_modules/@grafana/data/package.json'), 'utf8')
).version;

/** The releases besides the built-against one that the browser suite loads dist/ under. */
export function otherGrafanaReleases(): string[] {
  return [declaredFloor(), NEWEST_GRAFANA].filter((version) => version !== BUILT_AGAINST_GRAFANA);
}

/** The React each Grafana major ships with (its @grafana/ui peer dependency), pinned. */
function reactFor(version: string): string {
  return Number(version.split('.')[0]) >= 13 ? '19.3.1' : '18.3.1';
}

const REPO_PACKAGE: { dependencies: Record<string, string>; devDependencies: Record<string, string> } = JSON.parse(
  readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')
);

/**
 * The @grafana/scenes the host interpolates variables with under a release (host's TemplateSrv): each scenes major
 * accepts its own Grafana range (peer dependencies), 9.x Grafana >= 12.4 (the repository's pin) and 8.x >= 11.6.
 */
export function scenesFor(version: string): string {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 12 || (major === 12 && minor >= 4) ? REPO_PACKAGE.devDependencies['@grafana/scenes']! : '8.19.0';
}

/**
 * The npm specs of a release's set: the packages a plugin can be given, the React they expect, and the scenes the
 * host's TemplateSrv runs.
 */
export function packageSpecs(version: string): string[] {
  // @grafana/i18n is published from Grafana 12 on; scenes 8 needs it under 11 too, where a plugin bundles its own
  // (the repository's version here).
  const i18n = Number(version.split('.')[0]) >= 12 ? version : REPO_PACKAGE.dependencies['@grafana/i18n']!;
  const react = reactFor(version);
  return [
    ...['data', 'ui', 'runtime', 'schema'].map((name) => `@grafana/${name}@${version}`),
    `@grafana/i18n@${i18n}`,
    `@grafana/scenes@${scenesFor(version)}`,
    `react@${react}`,
    `react-dom@${react}`,
  ];
}

/** The packages of `version`, installing them into the cache the first time. */
export async function grafanaPackages(version: string): Promise<GrafanaPackages> {
  if (version === BUILT_AGAINST_GRAFANA) {
    return { version, root: REPO_ROOT };
  }
  const root = path.join(REPO_ROOT, 'node_modules/.cache', `grafana-${version}`);
  const marker = path.join(root, 'installed.json');
  const specs = packageSpecs(version);
  if (existsSync(marker) && readFileSync(marker, 'utf8') === JSON.stringify(specs)) {
    return { version, root };
  }
  mkdirSync(root, { recursive: true });
  // Scripts stay off: these are browser libraries, and nothing of them runs in Node.
  await promisify(execFile)(
    'npm',
    [
      'install',
      '--prefix',
      root,
      '--no-save',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      '--loglevel=error',
      ...specs,
    ],
    { cwd: root, maxBuffer: 1 << 26 }
  );
  writeFileSync(marker, JSON.stringify(specs));
  return { version, root };
}

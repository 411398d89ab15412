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

/** The npm specs of a release's set: the packages a plugin can be given, and the React they expect. */
export function packageSpecs(version: string): string[] {
  // @grafana/i18n is published from Grafana 12 on.
  const names = ['data', 'ui', 'runtime', 'schema', ...(Number(version.split('.')[0]) >= 12 ? ['i18n'] : [])];
  const react = reactFor(version);
  return [...names.map((name) => `@grafana/${name}@${version}`), `react@${react}`, `react-dom@${react}`];
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

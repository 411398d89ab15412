/**
 * `npm test`'s compat stage: Grafana's own compatibility checker (@grafana/levitate) compares every @grafana/* API the
 * two modules use with the published packages of the oldest Grafana plugin.json claims (grafanaDependency) and of
 * the newest Grafana we have checked. It fails on any incompatibility, so the declared floor cannot go stale. It
 * downloads the target packages from the npm registry.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

import { declaredFloor, NEWEST_GRAFANA } from './compat/grafanaVersions';

const root = path.resolve(__dirname, '..');
const PACKAGES = ['@grafana/data', '@grafana/ui', '@grafana/runtime'];

function main(): number {
  const versions = [declaredFloor(), NEWEST_GRAFANA];
  let failed = 0;
  for (const version of versions) {
    const target = PACKAGES.map((name) => `${name}@${version}`).join(',');
    console.log(`\n--- levitate: both modules against Grafana ${version}`);
    const result = spawnSync(
      process.execPath,
      [
        path.join(root, 'node_modules', '@grafana', 'levitate', 'dist', 'bin.js'),
        'is-compatible',
        '--path',
        'src/levitateEntry.ts',
        '--target',
        target,
      ],
      { cwd: root, stdio: 'inherit' }
    );
    if (result.status !== 0) {
      console.error(`incompatible with Grafana ${version} (levitate exit ${result.status ?? result.signal})`);
      failed++;
    }
  }
  console.log(`\n${versions.length - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

process.exit(main());

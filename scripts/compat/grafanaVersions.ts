/**
 * The two Grafana releases every compatibility check runs against: the floor plugin.json claims (grafanaDependency)
 * and the newest release checked. Shared by the levitate stage (scripts/compat.ts) and the browser suite, which
 * loads dist/ with each release's published @grafana/* packages.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The newest Grafana release checked; raise it when a new major or minor is published and passes. */
export const NEWEST_GRAFANA = '13.2.3';

const root = path.resolve(__dirname, '..', '..');

/** The oldest Grafana both plugin.json files claim to support (their one `grafanaDependency: ">=x.y.z"`). */
export function declaredFloor(): string {
  const floors = ['src/plugin.json', 'src/datasource/plugin.json'].map((file) => {
    const meta = JSON.parse(readFileSync(path.join(root, file), 'utf8'));
    return String(meta.dependencies?.grafanaDependency ?? '');
  });
  const floor = /^>=(\d+\.\d+\.\d+)$/.exec(floors[0]!)?.[1];
  if (!floor || floors.some((f) => f !== floors[0])) {
    throw new Error(`plugin.json files must declare one grafanaDependency ">=x.y.z"; found ${floors.join(', ')}`);
  }
  return floor;
}

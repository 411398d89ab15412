/**
 * Reads what this repository ships for Grafana: the app's plugin.json, the bundled dashboards (src/dashboards →
 * dist/dashboards), the provisioning YAML, docker-compose.yml and the Prometheus config. Environment variables in
 * provisioning files are replaced the way Grafana's provisioning does (pkg/services/provisioning/values: `$$` is a
 * literal `$`, then os.ExpandEnv on `$VAR` and `${VAR}`; a variable that is not set becomes empty).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import yaml from 'js-yaml';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const APP_ID = 'aicodeteam-ledger-app';
export const DATASOURCE_TYPE = 'aicodeteam-ledger-datasource';
/** The provisioned datasource uid the alert rules use. */
export const LEDGER_DATASOURCE_UID = 'ledger';
export const DASHBOARDS_DIR = path.join(ROOT, 'src', 'dashboards');
export const PROVISIONING_DIR = path.join(ROOT, 'provisioning');

export type Json = Record<string, any>;

/** Parses a YAML file of the repository. */
export function readYaml(relative: string): Json {
  const parsed = yaml.load(readFileSync(path.join(ROOT, relative), 'utf8'));
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`${relative} is not a YAML mapping`);
  }
  return parsed as Json;
}

export function readJson(relative: string): Json {
  return JSON.parse(readFileSync(path.join(ROOT, relative), 'utf8')) as Json;
}

/** The app manifest. */
export function pluginJson(): Json {
  return readJson('plugin.json');
}

/** Every shipped dashboard: file name → JSON. */
export function dashboards(): Map<string, Json> {
  return new Map(
    readdirSync(DASHBOARDS_DIR)
      .filter((file) => file.endsWith('.json'))
      .sort()
      .map((file) => [file, JSON.parse(readFileSync(path.join(DASHBOARDS_DIR, file), 'utf8')) as Json])
  );
}

/** Provisioning files under provisioning/<kind>/ (relative paths). */
export function provisioningFiles(kind: 'datasources' | 'dashboards' | 'plugins' | 'alerting'): string[] {
  const dir = path.join(PROVISIONING_DIR, kind);
  return readdirSync(dir)
    .filter((file) => /\.ya?ml$/.test(file))
    .sort()
    .map((file) => path.join('provisioning', kind, file));
}

/** Every panel of a dashboard, rows' nested panels included. */
export function allPanels(dashboard: Json): Json[] {
  const panels: Json[] = [];
  for (const panel of (dashboard.panels ?? []) as Json[]) {
    panels.push(panel);
    for (const nested of (panel.panels ?? []) as Json[]) {
      panels.push(nested);
    }
  }
  return panels;
}

/** Panels that query (rows and text panels do not). */
export function queryPanels(dashboard: Json): Json[] {
  return allPanels(dashboard).filter((panel) => panel.type !== 'row' && panel.type !== 'text');
}

/** Grafana's provisioning interpolation of one string. */
export function interpolateEnv(value: string, env: Readonly<Record<string, string | undefined>>): string {
  return value
    .split('$$')
    .map((part) =>
      part.replace(
        /\$\{([^}]*)\}|\$([A-Za-z0-9_]+)/g,
        (_match, braced?: string, plain?: string) => env[(braced ?? plain)!] ?? ''
      )
    )
    .join('$');
}

/** The names of the environment variables a string refers to (`$VAR`, `${VAR}`; `$$` excluded). */
export function envReferences(value: string): string[] {
  return value
    .split('$$')
    .flatMap((part) => [...part.matchAll(/\$\{([^}]*)\}|\$([A-Za-z0-9_]+)/g)].map((m) => (m[1] ?? m[2])!));
}

/** Every string in a JSON/YAML value, with its path. */
export function* strings(value: unknown, at = ''): Generator<[string, string]> {
  if (typeof value === 'string') {
    yield [at, value];
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      yield* strings(value[i], `${at}[${i}]`);
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      yield* strings(child, at ? `${at}.${key}` : key);
    }
  }
}

/** A value with every string interpolated. */
export function interpolateDeep<T>(value: T, env: Readonly<Record<string, string | undefined>>): T {
  if (typeof value === 'string') {
    return interpolateEnv(value, env) as T;
  }
  if (Array.isArray(value)) {
    return value.map((v) => interpolateDeep(v, env)) as T;
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateDeep(v, env)])) as T;
  }
  return value;
}

/** docker-compose.yml, parsed. */
export function compose(): Json {
  return readYaml('docker-compose.yml');
}

/**
 * The environment a compose service gets, with `${VAR:-default}` resolved to its default (what a fresh machine
 * without any of our variables set sees).
 */
export function composeEnvironment(service: string): Record<string, string> {
  const environment = (compose().services?.[service]?.environment ?? {}) as Record<string, unknown>;
  const resolve = (text: string) =>
    text
      .replace(/\$\{(\w+)(?::?-([^}]*))?\}/g, (_m, _name: string, fallback?: string) => fallback ?? '')
      .replace(/\$\$/g, '$');
  return Object.fromEntries(Object.entries(environment).map(([key, value]) => [key, resolve(String(value))]));
}

/**
 * The provisioned datasource's jsonData as Grafana passes it in the compose stack (budgets, limits), without the
 * connection fields (database, sslmode) that each test ledger supplies itself.
 */
export function provisionedJsonData(): Record<string, unknown> {
  const file = readYaml('provisioning/datasources/ledger.yaml');
  const datasource = (file.datasources as Json[]).find((d) => d.uid === 'ledger')!;
  const jsonData = interpolateDeep(datasource.jsonData as Record<string, unknown>, composeEnvironment('grafana'));
  const { database: _database, sslmode: _sslmode, ...rest } = jsonData;
  return rest;
}

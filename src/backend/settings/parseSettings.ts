/**
 * Datasource settings as the backend uses them: Grafana's instance fields + jsonData + decrypted secrets,
 * validated once per instance. Errors name the field, never its value.
 */
import { parseHostPort, type SslMode, type StreamMode } from '../../contract/settings';
import { LedgerJsonData } from '../../contract/settingsSchema';
import { SettingsError } from '../errors';
import type { DataSourceInstance } from '../plugin/types';
import { Secret } from './secret';

/** Validated settings of one datasource instance. */
export interface LedgerSettings {
  host: string;
  port: number;
  database: string;
  user: string;
  password: Secret;
  sslmode: SslMode;
  tlsCACert: Secret;
  tlsClientCert: Secret;
  tlsClientKey: Secret;
  maxOpenConns: number;
  statementTimeoutMs: number;
  rowLimit: number;
  streamMode: StreamMode;
  streamPollIntervalMs: number;
  connectTimeoutMs: number;
  /** Daily budgets for the budget metrics; undefined when not configured. */
  tokenBudgetDaily?: number;
  costBudgetDailyUsd?: number;
}

/** `user@` or `user:password@` before the host, with or without a postgres:// scheme. */
const CREDENTIALS_IN_URL = /^\s*(postgres(ql)?:\/\/)?[^/\s]*@/;

/**
 * Host and port from Grafana's url field. Errors never quote the value: a pasted connection string
 * (postgres://user:password@host/db) was echoed, password and all, into the health check and every query error (#9,
 * tests/regressions/0007-url-credentials-echoed.test.ts).
 */
function hostAddress(url: string): { host: string; port: number } | { error: string } {
  if (CREDENTIALS_IN_URL.test(url)) {
    return {
      error:
        'must be host or host:port only — remove the user name and password (the password goes in the Password field)',
    };
  }
  const address = parseHostPort(url);
  if ('error' in address && address.error.includes('"')) {
    return { error: 'is not host or host:port (for example db.example.com:5432)' };
  }
  return address;
}

/** Parses and validates settings; throws SettingsError listing the fields that are wrong. */
export function parseSettings(instance: DataSourceInstance): LedgerSettings {
  const problems: string[] = [];
  if (typeof instance.jsonData === 'object' && instance.jsonData !== null && '__invalid__' in instance.jsonData) {
    throw new SettingsError('[config] jsonData is not a JSON object');
  }
  const json = LedgerJsonData.safeParse(instance.jsonData ?? {});
  if (!json.success) {
    for (const issue of json.error.issues) {
      problems.push(`${issue.path.join('.') || 'jsonData'}: ${issue.message}`);
    }
  }
  const address = hostAddress(instance.url);
  if ('error' in address) {
    problems.push(`host: ${address.error}`);
  }
  const jsonData = json.success ? json.data : undefined;
  // Read the database name from the raw jsonData too, so an unrelated invalid field does not also report it missing.
  const rawDatabase = (instance.jsonData as { database?: unknown } | null)?.database;
  const database = (
    jsonData?.database ||
    (typeof rawDatabase === 'string' ? rawDatabase : '') ||
    instance.database ||
    ''
  ).trim();
  if (database === '') {
    problems.push('database: is required');
  }
  const user = instance.user.trim();
  if (user === '') {
    problems.push('user: is required');
  }
  // PostgreSQL's startup and password messages are NUL-terminated strings: a NUL inside one is refused by the server
  // as a malformed packet, which would read as our bug ([plugin] 500) instead of a settings problem (soak fuzz seed
  // 1001, tests/regressions/0017-nul-in-settings-reported-as-plugin-failure.test.ts).
  const withNul = Object.entries({ database, user, password: instance.secureJsonData.password ?? '' })
    .filter(([, value]) => value.includes('\u0000'))
    .map(([field]) => `${field}: must not contain a NUL character`);
  problems.push(...withNul);
  if (problems.length > 0 || !jsonData || 'error' in address) {
    throw new SettingsError(
      `[config] invalid datasource settings: ${problems.join('; ')} — fix them in the datasource settings`
    );
  }
  const secret = (key: string) => new Secret(instance.secureJsonData[key] ?? '');
  return {
    host: address.host,
    port: address.port,
    database,
    user,
    password: secret('password'),
    sslmode: jsonData.sslmode,
    tlsCACert: secret('tlsCACert'),
    tlsClientCert: secret('tlsClientCert'),
    tlsClientKey: secret('tlsClientKey'),
    maxOpenConns: jsonData.maxOpenConns,
    statementTimeoutMs: jsonData.statementTimeoutMs,
    rowLimit: jsonData.rowLimit,
    streamMode: jsonData.streamMode,
    streamPollIntervalMs: jsonData.streamPollIntervalMs,
    connectTimeoutMs: jsonData.connectTimeoutMs,
    tokenBudgetDaily: jsonData.tokenBudgetDaily,
    costBudgetDailyUsd: jsonData.costBudgetDailyUsd,
  };
}

/**
 * Datasource settings: the one definition shared by the config editor (frontend) and the backend.
 *
 * Keys follow Grafana's built-in PostgreSQL datasource where one exists (`url` = host:port, `user`,
 * `jsonData.database`, `jsonData.sslmode`, `jsonData.maxOpenConns`, `secureJsonData.password`, TLS contents under
 * `tlsCACert`/`tlsClientCert`/`tlsClientKey`), so provisioning files and habits carry over.
 */

/** PostgreSQL SSL modes we support (libpq names). */
export const SSL_MODES = ['disable', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

/** How live streams learn about new ledger rows. */
export const STREAM_MODES = ['auto', 'listen', 'poll'] as const;
export type StreamMode = (typeof STREAM_MODES)[number];

/** Defaults, stated once; the config editor shows them as placeholders. */
export const SETTINGS_DEFAULTS = {
  port: 5432,
  sslmode: 'require' as SslMode,
  maxOpenConns: 10,
  statementTimeoutMs: 30_000,
  rowLimit: 100_000,
  streamMode: 'auto' as StreamMode,
  streamPollIntervalMs: 1_000,
  connectTimeoutMs: 10_000,
};

/** `jsonData` as saved by the config editor or a provisioning file (all optional: defaults apply on the backend). */
export interface LedgerJsonDataInput {
  /** Database name. Falls back to the instance-level `database` field Grafana also offers. */
  database?: string;
  /** libpq sslmode. */
  sslmode?: SslMode;
  /** Size of the connection pool the backend keeps for this datasource (plus one listener connection). */
  maxOpenConns?: number | string;
  /** Server-side statement_timeout for every query, in milliseconds. */
  statementTimeoutMs?: number | string;
  /** Maximum rows a raw SQL query may return; more is an error, not a silent cut. */
  rowLimit?: number | string;
  /** `auto` uses LISTEN/NOTIFY and falls back to polling when LISTEN is impossible (e.g. a transaction pooler). */
  streamMode?: StreamMode;
  /** Polling interval for live streams when polling is used, in milliseconds. */
  streamPollIntervalMs?: number | string;
  /** How long to wait for a connection to the database, in milliseconds. */
  connectTimeoutMs?: number | string;
  /** Tokens the team may spend per day; budget metrics and the "tokens over budget" alert compare with it. */
  tokenBudgetDaily?: number | string;
  /** US dollars the team may spend per day on LLM calls. */
  costBudgetDailyUsd?: number | string;
}

/** Allowed ranges of the numeric settings (the schema and the config editor's validation share them). */
export const SETTINGS_LIMITS = {
  maxOpenConns: [1, 200],
  statementTimeoutMs: [100, 3_600_000],
  rowLimit: [1, 10_000_000],
  streamPollIntervalMs: [100, 60_000],
  connectTimeoutMs: [500, 120_000],
  tokenBudgetDaily: [1, 1e12],
  costBudgetDailyUsd: [0.01, 1e9],
} as const;

/** Names of the secrets kept in `secureJsonData`. Their values never leave the backend. */
export const SECURE_KEYS = ['password', 'tlsCACert', 'tlsClientCert', 'tlsClientKey'] as const;
export type SecureKey = (typeof SECURE_KEYS)[number];

/** Splits Grafana's `url` field ("host", "host:port", "[::1]:5432") into host and port. */
export function parseHostPort(url: string): { host: string; port: number } | { error: string } {
  const trimmed = url.trim().replace(/^postgres(ql)?:\/\//, '');
  if (trimmed === '') {
    return { error: 'host is required' };
  }
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(trimmed);
  const plain = /^([^:/\s]+)(?::(\d+))?$/.exec(trimmed);
  const match = bracketed ?? plain;
  if (!match || match[1] === undefined) {
    return { error: `"${trimmed}" is not host or host:port` };
  }
  const port = match[2] === undefined ? SETTINGS_DEFAULTS.port : Number(match[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    return { error: `port ${match[2]} is not between 1 and 65535` };
  }
  return { host: match[1], port };
}

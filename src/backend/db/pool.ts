/**
 * One pg.Pool per datasource instance. The only place that turns settings (and their secrets) into a driver config.
 * Every session is read-only by default (`default_transaction_read_only`), names itself in pg_stat_activity, and is
 * bounded by the datasource's statement timeout.
 */
import pg from 'pg';
import type { ConnectionOptions } from 'node:tls';

import type { Logger } from '../log';
import type { LedgerSettings } from '../settings/parseSettings';

/** application_name of our sessions; tests and operators find them in pg_stat_activity by it. */
export const APPLICATION_NAME = 'grafana-ledger-datasource';

function tlsOptions(settings: LedgerSettings): false | ConnectionOptions {
  if (settings.sslmode === 'disable') {
    return false;
  }
  const options: ConnectionOptions = {
    // `require` encrypts without verifying, as libpq does; the verify modes check the CA (and the host name).
    rejectUnauthorized: settings.sslmode !== 'require',
  };
  if (settings.tlsCACert.isSet) {
    options.ca = settings.tlsCACert.reveal();
  }
  if (settings.tlsClientCert.isSet && settings.tlsClientKey.isSet) {
    options.cert = settings.tlsClientCert.reveal();
    options.key = settings.tlsClientKey.reveal();
  }
  if (settings.sslmode === 'verify-ca') {
    options.checkServerIdentity = () => undefined;
  }
  return options;
}

/** Driver config for one connection (pool members, the stream listener and cancel requests share it). */
export function clientConfig(settings: LedgerSettings): pg.ClientConfig {
  return {
    host: settings.host,
    port: settings.port,
    database: settings.database,
    user: settings.user,
    // A function keeps the password out of the config object that pg may expose in errors or debugging.
    password: () => settings.password.reveal(),
    ssl: tlsOptions(settings),
    connectionTimeoutMillis: settings.connectTimeoutMs,
    application_name: APPLICATION_NAME,
    statement_timeout: settings.statementTimeoutMs,
    options: '-c default_transaction_read_only=on',
    keepAlive: true,
  };
}

/** Creates the pool of one datasource instance. */
export function createPool(settings: LedgerSettings, log: Logger): pg.Pool {
  const pool = new pg.Pool({
    ...clientConfig(settings),
    max: settings.maxOpenConns,
    idleTimeoutMillis: 60_000,
  });
  // An idle client dying (database restart, pg_terminate_backend) must not crash the process; the pool replaces it.
  pool.on('error', (error) => log.warn('idle database connection closed', { error: error.message }));
  return pool;
}

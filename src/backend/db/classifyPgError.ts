/**
 * The one place that reads SQLSTATEs and socket error codes: every database failure becomes a QueryError whose
 * message says what happened and what to do, with the status and error source Grafana expects.
 */
import { QueryError } from '../errors';

interface DbErrorLike {
  code?: string;
  message?: string;
}

function asDbError(error: unknown): DbErrorLike {
  return typeof error === 'object' && error !== null ? (error as DbErrorLike) : { message: String(error) };
}

/** Where the database is, for messages (never the password). */
export interface Target {
  host: string;
  port: number;
  database: string;
  user: string;
  /** Size of the datasource's pool, when known (for the "all connections busy" message). */
  maxOpenConns?: number;
}

/** Node/OpenSSL codes of a TLS handshake that failed (certificate checks, unreadable keys or certificates). */
const TLS_CODE =
  /^(ERR_TLS_|ERR_SSL_|ERR_OSSL_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|UNABLE_TO_)/;
/** A 42501 about reading a relation or schema: the one a grant of ledger_reader fixes. */
const READ_PRIVILEGE =
  /^permission denied for (table|view|materialized view|sequence|foreign table|schema|column|relation) /;

/** pg's own messages when TLS cannot be negotiated. */
const TLS_MESSAGE = /does not support SSL connections|error establishing an SSL connection/i;

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
};

/** Classifies any error thrown while talking to PostgreSQL. */
export function classifyPgError(error: unknown, target: Target): QueryError {
  if (error instanceof QueryError) {
    return error;
  }
  const { code = '', message = 'unknown error' } = asDbError(error);
  const where = `${target.host}:${target.port}`;
  const network = NETWORK_CODES[code];
  if (network) {
    return new QueryError(
      `[network] cannot reach PostgreSQL at ${where} (${network}) — check the host and port, and that the server accepts connections from Grafana`,
      502,
      'downstream',
      { cause: error }
    );
  }
  // pg-pool's message when a request waited the whole connect timeout for one of the pool's connections to come free:
  // the database is fine, the pool is busy. Saying "check that the server is up" sent operators the wrong way (#9,
  // tests/regressions/0002-pool-exhaustion-reported-as-network.test.ts).
  if (/^timeout exceeded when trying to connect$/.test(message)) {
    const size = target.maxOpenConns ? `all ${target.maxOpenConns} connections` : 'every connection';
    return new QueryError(
      `[capacity] ${size} of this datasource's pool stayed busy with other queries for the whole connect timeout — retry, reduce concurrent queries, or raise the pool size (maxOpenConns)`,
      503,
      'downstream',
      { cause: error }
    );
  }
  // TLS failures are the settings' or the server's, not a plugin bug (#9,
  // tests/regressions/0003-tls-and-password-errors-reported-as-plugin-failures.test.ts).
  if (TLS_CODE.test(code) || TLS_MESSAGE.test(message)) {
    return new QueryError(
      `[tls] could not establish a TLS connection to PostgreSQL at ${where}: ${message} — check the SSL mode and the CA and client certificate in the datasource settings`,
      502,
      'downstream',
      { cause: error }
    );
  }
  if (/^SASL: .*password must be/.test(message)) {
    return new QueryError(
      `[auth] PostgreSQL asks user "${target.user}" for a password and none is set — enter the password in the datasource settings`,
      401,
      'downstream',
      { cause: error }
    );
  }
  if (/timeout exceeded when trying to connect|Connection terminated due to connection timeout/i.test(message)) {
    return new QueryError(
      `[network] timed out connecting to PostgreSQL at ${where} — check that the server is up and reachable`,
      504,
      'downstream',
      { cause: error }
    );
  }
  if (/Connection terminated|Client has encountered a connection error|server closed the connection/i.test(message)) {
    return new QueryError(
      `[network] the connection to PostgreSQL at ${where} was lost — retry; check the server if it persists`,
      502,
      'downstream',
      { cause: error }
    );
  }
  if (code === '28P01' || code === '28000') {
    return new QueryError(
      `[auth] authentication failed for user "${target.user}" — check the user and password in the datasource settings`,
      401,
      'downstream',
      { cause: error }
    );
  }
  if (code === '3D000') {
    return new QueryError(
      `[config] database "${target.database}" does not exist — check the database name`,
      400,
      'downstream',
      { cause: error }
    );
  }
  if (code === '57014') {
    return new QueryError(
      '[timeout] the query ran longer than the statement timeout and was cancelled — narrow the time range or raise the timeout in the datasource settings',
      504,
      'downstream',
      { cause: error }
    );
  }
  if (code === '25006') {
    // PostgreSQL's message names what tried to write ("cannot execute SELECT FOR UPDATE in a read-only transaction").
    return new QueryError(
      `[read-only] ${message} — the datasource only reads the ledger; writes belong to the ledger's writer (a member of ledger_writer), not to Grafana`,
      400,
      'downstream',
      { cause: error }
    );
  }
  if (code === '42501' && READ_PRIVILEGE.test(message)) {
    return new QueryError(
      `[permission] ${message} — grant the datasource's role read access (ledger_reader)`,
      403,
      'downstream',
      { cause: error }
    );
  }
  if (code === '42501') {
    // Not a missing read grant (a function readers may not execute, a superuser-only action): granting is the wrong
    // advice for a datasource that must stay read-only (#12).
    return new QueryError(
      `[permission] ${message} — the datasource's role may only read the ledger (ledger_reader), and that is on purpose`,
      403,
      'downstream',
      { cause: error }
    );
  }
  if (code === '53300' || code === '57P03') {
    return new QueryError(
      `[capacity] PostgreSQL refused the connection: ${message} — retry later or raise max_connections`,
      503,
      'downstream',
      { cause: error }
    );
  }
  if (code.startsWith('57P')) {
    return new QueryError(
      `[network] PostgreSQL is shutting down or restarting (${message}) — retry shortly`,
      503,
      'downstream',
      { cause: error }
    );
  }
  if (
    code.startsWith('42') ||
    code.startsWith('22') ||
    code.startsWith('2B') ||
    code.startsWith('0A') ||
    code === '54001'
  ) {
    return new QueryError(`[query] ${message}`, 400, 'downstream', { cause: error });
  }
  if (code === '08P01') {
    // A protocol violation is a statement we built wrong (e.g. parameters that do not match), not the network.
    return QueryError.internal(`[plugin] PostgreSQL rejected a statement the plugin built: ${message}`, error);
  }
  if (code.startsWith('08')) {
    return new QueryError(`[network] ${message} (${where})`, 502, 'downstream', { cause: error });
  }
  if (code !== '') {
    return new QueryError(`[database] ${message} (SQLSTATE ${code})`, 500, 'downstream', { cause: error });
  }
  return QueryError.internal(`[plugin] ${message}`, error);
}

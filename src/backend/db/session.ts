/**
 * Runs work on a pooled read-only connection, bounded by the statement timeout and cancelled (server side) when
 * Grafana cancels the request; work that needs a snapshot, a shorter timeout or a reset afterwards runs inside a READ
 * ONLY transaction that is always rolled back.
 */
import pg from 'pg';

import { QueryError } from '../errors';
import type { LedgerSettings } from '../settings/parseSettings';
import { classifyPgError } from './classifyPgError';
import { clientConfig } from './pool';

/** What a unit of read-only work receives. */
export interface Session {
  /** Runs one statement with the extended protocol (one statement per call; values always as parameters). */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: readonly unknown[]
  ): Promise<pg.QueryResult<R>>;
  /** Same, rows as arrays (column order as in the SELECT list). */
  queryArrays(text: string, values?: readonly unknown[]): Promise<pg.QueryArrayResult>;
}

/** Options of one session. */
export interface SessionOptions {
  signal?: AbortSignal;
  /** Per-session statement timeout in ms; never above the datasource's. */
  timeoutMs?: number;
  /** After the work, reset session state a hostile statement may have left behind (raw SQL). */
  resetAfter?: boolean;
  /** Every statement of the work sees the same snapshot (REPEATABLE READ), e.g. a result and the position it covers. */
  snapshot?: boolean;
}

/** A cancel request that has not reached the server by then is abandoned (the statement timeout still applies). */
const CANCEL_CONNECT_TIMEOUT_MS = 5_000;

/** The parts of pg's (untyped) wire connection a cancel request needs. */
interface WireConnection {
  on(event: 'error', listener: (error: Error) => void): void;
  on(event: 'connect', listener: () => void): void;
  connect(port: number, host: string): void;
  cancel(processId: number | undefined, secretKey: number | undefined): void;
  stream: { destroy(): void };
}

/**
 * Sends PostgreSQL's CancelRequest for the statement the client is running, on a separate short connection (what
 * pg's `Client.cancel` does, minus its read of the deprecated `activeQuery`, which prints a raw DeprecationWarning on
 * stderr that Grafana logs as unparsed text).
 */
function cancelActiveQuery(settings: LedgerSettings, client: pg.PoolClient): void {
  const target = client as unknown as { _getActiveQuery?: () => unknown; processID?: number; secretKey?: number };
  if (target._getActiveQuery && !target._getActiveQuery()) {
    return;
  }
  const connection = (new pg.Client(clientConfig(settings)) as unknown as { connection: WireConnection }).connection;
  // Without a listener, a cancel connection that fails (the database went away, a proxy stopped accepting) raises an
  // 'error' event nobody handles: an uncaught exception that took the whole plugin down (#9,
  // tests/regressions/0001-cancel-request-crash.test.ts).
  connection.on('error', () => undefined);
  connection.on('connect', () => connection.cancel(target.processID, target.secretKey));
  setTimeout(() => connection.stream.destroy(), CANCEL_CONNECT_TIMEOUT_MS).unref();
  connection.connect(settings.port, settings.host);
}

const cancelledError = (cause?: unknown) =>
  new QueryError('[cancelled] the request was cancelled', 408, 'downstream', { cause });

/**
 * A connection from the pool, or a cancellation error as soon as the request is cancelled while it waits for one.
 * Without this, a request Grafana gave up on still takes a connection when one frees up and runs its SQL for nobody,
 * so under load abandoned work holds the pool and every later request times out too (#9,
 * tests/regressions/0004-abandoned-queries-hold-pool-slots.test.ts).
 */
function acquire(pool: pg.Pool, signal: AbortSignal | undefined): Promise<pg.PoolClient> {
  const pending = pool.connect();
  if (!signal) {
    return pending;
  }
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(cancelledError(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    pending.then(
      (client) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) {
          // pg-pool cannot withdraw a waiter: the connection is handed back untouched when it arrives.
          client.release();
        } else {
          resolve(client);
        }
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      }
    );
  });
}

// The extended protocol accepts exactly one statement per call, which rules out "SELECT 1; DROP …" smuggling.
// (`queryMode` is supported by pg 8.x but missing from its type definitions.)
function extended<C extends object>(config: C): C {
  return { ...config, queryMode: 'extended' };
}

/** Runs `work` on a read-only connection from `pool` (in a rolled-back transaction when the options need one). */
export async function withReadOnlySession<T>(
  pool: pg.Pool,
  settings: LedgerSettings,
  work: (session: Session) => Promise<T>,
  options: SessionOptions = {}
): Promise<T> {
  const { signal } = options;
  if (signal?.aborted) {
    throw cancelledError();
  }
  let client: pg.PoolClient;
  try {
    client = await acquire(pool, signal);
  } catch (error) {
    throw classifyPgError(error, settings);
  }
  if (signal?.aborted) {
    client.release();
    throw cancelledError(signal.reason);
  }
  let broken = false;
  const onAbort = () => {
    broken = true;
    cancelActiveQuery(settings, client);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  // pg-pool takes its error listener off a client while it is checked out. A connection that dies without a word
  // from the server (a crashed backend, a dropped network) then emits 'error' to nobody: an uncaught exception that
  // took the whole plugin down (#9, tests/regressions/0014-connection-lost-mid-query-crash.test.ts). The running
  // query fails with the same error, which is what the caller sees.
  const onConnectionError = () => {
    broken = true;
  };
  client.on('error', onConnectionError);
  const timeout = Math.floor(Math.min(options.timeoutMs ?? settings.statementTimeoutMs, settings.statementTimeoutMs));
  // Every connection starts read-only with the datasource's statement timeout (db/pool.ts), so plain work runs as
  // autocommitted statements: a transaction around it would cost three more round trips per request (#14). Only a
  // snapshot, a shorter timeout or hostile SQL (whose session changes must be rolled back) need one.
  const framed = options.snapshot === true || options.resetAfter === true || timeout !== settings.statementTimeoutMs;
  try {
    if (framed) {
      // One simple-protocol message for both (our own constants only): one round trip.
      await client.query(
        `${options.snapshot ? 'BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN TRANSACTION READ ONLY'}; ` +
          `SET LOCAL statement_timeout = ${timeout}`
      );
    }
    const session: Session = {
      query: <R extends pg.QueryResultRow>(text: string, values: readonly unknown[] = []) =>
        client.query<R>(extended({ text, values: [...values] })),
      queryArrays: (text, values = []) =>
        client.query(extended({ text, values: [...values], rowMode: 'array' }) as pg.QueryArrayConfig),
    };
    const result = await work(session);
    return result;
  } catch (error) {
    if (signal?.aborted) {
      throw new QueryError('[cancelled] the request was cancelled and its SQL stopped', 408, 'downstream', {
        cause: error,
      });
    }
    const classified = classifyPgError(error, settings);
    broken ||= classified.status === 502 || classified.status === 503;
    throw classified;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (!broken && framed) {
      try {
        await client.query('ROLLBACK');
        if (options.resetAfter) {
          await client.query('DISCARD ALL');
        }
      } catch {
        broken = true;
      }
    }
    // A broken or cancelled connection is destroyed rather than returned in an unknown state.
    client.release(broken ? true : undefined);
    client.removeListener('error', onConnectionError);
  }
}

/**
 * Runs work on a pooled connection inside a READ ONLY transaction that is always rolled back, bounded by the
 * statement timeout and cancelled (server side) when Grafana cancels the request.
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
}

// Sends PostgreSQL's CancelRequest for the statement the client is running, on a separate short connection.
function cancelActiveQuery(settings: LedgerSettings, client: pg.PoolClient): void {
  const active = (client as unknown as { activeQuery?: unknown }).activeQuery;
  if (!active) {
    return;
  }
  const canceller = new pg.Client(clientConfig(settings)) as unknown as { cancel(c: unknown, q: unknown): void };
  try {
    canceller.cancel(client, active);
  } catch {
    // best effort: the statement timeout still bounds it
  }
}

// The extended protocol accepts exactly one statement per call, which rules out "SELECT 1; DROP …" smuggling.
// (`queryMode` is supported by pg 8.x but missing from its type definitions.)
function extended<C extends object>(config: C): C {
  return { ...config, queryMode: 'extended' };
}

/** Runs `work` in a read-only, rolled-back transaction on a connection from `pool`. */
export async function withReadOnlySession<T>(
  pool: pg.Pool,
  settings: LedgerSettings,
  work: (session: Session) => Promise<T>,
  options: SessionOptions = {}
): Promise<T> {
  const { signal } = options;
  if (signal?.aborted) {
    throw new QueryError('[cancelled] the request was cancelled', 408, 'downstream');
  }
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw classifyPgError(error, settings);
  }
  let broken = false;
  const onAbort = () => {
    broken = true;
    cancelActiveQuery(settings, client);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const timeout = Math.min(options.timeoutMs ?? settings.statementTimeoutMs, settings.statementTimeoutMs);
    await client.query('BEGIN TRANSACTION READ ONLY');
    await client.query(`SET LOCAL statement_timeout = ${Math.floor(timeout)}`);
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
    if (!broken) {
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
  }
}

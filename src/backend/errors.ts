/**
 * One error shape for one query: a message a user can act on, an HTTP-like status and who is at fault.
 * `downstream` means the database or the user's input; `plugin` means a bug or limit of ours.
 */

/** Who caused a failure (Grafana uses it for SLOs and error display). */
export type ErrorSource = 'plugin' | 'downstream';

/** HTTP-like statuses a query error may carry. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 408 | 413 | 422 | 500 | 502 | 503 | 504;

/** A failure of one query (one refId). Messages read "[category] what happened — what to do". */
export class QueryError extends Error {
  override readonly name = 'QueryError';
  constructor(
    message: string,
    readonly status: ErrorStatus,
    readonly source: ErrorSource,
    options?: ErrorOptions
  ) {
    super(message, options);
  }

  /** The query itself is wrong (bad JSON, unknown metric, hostile input). */
  static badQuery(message: string, cause?: unknown): QueryError {
    return new QueryError(message, 400, 'downstream', { cause });
  }

  /** A bug or limit of the plugin. */
  static internal(message: string, cause?: unknown): QueryError {
    return new QueryError(message, 500, 'plugin', { cause });
  }
}

/** Grafana sent a request we cannot interpret (missing plugin context, no datasource settings). */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

/** Datasource settings are invalid; the message names the field, never its value. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

/** A live stream ended on purpose (its datasource was reconfigured); Grafana calls RunStream again. */
export class StreamInterrupted extends Error {
  override readonly name = 'StreamInterrupted';
}

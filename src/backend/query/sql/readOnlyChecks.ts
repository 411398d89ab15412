/**
 * Why a raw SQL statement cannot run, in words, before PostgreSQL is asked: statements and functions that would write
 * (or manage the session the datasource owns) get a `[read-only]` error that says so and, for the runbooks' requeue,
 * where it is done instead. A first word PostgreSQL does not know is not a write: it goes to PostgreSQL, whose syntax
 * error is the true message (`SELEC …` is a typo, not a write attempt). None of this is the protection: the statement
 * runs in a READ ONLY transaction that is always rolled back.
 */
import { QueryError } from '../../errors';
import { isTrivia, type Token } from './sqlLexer';

/** Statements that return rows: run through a cursor (so the row limit can stop them early). */
export const CURSOR_STATEMENTS: ReadonlySet<string> = new Set(['SELECT', 'WITH', 'VALUES', 'TABLE']);
/** Statements that return rows but cannot be declared as a cursor; run as they are. */
export const DIRECT_STATEMENTS: ReadonlySet<string> = new Set(['EXPLAIN', 'SHOW']);

const READS = 'only reads (SELECT, WITH, VALUES, TABLE, EXPLAIN, SHOW)';

/** First words of PostgreSQL statements that change the database (data, schema, privileges, maintenance). */
const WRITE_STATEMENTS = new Set([
  ...['ALTER', 'ANALYZE', 'ANALYSE', 'CALL', 'CHECKPOINT', 'CLUSTER', 'COMMENT', 'COPY', 'CREATE', 'DELETE', 'DO'],
  ...['DROP', 'GRANT', 'IMPORT', 'INSERT', 'LOAD', 'LOCK', 'MERGE', 'NOTIFY', 'REASSIGN', 'REFRESH', 'REINDEX'],
  ...['REVOKE', 'SECURITY', 'TRUNCATE', 'UPDATE', 'VACUUM'],
]);
/** First words of PostgreSQL statements that manage the transaction or the session, which the datasource owns. */
const SESSION_STATEMENTS = new Set([
  ...['ABORT', 'BEGIN', 'CLOSE', 'COMMIT', 'DEALLOCATE', 'DECLARE', 'DISCARD', 'END', 'EXECUTE', 'FETCH', 'LISTEN'],
  ...['MOVE', 'PREPARE', 'RELEASE', 'RESET', 'ROLLBACK', 'SAVEPOINT', 'SET', 'START', 'UNLISTEN'],
]);
const DATA_MODIFYING = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);
/** Sequence functions: they advance or set a sequence, a write even inside a SELECT. */
const SEQUENCE_WRITERS = new Set(['nextval', 'setval']);
/** requeue_stale_jobs() in SQL; requeueStaleJobs() is the runbooks' (JavaScript) name for it. */
const REQUEUE_NAMES = new Set(['requeue_stale_jobs', 'requeuestalejobs']);

const upper = (token: Token | undefined) => (token?.type === 'word' ? token.text.toUpperCase() : undefined);

/** An identifier's name as PostgreSQL folds it, case-insensitively for quoted ones (a JS name may be quoted). */
function nameOf(token: Token): string | undefined {
  if (token.type === 'word') {
    return token.text.toLowerCase();
  }
  return token.type === 'quotedIdent' ? token.text.slice(1, -1).toLowerCase() : undefined;
}

const isPunct = (token: Token | undefined, text: string) => token?.type === 'punct' && token.text === text;

/** The stale_after argument to show in the requeue advice: a JS call's milliseconds become an interval. */
function staleAfter(argument: Token | undefined, camelCase: boolean): string {
  if (argument?.type === 'string' && argument.text.length <= 40) {
    return argument.text;
  }
  if (camelCase && argument?.type === 'number' && Number.isFinite(Number(argument.text))) {
    const ms = Number(argument.text);
    return ms % 1000 === 0 ? `'${ms / 1000} seconds'` : `'${ms} milliseconds'`;
  }
  return "'5 minutes'";
}

/** The error for a call of requeue_stale_jobs (or its JS name): read-only here, and where the requeue is done. */
function requeueRefusal(name: Token, argument: Token | undefined): QueryError {
  const camelCase = nameOf(name) === 'requeuestalejobs';
  const written = name.text.slice(0, 40);
  const what = camelCase
    ? `${written}() is the runbooks' name for the ledger function requeue_stale_jobs(stale_after interval), which appends job.requeued events`
    : `${written}() appends job.requeued events`;
  return QueryError.badQuery(
    `[read-only] ${what}, and this datasource only reads the ledger — requeue as the ledger's writer instead: ` +
      `in psql as a member of ledger_writer, SELECT requeue_stale_jobs(${staleAfter(argument, camelCase)}); ` +
      "(the runbooks' remediation step)"
  );
}

/** A call of a function that writes (requeue, sequences), anywhere in the statement's code. */
function writingCall(code: readonly Token[]): QueryError | undefined {
  for (let i = 0; i < code.length - 1; i++) {
    // `name(`, schema-qualified (`public.name(`) or not
    const name = nameOf(code[i]!);
    if (name === undefined || !isPunct(code[i + 1], '(')) {
      continue;
    }
    if (REQUEUE_NAMES.has(name)) {
      return requeueRefusal(code[i]!, code[i + 2]);
    }
    if (SEQUENCE_WRITERS.has(name)) {
      return QueryError.badQuery(
        `[read-only] ${name}() changes a sequence, and this datasource only reads the ledger: ${READS}`
      );
    }
  }
  return undefined;
}

/**
 * A data-modifying statement inside WITH (`WITH d AS (DELETE …)`) or as the main statement after it (`WITH x AS
 * (…) INSERT …`), or `SELECT … INTO` (which creates a table). Without this, PostgreSQL's answer names the cursor the
 * datasource wraps reads in, or a syntax error at the INSERT.
 */
function writeInsideRead(code: readonly Token[]): QueryError | undefined {
  let depth = 0;
  for (let i = 0; i < code.length; i++) {
    const token = code[i]!;
    if (isPunct(token, '(')) {
      depth++;
      const opener = upper(code[i - 1]);
      const inside = upper(code[i + 1]);
      if ((opener === 'AS' || opener === 'MATERIALIZED') && inside && DATA_MODIFYING.has(inside)) {
        return QueryError.badQuery(`[read-only] ${inside} inside WITH cannot run here: ${READS}`);
      }
    } else if (isPunct(token, ')')) {
      depth--;
    } else if (depth === 0) {
      const word = upper(token);
      if (word && DATA_MODIFYING.has(word) && isPunct(code[i - 1], ')')) {
        return QueryError.badQuery(`[read-only] ${word} statements cannot run here: ${READS}`);
      }
      if (word === 'INTO') {
        return QueryError.badQuery(`[read-only] SELECT … INTO creates a table and cannot run here: ${READS}`);
      }
    }
  }
  return undefined;
}

/**
 * How to run a statement whose first word is `keyword`, or the QueryError that says why it cannot run here.
 * Unknown first words run through the cursor, where PostgreSQL's parser rejects anything but a SELECT with its own
 * syntax error.
 */
export function statementMode(tokens: readonly Token[], keyword: string): 'cursor' | 'direct' {
  const code = tokens.filter((token) => !isTrivia(token));
  const refusal = writingCall(code);
  if (refusal) {
    throw refusal;
  }
  const shown = keyword.slice(0, 40);
  if (WRITE_STATEMENTS.has(keyword)) {
    throw QueryError.badQuery(
      `[read-only] ${shown} statements cannot run here: ${READS} — the datasource never changes the ledger`
    );
  }
  if (SESSION_STATEMENTS.has(keyword)) {
    throw QueryError.badQuery(
      `[read-only] ${shown} statements cannot run here: ${READS} — each query runs alone in a read-only transaction that the datasource opens and rolls back`
    );
  }
  if (CURSOR_STATEMENTS.has(keyword)) {
    const write = writeInsideRead(code);
    if (write) {
      throw write;
    }
  }
  return DIRECT_STATEMENTS.has(keyword) ? 'direct' : 'cursor';
}

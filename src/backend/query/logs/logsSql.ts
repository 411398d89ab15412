/**
 * Logs plan → SQL: the newest events of the window (index `ledger_events_occurred_at_idx`, read backwards), narrowed
 * by dimension filters and a case-insensitive search. One row more than the limit is fetched so the frame can say
 * when the limit cut the result.
 */
import { QueryError } from '../../errors';
import { filtersSql } from '../metrics/filtersSql';
import type { LogsPlan } from '../plan';
import { Params, type Sql } from '../sql';
import { windowBounds } from '../timeBucketSql';
import { EVENT_COLUMNS_SQL } from './eventRow';

/** Most search terms one query may combine. */
export const MAX_SEARCH_TERMS = 20;

/**
 * The text a search looks in: every text column of the event plus its payload. The log body is made of these
 * values, so a word of the body (an id, a tool, an error type, a message) is found; connecting words are not.
 */
const SEARCH_TEXT_SQL = `concat_ws(' ', e.kind, e.job_id, e.worker_id, e.mode, e.agent, e.trace_id, e.span_id, e.name, e.status, e.conversation_id, e.payload::text)`;

/** Escapes LIKE's wildcards (and its default escape character) so a term matches literally. */
export function escapeLike(term: string): string {
  return term.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Splits a search into terms: words, or "quoted phrases"; every term must occur (AND). */
export function searchTerms(search: string | undefined): string[] {
  if (!search) {
    return [];
  }
  const terms: string[] = [];
  for (const match of search.matchAll(/"([^"]*)"|(\S+)/g)) {
    const term = match[1] ?? match[2] ?? '';
    if (term.trim() !== '') {
      terms.push(term);
    }
  }
  if (terms.length > MAX_SEARCH_TERMS) {
    throw QueryError.badQuery(
      `[query] the search has ${terms.length} terms; at most ${MAX_SEARCH_TERMS} are allowed — shorten it`
    );
  }
  return terms;
}

/** ` AND <text> ILIKE $n` per term (values are parameters with LIKE wildcards escaped). */
export function searchSql(search: string | undefined, params: Params): string {
  return searchTerms(search)
    .map((term) => ` AND ${SEARCH_TEXT_SQL} ILIKE ${params.add(`%${escapeLike(term)}%`, 'text')}`)
    .join('');
}

/** Builds the statement for a logs plan (newest first, limit + 1 rows). */
export function logsSql(plan: LogsPlan): Sql {
  const params = new Params();
  const { from, to } = windowBounds(plan.window, params);
  const where = `e.occurred_at >= ${from} AND e.occurred_at < ${to}${filtersSql(plan.filters, params)}${searchSql(plan.search, params)}`;
  const text = `SELECT ${EVENT_COLUMNS_SQL}
FROM ledger_events e
WHERE ${where}
ORDER BY e.occurred_at DESC, e.seq DESC
LIMIT ${params.add(plan.limit + 1, 'int8')}`;
  return { text, values: params.values };
}

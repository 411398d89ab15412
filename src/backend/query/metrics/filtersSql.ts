/** WHERE clauses for dimension filters. Values are parameters; regexes are PostgreSQL POSIX (`~`). */
import type { Dimension, Filter } from '../../../contract/query';
import { QueryError } from '../../errors';
import type { Params } from '../sql';
import { DIMENSION_COLUMNS } from './dimensions';

/** Maps a dimension to its SQL column expression. */
export type ColumnOf = (dimension: Dimension) => string;

/**
 * Turns filters into `AND`-joined conditions (empty string when there are none). `columns` is a table alias for
 * ledger_events columns (`e` → `e.mode`) or a function mapping dimensions to expressions (other tables).
 */
export function filtersSql(filters: readonly Filter[], params: Params, columns: string | ColumnOf = 'e'): string {
  const columnOf: ColumnOf =
    typeof columns === 'function' ? columns : (dimension) => `${columns}.${DIMENSION_COLUMNS[dimension]}`;
  const conditions = filters.map((filter) => {
    const column = columnOf(filter.key);
    const list = Array.isArray(filter.value) ? filter.value : [filter.value];
    const single = Array.isArray(filter.value) ? (filter.value[0] ?? '') : filter.value;
    switch (filter.operator) {
      case '=':
        return `${column} = ${params.add(single, 'text')}`;
      case '!=':
        return `${column} IS DISTINCT FROM ${params.add(single, 'text')}`;
      case '=~':
        return `${column} ~ ${params.add(checkedRegex(single), 'text')}`;
      case '!~':
        return `(${column} IS NULL OR ${column} !~ ${params.add(checkedRegex(single), 'text')})`;
      case 'in':
        return `${column} = ANY(${params.add(list, 'text[]')})`;
      case 'not in':
        return `(${column} IS NULL OR NOT (${column} = ANY(${params.add(list, 'text[]')})))`;
    }
  });
  return conditions.map((condition) => ` AND ${condition}`).join('');
}

// PostgreSQL reports a bad regex at run time as a 2201B error; reject obviously empty ones early.
function checkedRegex(pattern: string): string {
  if (pattern.length === 0) {
    throw QueryError.badQuery(
      '[query] an empty regular expression matches everything — use a pattern or remove the filter'
    );
  }
  return pattern;
}

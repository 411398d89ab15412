import type { ScopedVars } from '@grafana/data';

import type { Filter, FilterOperator } from '../../contract/query';
import type { LedgerQuery } from '../types';

/** The part of Grafana's TemplateSrv this module needs. */
export interface TemplateReplacer {
  replace(target?: string, scopedVars?: ScopedVars, format?: string | Function): string;
}

// A character no dimension value contains: multi-value variables are joined with it, then split again.
const SEPARATOR = '\u001f';

interface VariableLike {
  multi?: boolean;
  includeAll?: boolean;
}

const joinValues = (value: unknown) => (Array.isArray(value) ? value.map(String).join(SEPARATOR) : String(value ?? ''));

/** `'it''s'`: a PostgreSQL string literal. */
export function quoteLiteral(value: unknown): string {
  return `'${String(value).replace(/'/g, "''")}'`;
}

/**
 * Formats a variable's value inside raw SQL the way Grafana's PostgreSQL datasource does: multi-value (and "All")
 * variables become a list of quoted literals for `IN ($var)`; a single value is inserted with quotes doubled, so
 * `'$var'` stays one literal.
 */
export function formatSqlVariable(value: string | string[] | number, variable?: VariableLike): string {
  if (typeof value === 'number') {
    return String(value);
  }
  if (Array.isArray(value)) {
    return value.map(quoteLiteral).join(',');
  }
  if (variable?.multi || variable?.includeAll) {
    return quoteLiteral(value);
  }
  return String(value).replace(/'/g, "''");
}

function replaceToList(templateSrv: TemplateReplacer, value: string, scopedVars: ScopedVars): string[] {
  return templateSrv.replace(value, scopedVars, joinValues).split(SEPARATOR);
}

const NEGATED: Partial<Record<FilterOperator, FilterOperator>> = { '=': 'in', '!=': 'not in' };

/**
 * Interpolates one filter. `in`/`not in` get every selected value of a multi-value variable as its own list item;
 * `=`/`!=` with a variable that expands to several values become `in`/`not in`; regex operators get Grafana's
 * `regex` format (`(a|b)`, escaped).
 */
export function interpolateFilter(filter: Filter, templateSrv: TemplateReplacer, scopedVars: ScopedVars): Filter {
  const values = Array.isArray(filter.value) ? filter.value : [filter.value];
  switch (filter.operator) {
    case 'in':
    case 'not in': {
      const expanded = values.flatMap((value) => replaceToList(templateSrv, value, scopedVars));
      return { ...filter, value: [...new Set(expanded)] };
    }
    case '=~':
    case '!~':
      return { ...filter, value: templateSrv.replace(values.join('|'), scopedVars, 'regex') };
    default: {
      const expanded = [...new Set(values.flatMap((value) => replaceToList(templateSrv, value, scopedVars)))];
      if (expanded.length === 1) {
        return { ...filter, value: expanded[0] ?? '' };
      }
      return { ...filter, operator: NEGATED[filter.operator] ?? 'in', value: expanded };
    }
  }
}

const replaceText = (templateSrv: TemplateReplacer, value: string | undefined, scopedVars: ScopedVars) =>
  value === undefined ? undefined : templateSrv.replace(value, scopedVars);

/** Replaces template variables in every field of a query that may hold them (Grafana's `applyTemplateVariables`). */
export function interpolateQuery(
  query: LedgerQuery,
  templateSrv: TemplateReplacer,
  scopedVars: ScopedVars = {}
): LedgerQuery {
  const result: LedgerQuery = { ...query };
  if (query.rawSql !== undefined) {
    result.rawSql = templateSrv.replace(query.rawSql, scopedVars, formatSqlVariable);
  }
  if (query.filters) {
    result.filters = query.filters.map((filter) => interpolateFilter(filter, templateSrv, scopedVars));
  }
  result.metric = replaceText(templateSrv, query.metric, scopedVars);
  result.search = replaceText(templateSrv, query.search, scopedVars);
  result.traceId = replaceText(templateSrv, query.traceId, scopedVars);
  result.legend = replaceText(templateSrv, query.legend, scopedVars);
  for (const key of ['metric', 'search', 'traceId', 'legend'] as const) {
    if (result[key] === undefined) {
      delete result[key];
    }
  }
  return result;
}

/** Pure edits of a filter list: what the filters editor does, testable without React. */
import {
  FILTER_OPERATORS,
  QUERY_LIMITS,
  type Dimension,
  type Filter,
  type FilterOperator,
} from '../../../contract/query';

/** Operators whose value is a list. */
export function isListOperator(operator: FilterOperator): boolean {
  return operator === 'in' || operator === 'not in';
}

/** Whether a filter has a value to filter by (an empty value would match nothing, so it is not sent). */
export function isCompleteFilter(filter: Filter): boolean {
  return Array.isArray(filter.value) ? filter.value.length > 0 : filter.value !== '';
}

/** Filters worth sending to the backend. */
export function completeFilters(filters: readonly Filter[] | undefined): Filter[] {
  return (filters ?? []).filter(isCompleteFilter);
}

/**
 * Saved filters as the editor can show them: a filter with a null, missing or unknown operator gets `=`, one with a
 * null or missing value an empty one (left out of requests until filled in, as any incomplete filter); entries that
 * are not objects are dropped. The same value comes back when nothing needed repair; anything but an array, and a
 * wrong key, is left for the backend to name.
 */
export function editableFilters<T>(filters: T): T | Filter[] {
  if (!Array.isArray(filters)) {
    return filters;
  }
  let repaired = false;
  const result = filters.flatMap((entry: unknown): Filter[] => {
    if (typeof entry !== 'object' || entry === null) {
      repaired = true;
      return [];
    }
    const filter = entry as Partial<Record<keyof Filter, unknown>>;
    const operator = FILTER_OPERATORS.find((known) => known === filter.operator) ?? '=';
    const value = typeof filter.value === 'string' || Array.isArray(filter.value) ? filter.value : undefined;
    if (operator === filter.operator && value !== undefined) {
      return [entry as Filter];
    }
    repaired = true;
    return [{ ...(entry as Filter), operator, value: value ?? (isListOperator(operator) ? [] : '') }];
  });
  return repaired ? result : (filters as Filter[]);
}

/** Adds a filter on the first dimension not filtered yet (or the first one), unless the list is full. */
export function addFilter(filters: readonly Filter[], dimensions: readonly Dimension[]): Filter[] {
  const used = new Set(filters.map((f) => f.key));
  const key = dimensions.find((d) => !used.has(d)) ?? dimensions[0];
  if (key === undefined || filters.length >= QUERY_LIMITS.filters) {
    return [...filters];
  }
  return [...filters, { key, operator: '=', value: '' }];
}

/** Changes the dimension of a filter; its value belonged to the old dimension, so it is cleared. */
export function setFilterKey(filters: readonly Filter[], index: number, key: Dimension): Filter[] {
  return filters.map((filter, i) =>
    i === index && filter.key !== key ? { ...filter, key, value: isListOperator(filter.operator) ? [] : '' } : filter
  );
}

/** Changes the operator, converting the value between a single value and a list. */
export function setFilterOperator(filters: readonly Filter[], index: number, operator: FilterOperator): Filter[] {
  if (!FILTER_OPERATORS.includes(operator)) {
    return [...filters];
  }
  return filters.map((filter, i) => {
    if (i !== index) {
      return filter;
    }
    const values = Array.isArray(filter.value) ? filter.value : filter.value === '' ? [] : [filter.value];
    return { ...filter, operator, value: isListOperator(operator) ? values : (values[0] ?? '') };
  });
}

/** Sets the value (a list for `in`/`not in`, which keeps each value once). */
export function setFilterValue(filters: readonly Filter[], index: number, value: string | string[]): Filter[] {
  return filters.map((filter, i) => {
    if (i !== index) {
      return filter;
    }
    if (isListOperator(filter.operator)) {
      const list = Array.isArray(value) ? value : value === '' ? [] : [value];
      return { ...filter, value: [...new Set(list)].slice(0, QUERY_LIMITS.filterValues) };
    }
    return { ...filter, value: Array.isArray(value) ? (value[0] ?? '') : value };
  });
}

/** Removes one filter. */
export function removeFilter(filters: readonly Filter[], index: number): Filter[] {
  return filters.filter((_, i) => i !== index);
}

/** Pure edits of a jobs listing's numeric conditions: what the conditions editor does, testable without React. */
import {
  COMPARISON_OPERATORS,
  JOB_NUMBER_FIELDS,
  QUERY_LIMITS,
  type ComparisonOperator,
  type JobCondition,
  type JobNumberField,
} from '../../../contract/query';

/** Adds a condition on the first field not used yet ("duration_ms > 60000" is the everyday one). */
export function addCondition(conditions: readonly JobCondition[]): JobCondition[] {
  if (conditions.length >= QUERY_LIMITS.jobConditions) {
    return [...conditions];
  }
  const used = new Set(conditions.map((c) => c.field));
  const field = JOB_NUMBER_FIELDS.find((f) => !used.has(f)) ?? JOB_NUMBER_FIELDS[0];
  return [...conditions, { field, operator: '>', value: field === 'duration_ms' ? 60_000 : 0 }];
}

/** Changes a condition's field (the value stays: it is often the same kind of number). */
export function setConditionField(conditions: readonly JobCondition[], index: number, field: JobNumberField) {
  return conditions.map((c, i) => (i === index && JOB_NUMBER_FIELDS.includes(field) ? { ...c, field } : c));
}

/** Changes a condition's operator. */
export function setConditionOperator(conditions: readonly JobCondition[], index: number, operator: ComparisonOperator) {
  return conditions.map((c, i) => (i === index && COMPARISON_OPERATORS.includes(operator) ? { ...c, operator } : c));
}

/**
 * Sets a condition's value from the text of its input. Returns undefined while the text is not a finite number
 * (the input keeps the text and the query keeps its last valid value, so a half-typed "6e" never reaches the
 * backend).
 */
export function setConditionValue(
  conditions: readonly JobCondition[],
  index: number,
  text: string
): JobCondition[] | undefined {
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(value)) {
    return undefined;
  }
  return conditions.map((c, i) => (i === index ? { ...c, value } : c));
}

/** Removes one condition. */
export function removeCondition(conditions: readonly JobCondition[], index: number): JobCondition[] {
  return conditions.filter((_, i) => i !== index);
}

/** Reading the frames the backend returns, for the pages that render them without a panel. */
import { FieldType, type DataFrame, type Field } from '@grafana/data';

/** Every value of a field as an array (fields hold arrays in Grafana 10+, vectors before). */
export function fieldValues(field: Field): unknown[] {
  return Array.from(field.values as ArrayLike<unknown>);
}

/**
 * The total of an instant (numeric-multi) result: the sum of every series' value, or undefined when there is
 * none. With `combine: 'max'` the largest value instead (for ratios, where a sum means nothing).
 */
export function instantValue(frames: DataFrame[], combine: 'sum' | 'max' = 'sum'): number | undefined {
  const values = frames
    .flatMap((frame) => frame.fields.filter((field) => field.type === FieldType.number))
    .flatMap((field) => fieldValues(field))
    .filter((value): value is number => typeof value === 'number' && Number.isFinite(value));
  if (values.length === 0) {
    return undefined;
  }
  return combine === 'max' ? Math.max(...values) : values.reduce((a, b) => a + b, 0);
}

/** A frame as rows of named cells, for a table. */
export function frameRows(frame: DataFrame, limit = 500): Array<Record<string, unknown>> {
  const rows: Array<Record<string, unknown>> = [];
  const columns = frame.fields.map((field) => ({ name: field.name, values: fieldValues(field) }));
  for (let i = 0; i < Math.min(frame.length, limit); i++) {
    const row: Record<string, unknown> = { __row: i };
    for (const column of columns) {
      row[column.name] = column.values[i];
    }
    rows.push(row);
  }
  return rows;
}

/** Finds a field by one of its possible names (case-insensitive). */
export function findField(frame: DataFrame, ...names: string[]): Field | undefined {
  const wanted = names.map((name) => name.toLowerCase());
  return frame.fields.find((field) => wanted.includes(field.name.toLowerCase()));
}

/**
 * Raw SQL rows → typed columns (via the OID registry) → the table frame: one field per column, in SELECT order,
 * nullable where a NULL occurs, with the executed SQL in meta for the query inspector.
 */
import { boolField, jsonField, makeFrame, numberField, stringField, timeField } from '../../frames/builders';
import {
  checkFrame,
  type CheckedFrame,
  type Field,
  type FrameMeta,
  type JsonValue,
  type NumberStorage,
} from '../../frames/frame';
import { columnTypeOf, type ColumnType } from './columnTypes';

/** A result column with its values converted for its field type. */
export interface TypedColumn {
  name: string;
  columnType: ColumnType;
  values: unknown[];
}

/** A column as pg describes it. */
export interface ResultColumn {
  name: string;
  dataTypeID: number;
}

/** Converts row arrays into typed columns. */
export function typedColumns(fields: readonly ResultColumn[], rows: readonly unknown[][]): TypedColumn[] {
  return fields.map((field, index) => {
    const columnType = columnTypeOf(field.dataTypeID);
    return { name: field.name, columnType, values: rows.map((row) => columnType.convert(row[index])) };
  });
}

/** The frame field of a typed column. */
export function fieldOf(column: TypedColumn): Field {
  const { name, values, columnType } = column;
  switch (columnType.type) {
    case 'time':
      return timeField(name, values as Array<number | null>);
    case 'number':
      return numberField(name, values as Array<number | bigint | null>, {
        storage: columnType.storage as NumberStorage,
      });
    case 'boolean':
      return boolField(name, values as Array<boolean | null>);
    case 'json':
      return jsonField(name, values as JsonValue[]);
    case 'string':
      return stringField(name, values as Array<string | null>);
  }
}

/** The table-format frame. */
export function tableFrame(columns: readonly TypedColumn[], meta: FrameMeta): CheckedFrame {
  return checkFrame(
    makeFrame(columns.map(fieldOf), { name: 'sql', meta: { ...meta, preferredVisualisationType: 'table' } })
  );
}

/**
 * The Grafana data frame model: what every backend handler builds and what the encoders read. It mirrors
 * grafana-plugin-sdk-go's `data.Frame` and `data.Field`; `meta` and `config` are typed in metadata.ts.
 *
 * `checkFrame` is the gate to the encoders: it proves what Grafana's Go reader needs (equal field lengths, values
 * that fit their declared type, metadata it can decode) and brands the result, so an unchecked frame cannot reach
 * `toArrowIpc` or `toFrameJson` (a compile error, not a failed query in Grafana).
 */
import { checkFieldConfig, checkFrameMeta, checkLabels } from './checkMetadata';
import { checkFieldValues } from './checkValues';
import { FrameError, describe } from './frameError';
import type { FieldConfig, FrameMeta } from './metadata';

export { FrameError } from './frameError';
export type * from './metadata';

/** The kind of a field; `json` is Arrow Binary holding UTF-8 JSON (Grafana `other`), `enum` is uint16 + `tstype=enum`. */
export type FieldType = 'time' | 'number' | 'string' | 'boolean' | 'json' | 'enum';

/** The exact storage of a number field (Arrow Int*, Uint*, Float*); numbers default to `float64`. */
export type NumberStorage =
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'float32'
  | 'float64';

/** Every number storage, in the Go SDK's order. */
export const NUMBER_STORAGES: readonly NumberStorage[] = [
  'int8',
  'int16',
  'int32',
  'int64',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'float32',
  'float64',
];

/** The frontend type of each field type: field metadata `tstype` in Arrow, `type` in frame JSON. */
export const FRONTEND_TYPE_OF: Readonly<Record<FieldType, string>> = {
  time: 'time',
  number: 'number',
  string: 'string',
  boolean: 'boolean',
  json: 'other',
  enum: 'enum',
};

/** Any value JSON can hold. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** Field labels (the series dimensions); Grafana rejects any value that is not a string. */
export type Labels = Readonly<Record<string, string>>;

interface FieldBase {
  /** Grafana field name; duplicates are allowed. */
  name: string;
  /** Whether the column may hold nulls; Grafana ignores the validity bitmap of a non-nullable column. */
  nullable: boolean;
  labels?: Labels;
  config?: FieldConfig;
}

/**
 * Time values are epoch milliseconds (integers). `nanos` optionally carries the sub-millisecond part of each row
 * (0..999999), exactly like the `nanos` array of Grafana's frame JSON, so nanosecond timestamps round-trip.
 */
export interface TimeField extends FieldBase {
  type: 'time';
  values: ArrayLike<number | null>;
  nanos?: ArrayLike<number>;
}

/** A numeric column; int64/uint64 values may be `bigint` to keep all 64 bits. */
export interface NumberField extends FieldBase {
  type: 'number';
  storage?: NumberStorage;
  values: ArrayLike<number | bigint | null>;
}

/** A UTF-8 string column (Arrow Utf8, never a dictionary). */
export interface StringField extends FieldBase {
  type: 'string';
  values: ArrayLike<string | null>;
}

/** A boolean column. */
export interface BooleanField extends FieldBase {
  type: 'boolean';
  values: ArrayLike<boolean | null>;
}

/** A JSON column (logs `labels`, trace `tags`); a `null` cell is a missing value. */
export interface JsonField extends FieldBase {
  type: 'json';
  values: ArrayLike<JsonValue>;
}

/** An enum column: indexes (0..65535) into `config.type.enum.text`. */
export interface EnumField extends FieldBase {
  type: 'enum';
  values: ArrayLike<number | null>;
}

/** One column of a frame. */
export type Field = TimeField | NumberField | StringField | BooleanField | JsonField | EnumField;

/** A Grafana data frame: named, typed, equal-length columns plus frame metadata. */
export interface Frame {
  name?: string;
  refId?: string;
  meta?: FrameMeta;
  fields: readonly Field[];
}

declare const checkedFrameBrand: unique symbol;

/** A frame that passed `checkFrame`; only this can be encoded. Do not mutate it (or its value arrays) afterwards. */
export type CheckedFrame = Frame & { readonly [checkedFrameBrand]: true };

/** A checked frame with its refId set (QueryData answers each query's frames under that query's refId). */
export function withRefId(frame: CheckedFrame, refId: string): CheckedFrame {
  if (typeof refId !== 'string') {
    throw new FrameError(`refId must be a string, got ${describe(refId)}`);
  }
  return Object.freeze({ ...frame, refId });
}

/** The row count of a frame whose fields are known to have equal lengths. */
export function rowCountOf(frame: Frame): number {
  return frame.fields[0]?.values.length ?? 0;
}

/** The storage of a number field, applying the `float64` default. */
export function storageOf(field: NumberField): NumberStorage {
  return field.storage ?? 'float64';
}

// --- checkFrame ------------------------------------------------------------------------------------------------

const FRAME_KEYS = new Set(['name', 'refId', 'meta', 'fields']);
const FIELD_KEYS = new Set(['name', 'type', 'storage', 'nullable', 'values', 'labels', 'config', 'nanos']);
const FIELD_TYPES = new Set(['time', 'number', 'string', 'boolean', 'json', 'enum']);

/** Checks a frame against what Grafana can decode and returns it frozen and branded; throws a FrameError naming the field. */
export function checkFrame(frame: Frame): CheckedFrame {
  if (typeof frame !== 'object' || frame === null) {
    throw new FrameError(`a frame must be an object, got ${describe(frame)}`);
  }
  const where = frame.name ? `frame "${frame.name}"` : `frame${frame.refId ? ` (refId ${frame.refId})` : ''}`;
  rejectUnknownKeys(frame, FRAME_KEYS, where);
  for (const key of ['name', 'refId'] as const) {
    if (frame[key] !== undefined && typeof frame[key] !== 'string') {
      throw new FrameError(`${where}: ${key} must be a string, got ${describe(frame[key])}`);
    }
  }
  if (!Array.isArray(frame.fields)) {
    throw new FrameError(`${where}: fields must be an array, got ${describe(frame.fields)}`);
  }
  const first = frame.fields[0];
  const rows = first?.values?.length ?? 0;
  frame.fields.forEach((field: Field, index) =>
    checkField(field, `${where} field ${index} "${field?.name}"`, rows, first)
  );
  if (frame.meta !== undefined) {
    checkFrameMeta(frame.meta, frame.fields.length, where);
  }
  // Freeze the structure we checked; copying the value arrays as well would double the memory of large frames.
  const fields = Object.freeze(frame.fields.map((field) => Object.freeze({ ...field })));
  return Object.freeze({ ...frame, fields }) as CheckedFrame;
}

function checkField(field: Field, where: string, rows: number, first: Field | undefined): void {
  if (typeof field !== 'object' || field === null) {
    throw new FrameError(`${where} must be an object, got ${describe(field)}`);
  }
  rejectUnknownKeys(field, FIELD_KEYS, where);
  if (typeof field.name !== 'string') {
    throw new FrameError(`${where}: name must be a string, got ${describe(field.name)}`);
  }
  if (!FIELD_TYPES.has(field.type)) {
    throw new FrameError(`${where}: type must be one of ${[...FIELD_TYPES].join(', ')}; got ${describe(field.type)}`);
  }
  if (typeof field.nullable !== 'boolean') {
    throw new FrameError(`${where}: nullable must be true or false, got ${describe(field.nullable)}`);
  }
  const values: unknown = field.values;
  if (typeof values !== 'object' || values === null || typeof (values as ArrayLike<unknown>).length !== 'number') {
    throw new FrameError(`${where}: values must be an array or typed array, got ${describe(values)}`);
  }
  if (field.values.length !== rows) {
    // Grafana rejects frames whose fields differ in length; say which two disagree.
    throw new FrameError(`${where} has ${field.values.length} values but field 0 "${first?.name}" has ${rows}`);
  }
  if (
    'storage' in field &&
    field.storage !== undefined &&
    (field.type !== 'number' || !NUMBER_STORAGES.includes(field.storage))
  ) {
    throw new FrameError(`${where}: storage ${describe(field.storage)} is not valid for a ${field.type} field`);
  }
  if ('nanos' in field && field.nanos !== undefined && field.type !== 'time') {
    throw new FrameError(`${where}: only time fields have nanos`);
  }
  if (field.labels !== undefined) {
    checkLabels(field.labels, where);
  }
  if (field.config !== undefined) {
    checkFieldConfig(field.config, where);
  }
  checkFieldValues(field, where);
}

function rejectUnknownKeys(object: object, allowed: ReadonlySet<string>, where: string): void {
  for (const [key, value] of Object.entries(object)) {
    if (!allowed.has(key) && value !== undefined) {
      throw new FrameError(`${where}: unknown key "${key}"; allowed: ${[...allowed].join(', ')}`);
    }
  }
}

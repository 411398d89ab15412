/**
 * Small builders for the common fields and frames, so handlers read like the frame they produce:
 *
 *   checkFrame(makeFrame([timeField('time', ms), numberField('job.completed', counts, { labels: { mode } })], {
 *     refId, meta: { type: 'timeseries-multi', typeVersion: [0, 1] },
 *   }))
 *
 * Unless `nullable` is given, a field is nullable exactly when one of its values is null.
 */
import type {
  BooleanField,
  EnumField,
  FieldConfig,
  Frame,
  FrameMeta,
  JsonField,
  JsonValue,
  Labels,
  NumberField,
  NumberStorage,
  StringField,
  TimeField,
  Field,
} from './frame';

/** Options every field builder accepts. */
export interface FieldOptions {
  nullable?: boolean;
  labels?: Labels;
  config?: FieldConfig;
}

/** A time field from epoch milliseconds (or Dates); `nanos` adds a sub-millisecond part (0..999999) per row. */
export function timeField(
  name: string,
  values: ArrayLike<number | Date | null>,
  options: FieldOptions & { nanos?: ArrayLike<number> } = {}
): TimeField {
  const ms = toEpochMs(values);
  const field = withOptions<TimeField>({ type: 'time', name, values: ms, nullable: false }, ms, options);
  if (options.nanos !== undefined) {
    field.nanos = options.nanos;
  }
  return field;
}

/** A number field; `storage` picks the exact Arrow type (default float64). */
export function numberField(
  name: string,
  values: ArrayLike<number | bigint | null>,
  options: FieldOptions & { storage?: NumberStorage } = {}
): NumberField {
  const field = withOptions<NumberField>({ type: 'number', name, values, nullable: false }, values, options);
  if (options.storage !== undefined) {
    field.storage = options.storage;
  }
  return field;
}

/** A string field. */
export function stringField(name: string, values: ArrayLike<string | null>, options: FieldOptions = {}): StringField {
  return withOptions({ type: 'string', name, values, nullable: false }, values, options);
}

/** A boolean field. */
export function boolField(name: string, values: ArrayLike<boolean | null>, options: FieldOptions = {}): BooleanField {
  return withOptions({ type: 'boolean', name, values, nullable: false }, values, options);
}

/** A JSON field (Grafana type `other`); each cell is serialized with JSON.stringify, a null cell is missing. */
export function jsonField(name: string, values: ArrayLike<JsonValue>, options: FieldOptions = {}): JsonField {
  return withOptions({ type: 'json', name, values, nullable: false }, values, options);
}

/** An enum field: `values` index into `texts`, which becomes `config.type.enum.text`. */
export function enumField(
  name: string,
  values: ArrayLike<number | null>,
  texts: readonly string[],
  options: FieldOptions = {}
): EnumField {
  const config: FieldConfig = { ...options.config, type: { ...options.config?.type, enum: { text: texts } } };
  return withOptions({ type: 'enum', name, values, nullable: false }, values, { ...options, config });
}

/** A frame from fields plus optional name, refId and meta (check it with `checkFrame` before encoding). */
export function makeFrame(
  fields: readonly Field[],
  options: { name?: string; refId?: string; meta?: FrameMeta } = {}
): Frame {
  return { ...options, fields };
}

function withOptions<F extends Field>(base: F, values: ArrayLike<unknown>, options: FieldOptions): F {
  const field: F = { ...base, nullable: options.nullable ?? containsNull(values) };
  if (options.labels !== undefined) {
    field.labels = options.labels;
  }
  if (options.config !== undefined) {
    field.config = options.config;
  }
  return field;
}

function containsNull(values: ArrayLike<unknown>): boolean {
  // Typed arrays cannot hold null; skip the scan for them.
  if (ArrayBuffer.isView(values)) {
    return false;
  }
  for (let i = 0; i < values.length; i++) {
    if (values[i] === null || values[i] === undefined) {
      return true;
    }
  }
  return false;
}

function toEpochMs(values: ArrayLike<number | Date | null>): ArrayLike<number | null> {
  if (ArrayBuffer.isView(values)) {
    return values as ArrayLike<number>;
  }
  let hasDate = false;
  for (let i = 0; i < values.length && !hasDate; i++) {
    hasDate = values[i] instanceof Date;
  }
  if (!hasDate) {
    return values as ArrayLike<number | null>;
  }
  return Array.from(values, (v) => (v instanceof Date ? v.getTime() : v));
}

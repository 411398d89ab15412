/**
 * Frames as Grafana's frame JSON, exactly what grafana-plugin-sdk-go's `data.FrameToJSON` writes
 * (data/frame_json.go). Streaming packets (RunStream) carry this, not Arrow.
 *
 *   {"schema":{"name","refId","meta","fields":[{"name","type","typeInfo":{"frame","nullable"},"labels","config"}]},
 *    "data":{"values":[[col0…],[col1…]],"entities":[…],"nanos":[…]}}
 *
 * Keys come in that order and empty ones are left out as Go leaves them out. Values are column-major; times are
 * epoch ms with sub-ms parts in `nanos`; NaN/±Inf are written as null and listed in `entities`; int64/uint64 are
 * written with all their digits (a JSON number, as Go writes it).
 */
import { FRONTEND_TYPE_OF, rowCountOf, storageOf, type CheckedFrame, type Field } from './frame';
import { goFloat32, goFloat64, goString } from './goJson';
import { fieldConfigJson, frameMetaJson, labelsJson } from './metadataJson';

/** Which parts of the frame to write (the SDK's IncludeAll, IncludeSchemaOnly, IncludeDataOnly). */
export type FrameJsonInclude = 'all' | 'schema' | 'data';

/** Writes a checked frame as Grafana frame JSON. */
export function toFrameJson(frame: CheckedFrame, include: FrameJsonInclude = 'all'): string {
  const parts: string[] = [];
  if (include !== 'data') {
    parts.push('"schema":' + schemaJson(frame));
  }
  if (include !== 'schema') {
    parts.push('"data":' + dataJson(frame));
  }
  return '{' + parts.join(',') + '}';
}

function schemaJson(frame: CheckedFrame): string {
  const parts: string[] = [];
  if (frame.name) {
    parts.push('"name":' + goString(frame.name));
  }
  if (frame.refId) {
    parts.push('"refId":' + goString(frame.refId));
  }
  if (frame.meta !== undefined) {
    parts.push('"meta":' + frameMetaJson(frame.meta));
  }
  parts.push('"fields":[' + frame.fields.map(fieldSchemaJson).join(',') + ']');
  return '{' + parts.join(',') + '}';
}

function fieldSchemaJson(field: Field): string {
  const parts: string[] = [];
  if (field.name) {
    parts.push('"name":' + goString(field.name));
  }
  parts.push('"type":' + goString(FRONTEND_TYPE_OF[field.type]));
  parts.push('"typeInfo":{"frame":' + goString(goItemType(field)) + (field.nullable ? ',"nullable":true}' : '}'));
  if (field.labels !== undefined) {
    parts.push('"labels":' + labelsJson(field.labels));
  }
  if (field.config !== undefined) {
    parts.push('"config":' + fieldConfigJson(field.config));
  }
  return '{' + parts.join(',') + '}';
}

/** The Go item type the SDK names in `typeInfo.frame`. */
function goItemType(field: Field): string {
  switch (field.type) {
    case 'time':
      return 'time.Time';
    case 'boolean':
      return 'bool';
    case 'json':
      return 'json.RawMessage';
    case 'number':
      return storageOf(field);
    default:
      return field.type; // string, enum
  }
}

interface Entities {
  NaN?: number[];
  Inf?: number[];
  NegInf?: number[];
}

function dataJson(frame: CheckedFrame): string {
  const rows = rowCountOf(frame);
  const entities: Array<Entities | null> = frame.fields.map(() => null);
  const nanos: Array<ArrayLike<number> | null> = frame.fields.map(() => null);
  const columns = frame.fields.map((field, index) => {
    if (field.type === 'number' && (field.storage === 'float32' || storageOf(field) === 'float64')) {
      const write = field.storage === 'float32' ? goFloat32 : goFloat64;
      return floatColumnJson(field.values, rows, write, (found) => (entities[index] = found));
    }
    if (field.type === 'time' && field.nanos !== undefined && hasNonZero(field.nanos, field.values)) {
      nanos[index] = field.nanos;
    }
    return columnJson(field, rows);
  });
  let json = '{"values":[' + columns.join(',') + ']';
  if (entities.some((entry) => entry !== null)) {
    json += ',"entities":' + JSON.stringify(entities);
  }
  if (nanos.some((entry) => entry !== null)) {
    const perField = nanos.map((entry, index) =>
      entry === null ? 'null' : nanosJson(entry, frame.fields[index]!.values, rows)
    );
    json += ',"nanos":[' + perField.join(',') + ']';
  }
  return json + '}';
}

function columnJson(field: Field, rows: number): string {
  const out = new Array<string>(rows);
  const write = cellWriter(field);
  for (let i = 0; i < rows; i++) {
    const value = field.values[i];
    out[i] = value === null || value === undefined ? 'null' : write(value);
  }
  return '[' + out.join(',') + ']';
}

function cellWriter(field: Field): (value: unknown) => string {
  switch (field.type) {
    case 'string':
      return (value) => goString(value as string);
    case 'boolean':
      return (value) => (value ? 'true' : 'false');
    case 'json':
      // json.RawMessage is written raw; a JSON `null` cell is a missing value either way.
      return (value) => JSON.stringify(value) ?? 'null';
    default:
      // time (integer ms), enum, and integer storages; bigint keeps every digit of an int64.
      return (value) => String(value as number | bigint);
  }
}

function floatColumnJson(
  values: ArrayLike<number | bigint | null>,
  rows: number,
  write: (value: number) => string,
  report: (entities: Entities) => void
): string {
  const out = new Array<string>(rows);
  let entities: Entities | undefined;
  for (let i = 0; i < rows; i++) {
    const value = values[i];
    if (value === null || value === undefined) {
      out[i] = 'null';
    } else if (Number.isFinite(value)) {
      out[i] = write(value as number);
    } else {
      // JSON has no NaN/Infinity: write null and record where, so the frontend can restore the value.
      entities ??= {};
      const key = Number.isNaN(value) ? 'NaN' : (value as number) > 0 ? 'Inf' : 'NegInf';
      (entities[key] ??= []).push(i);
      out[i] = 'null';
    }
  }
  if (entities !== undefined) {
    // Go writes the keys in struct order NaN, Inf, NegInf, whatever order we met them in.
    report({
      ...(entities.NaN && { NaN: entities.NaN }),
      ...(entities.Inf && { Inf: entities.Inf }),
      ...(entities.NegInf && { NegInf: entities.NegInf }),
    });
  }
  return '[' + out.join(',') + ']';
}

function hasNonZero(nanos: ArrayLike<number>, values: ArrayLike<number | null>): boolean {
  for (let i = 0; i < nanos.length; i++) {
    if (nanos[i] !== 0 && values[i] !== null && values[i] !== undefined) {
      return true;
    }
  }
  return false;
}

function nanosJson(nanos: ArrayLike<number>, values: ArrayLike<unknown>, rows: number): string {
  const out = new Array<string>(rows);
  for (let i = 0; i < rows; i++) {
    // Go leaves 0 for null rows.
    out[i] = values[i] === null || values[i] === undefined ? '0' : String(nanos[i] ?? 0);
  }
  return '[' + out.join(',') + ']';
}

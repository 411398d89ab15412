/**
 * `fromArrowIpc`: reads an Arrow IPC file back into our frame model the way Grafana's Go SDK
 * (`data.UnmarshalArrowFrame`) reads it, including its rules, so tests see what Grafana would see:
 *  - only the IPC file format is accepted;
 *  - only the Arrow types Grafana maps are accepted (Dictionary, LargeUtf8, Date, … fail with Grafana's message);
 *  - timestamps are read as nanoseconds whatever their declared unit (a millisecond column lands near 1970);
 *  - the validity bitmap of a non-nullable field is ignored (its nulls come back as zero values);
 *  - Uint16 with `tstype=enum` is an enum field.
 */
import { Type, type DataType, type Field as ArrowField, type Int, type Float } from 'apache-arrow';
import { isArrowFile, readArrowFile, readRawColumn, type RawValue } from './arrowRead';
import {
  FrameError,
  type Field,
  type FieldConfig,
  type Frame,
  type FrameMeta,
  type Labels,
  type NumberStorage,
} from './frame';

const INSPECT_NAMES = ['', 'meta', 'error', 'data', 'stats'] as const;
const utf8 = new TextDecoder();

/** Decodes an Arrow IPC file (one Grafana frame) into a Frame; throws a FrameError where Grafana's decode would fail. */
export function fromArrowIpc(bytes: Uint8Array): Frame {
  if (!isArrowFile(bytes)) {
    const head = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new FrameError(
      `not an Arrow IPC file (Grafana reads only the file format, "ARROW1…ARROW1"); starts with ${head}`
    );
  }
  const { schema, columns } = readArrowFile(bytes);
  const metadata = schema.metadata;
  const frame: Frame = { fields: [] };
  const name = metadata.get('name');
  const refId = metadata.get('refId');
  const meta = metadata.get('meta');
  if (name) {
    frame.name = name;
  }
  if (refId) {
    frame.refId = refId;
  }
  if (meta !== undefined) {
    frame.meta = metaFromJson(parseJson(meta, 'frame meta'));
  }
  frame.fields = schema.fields.map((arrowField, index) => {
    const { values, valid } = readRawColumn(columns[index] ?? []);
    return decodeField(arrowField, values, valid, `field ${index} "${arrowField.name}"`);
  });
  return frame;
}

function decodeField(arrowField: ArrowField, raw: RawValue[], valid: boolean[], where: string): Field {
  const nullable = arrowField.nullable;
  // Go builds a non-nullable vector for a non-nullable field and never looks at the validity bitmap.
  const cell = <T>(convert: (value: RawValue) => T) =>
    raw.map((value, i) => (nullable && !valid[i] ? null : convert(value)));
  const base = { name: arrowField.name, nullable, ...fieldMetadata(arrowField, where) };
  const type = arrowField.type as DataType;
  switch (type.typeId) {
    case Type.Utf8:
      return { ...base, type: 'string', values: cell((v) => utf8.decode(v as Uint8Array)) };
    case Type.Binary:
      // Go's FrameToJSON writes an empty json.RawMessage as null; so do we.
      return {
        ...base,
        type: 'json',
        values: cell((v) =>
          (v as Uint8Array).length === 0 ? null : (parseJson(utf8.decode(v as Uint8Array), `${where} value`) as never)
        ),
      };
    case Type.Bool:
      return { ...base, type: 'boolean', values: cell((v) => v === true) };
    case Type.Timestamp:
      return { ...base, type: 'time', ...epochMsOf(raw, valid, nullable) };
    case Type.Int:
    case Type.Float: {
      const storage = numberStorageOf(type as Int | Float, where);
      if (storage === 'uint16' && arrowField.metadata.get('tstype') === 'enum') {
        return { ...base, type: 'enum', values: cell(Number) };
      }
      const wide = storage === 'int64' || storage === 'uint64';
      return { ...base, type: 'number', storage, values: cell((v) => (wide ? BigInt(v as bigint) : Number(v))) };
    }
    default:
      throw new FrameError(`${where}: unsupported conversion from arrow to sdk type for arrow type ${String(type)}`);
  }
}

function fieldMetadata(arrowField: ArrowField, where: string): { labels?: Labels; config?: FieldConfig } {
  const labels = arrowField.metadata.get('labels');
  const config = arrowField.metadata.get('config');
  return {
    ...(labels !== undefined && { labels: parseJson(labels, `${where} labels`) as Labels }),
    ...(config !== undefined && { config: parseJson(config, `${where} config`) as FieldConfig }),
  };
}

function numberStorageOf(type: Int | Float, where: string): NumberStorage {
  if (type.typeId === Type.Float) {
    const storage = ([undefined, 'float32', 'float64'] as const)[(type as Float).precision];
    if (storage === undefined) {
      throw new FrameError(`${where}: unsupported conversion from arrow to sdk type for arrow type ${String(type)}`);
    }
    return storage;
  }
  const int = type as Int;
  return `${int.isSigned ? 'int' : 'uint'}${int.bitWidth}` as NumberStorage;
}

/** int64 ns → epoch ms (floored, as Go's UnixMilli) plus the 0..999999 ns remainder; nanos only when any is non-zero. */
function epochMsOf(
  raw: RawValue[],
  valid: boolean[],
  nullable: boolean
): { values: Array<number | null>; nanos?: number[] } {
  const values: Array<number | null> = [];
  const nanos: number[] = [];
  let hasNanos = false;
  raw.forEach((value, i) => {
    if (nullable && !valid[i]) {
      values.push(null);
      nanos.push(0);
      return;
    }
    const ns = BigInt(value as bigint);
    let ms = ns / 1_000_000n;
    if (ms * 1_000_000n > ns) {
      ms -= 1n; // BigInt division truncates toward zero; Go floors
    }
    const rest = Number(ns - ms * 1_000_000n);
    hasNanos ||= rest !== 0;
    values.push(Number(ms));
    nanos.push(rest);
  });
  return hasNanos ? { values, nanos } : { values };
}

function metaFromJson(json: unknown): FrameMeta {
  const meta = json as FrameMeta & { notices?: Array<{ inspect?: unknown }> };
  if (Array.isArray(meta.notices)) {
    // Go writes Notice.inspect as its integer; give back our names.
    const notices = meta.notices.map((notice) => {
      const inspect = typeof notice.inspect === 'number' ? INSPECT_NAMES[notice.inspect] : undefined;
      const { inspect: _, ...rest } = notice;
      return inspect ? { ...rest, inspect } : rest;
    });
    return { ...meta, notices } as FrameMeta;
  }
  return meta;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new FrameError(`${what}: invalid JSON (${(error as Error).message})`, { cause: error });
  }
}

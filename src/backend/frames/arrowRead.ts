/**
 * Low-level reading of Arrow files and columns: the exact stored values (int64 nanoseconds as bigint, bytes as
 * bytes), not apache-arrow's convenience values (its `get()` turns timestamps into float milliseconds).
 * Shared by the decoder and by the golden comparison.
 */
import { RecordBatchReader, Type, makeVector, type Data, type DataType, type Schema } from 'apache-arrow';

const MAGIC = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31]; // "ARROW1"

/** True when the bytes are an Arrow IPC *file* (magic at both ends), which is all Grafana reads. */
export function isArrowFile(bytes: Uint8Array): boolean {
  if (bytes.length < 12) {
    return false;
  }
  const tail = bytes.length - MAGIC.length;
  return MAGIC.every((byte, i) => bytes[i] === byte && bytes[tail + i] === byte);
}

/** An Arrow file's schema as written, and each field's column chunks (one per record batch). */
export interface ArrowFileContents {
  schema: Schema;
  columns: Data[][];
  /** Record batches in the file's footer (0 for a frame without rows, as the Go SDK writes it). */
  batchCount: number;
}

/**
 * Reads an Arrow IPC file without apache-arrow's Table/RecordBatch schema handling: their constructors merge fields
 * that share a name (`Schema.assign`), so with two fields called "timestamps" the first would be reported with the
 * second's type and metadata. The reader's own schema and the batches' column data are exact.
 */
export function readArrowFile(bytes: Uint8Array): ArrowFileContents {
  const reader = RecordBatchReader.from(bytes);
  reader.open();
  const schema = reader.schema;
  const columns: Data[][] = schema.fields.map(() => []);
  let batchCount = 0;
  for (const batch of reader) {
    // A file without batches still yields one empty placeholder batch, which the footer count leaves out.
    batchCount++;
    batch.data.children.forEach((child, index) => columns[index]?.push(child));
  }
  return { schema, columns, batchCount: reader.isFile() ? reader.numRecordBatches : batchCount };
}

/** One stored cell: numbers, bigints (64-bit ints, timestamps), booleans, bytes (Utf8/Binary), or for types
 * Grafana rejects (Dictionary, LargeUtf8, …) whatever apache-arrow's `get()` returns. */
export type RawValue = number | bigint | boolean | string | Uint8Array | null;

/** A column's validity and stored values; `values[i]` is the zero value of the type where `valid[i]` is false. */
export interface RawColumn {
  valid: boolean[];
  values: RawValue[];
}

/** Reads a column's exact stored values across all record batches. */
export function readRawColumn(chunks: readonly Data[]): RawColumn {
  const column: RawColumn = { valid: [], values: [] };
  for (const data of chunks) {
    const read = cellReader(data);
    for (let i = 0; i < data.length; i++) {
      column.valid.push(data.getValid(i));
      column.values.push(read(i));
    }
  }
  return column;
}

function cellReader(data: Data): (index: number) => RawValue {
  switch (data.type.typeId) {
    case Type.Int:
    case Type.Float:
    case Type.Timestamp: {
      // Value buffers are sliced to the column; only bitmaps carry an offset.
      const values = data.values as ArrayLike<number | bigint>;
      return (index) => values[index] ?? 0;
    }
    case Type.Bool: {
      const bits = data.values as Uint8Array;
      return (index) => {
        const bit = data.offset + index;
        return (bits[bit >> 3]! & (1 << (bit & 7))) !== 0;
      };
    }
    case Type.Utf8:
    case Type.Binary: {
      const offsets = data.valueOffsets as Int32Array;
      const bytes = data.values as Uint8Array;
      return (index) => bytes.subarray(offsets[index], offsets[index + 1]);
    }
    default: {
      // A type Grafana rejects; read through the library, only so the comparison can report it.
      const vector = makeVector(data);
      return (index) => {
        const value: unknown = vector.get(index);
        return value === null ||
          value instanceof Uint8Array ||
          ['number', 'bigint', 'boolean', 'string'].includes(typeof value)
          ? (value as RawValue)
          : String(value);
      };
    }
  }
}

/** A readable name of an Arrow type with the details Grafana cares about (width, sign, unit, timezone). */
export function describeArrowType(type: DataType): string {
  const t = type as DataType & {
    bitWidth?: number;
    isSigned?: boolean;
    precision?: number;
    unit?: number;
    timezone?: string | null;
  };
  switch (type.typeId) {
    case Type.Int:
      return `${t.isSigned ? 'Int' : 'Uint'}${t.bitWidth}`;
    case Type.Float:
      return `Float(precision ${t.precision})`;
    case Type.Timestamp:
      return `Timestamp(unit ${['SECOND', 'MILLISECOND', 'MICROSECOND', 'NANOSECOND'][t.unit ?? -1] ?? t.unit}, tz ${t.timezone ?? 'none'})`;
    default:
      return String(type);
  }
}

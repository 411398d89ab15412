/**
 * Frames as Arrow IPC files, exactly as grafana-plugin-sdk-go's `Frame.MarshalArrow` writes them; Grafana decodes
 * every frame of a QueryData response with Arrow Go's `ipc.NewFileReader`, and one undecodable frame fails the whole
 * response. What we write, and why:
 *
 *  - the IPC *file* format (`ARROW1` at both ends): apache-arrow's `tableToIPC` defaults to the stream format, which
 *    Grafana cannot read;
 *  - an explicit Schema with explicit Fields and nullability (never type inference, see arrowColumns.ts);
 *  - schema metadata `name` and `refId` (always, "" when unset) and `meta` (JSON, when set);
 *  - field metadata `tstype` (always), `labels` and `config` (JSON, when set). The current Go SDK no longer writes a
 *    `name` key (the golden file has none); the Arrow field name is the Grafana field name;
 *  - one record batch, or none for a frame without rows (as the Go SDK does).
 */
import {
  Field as ArrowField,
  RecordBatch,
  RecordBatchFileWriter,
  Schema,
  Struct,
  makeData,
  type Data,
} from 'apache-arrow';
import { arrowDataOf, arrowTypeOf } from './arrowColumns';
import { FRONTEND_TYPE_OF, FrameError, rowCountOf, type CheckedFrame, type Field } from './frame';
import { fieldConfigJson, frameMetaJson, labelsJson } from './metadataJson';

export { fromArrowIpc } from './arrowIpcDecode';

/** Encodes a checked frame as an Arrow IPC file that Grafana's Go reader decodes into the same frame. */
export function toArrowIpc(frame: CheckedFrame): Uint8Array {
  try {
    const schema = arrowSchemaOf(frame);
    const rows = rowCountOf(frame);
    // The file writer straight from our batch: `tableToIPC(new Table(…))` writes the same bytes but spends most of
    // its time building the Table (0.34 ms against 0.09 ms for a one-value frame, on every stat panel and alert).
    const writer = new RecordBatchFileWriter();
    if (rows > 0) {
      const children = frame.fields.map((field, index) => inField(field, index, () => arrowDataOf(field)));
      writer.write(recordBatchOf(schema, makeData({ type: new Struct(schema.fields), length: rows, children })));
    } else {
      writer.reset(undefined, schema);
    }
    writer.finish();
    return writer.toUint8Array(true);
  } catch (error) {
    if (error instanceof FrameError) {
      throw error;
    }
    throw new FrameError(`cannot encode frame "${frame.name ?? ''}" as Arrow: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * apache-arrow's RecordBatch constructor rebuilds the schema with `Schema.assign`, which merges fields that share a
 * name: with two fields called "value", the second one's type, nullability and metadata overwrite the first's. Grafana
 * allows duplicate names (the Go golden file has two "timestamps"), so we put our own schema back.
 */
function recordBatchOf(schema: Schema, data: Data<Struct>): RecordBatch {
  const batch = new RecordBatch(schema, data);
  return Object.assign(batch, { schema, data });
}

function arrowSchemaOf(frame: CheckedFrame): Schema {
  // Keys in sorted order, as Arrow Go's MetadataFrom stores them.
  const metadata = new Map<string, string>();
  if (frame.meta !== undefined) {
    metadata.set('meta', frameMetaJson(frame.meta));
  }
  metadata.set('name', frame.name ?? '');
  metadata.set('refId', frame.refId ?? '');
  return new Schema(frame.fields.map(arrowFieldOf), metadata);
}

function arrowFieldOf(field: Field, index: number): ArrowField {
  const metadata = new Map<string, string>();
  inField(field, index, () => {
    if (field.config !== undefined) {
      metadata.set('config', fieldConfigJson(field.config));
    }
    if (field.labels !== undefined) {
      metadata.set('labels', labelsJson(field.labels));
    }
  });
  // Only `enum` changes how Go decodes (uint16 + tstype=enum); the rest is informative, as in the Go SDK.
  metadata.set('tstype', FRONTEND_TYPE_OF[field.type]);
  return new ArrowField(field.name, arrowTypeOf(field), field.nullable, metadata);
}

/** Runs `encode`, naming the field in any error it throws. */
function inField<T>(field: Field, index: number, encode: () => T): T {
  try {
    return encode();
  } catch (error) {
    throw new FrameError(`field ${index} "${field.name}": ${(error as Error).message}`, { cause: error });
  }
}

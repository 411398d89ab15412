/**
 * `diffArrowFiles`: compares two Arrow IPC files on everything Grafana's Go reader depends on, so a golden test can
 * prove that our bytes decode to the same frame as the Go SDK's. Checked: the container (IPC file, not stream),
 * schema metadata key by key (`meta` compared as JSON), field names, Arrow types (type id, bit width, signedness,
 * float precision, timestamp unit and timezone), nullability, field metadata key by key (`labels`/`config` as JSON),
 * row counts, validity, and every stored value exactly (int64 nanoseconds, NaN, bytes).
 */
import { isDeepStrictEqual } from 'node:util';
import { Type, type Data, type DataType } from 'apache-arrow';
import {
  describeArrowType,
  isArrowFile,
  readArrowFile,
  readRawColumn,
  type ArrowFileContents,
  type RawValue,
} from './arrowRead';

const JSON_METADATA_KEYS = new Set(['meta', 'labels', 'config']);
const MAX_VALUE_DIFFS_PER_FIELD = 5;

/** Every difference between two Arrow files as Grafana would read them; an empty list means they agree. */
export function diffArrowFiles(actual: Uint8Array, expected: Uint8Array): string[] {
  if (!isArrowFile(expected)) {
    return ['expected: not an Arrow IPC file'];
  }
  if (!isArrowFile(actual)) {
    const head = Array.from(actual.subarray(0, 6), (b) => b.toString(16).padStart(2, '0')).join(' ');
    return [`not an Arrow IPC file (Grafana reads only the file format, "ARROW1"); starts with ${head}`];
  }
  const ours = readArrowFile(actual);
  const theirs = readArrowFile(expected);
  const diffs = diffMetadata('schema metadata', ours.schema.metadata, theirs.schema.metadata);
  if (ours.schema.fields.length !== theirs.schema.fields.length) {
    diffs.push(`field count: ${ours.schema.fields.length}, expected ${theirs.schema.fields.length}`);
  }
  const [rowsA, rowsB] = [rowCount(ours), rowCount(theirs)];
  if (rowsA !== rowsB) {
    diffs.push(`row count: ${rowsA}, expected ${rowsB}`);
  }
  const count = Math.min(ours.schema.fields.length, theirs.schema.fields.length);
  for (let i = 0; i < count; i++) {
    diffs.push(...diffField(i, ours, theirs));
  }
  return diffs;
}

function rowCount(file: ArrowFileContents): number {
  return (file.columns[0] ?? []).reduce((rows, chunk) => rows + chunk.length, 0);
}

function diffField(index: number, ours: ArrowFileContents, theirs: ArrowFileContents): string[] {
  const a = ours.schema.fields[index]!;
  const b = theirs.schema.fields[index]!;
  const at = `field ${index} "${b.name}"`;
  const diffs: string[] = [];
  if (a.name !== b.name) {
    diffs.push(`${at}: name ${JSON.stringify(a.name)}`);
  }
  const typeDiff = diffType(a.type as DataType, b.type as DataType);
  if (typeDiff !== undefined) {
    diffs.push(`${at}: type ${typeDiff}`);
  }
  if (a.nullable !== b.nullable) {
    diffs.push(`${at}: nullable ${a.nullable}, expected ${b.nullable}`);
  }
  diffs.push(...diffMetadata(`${at} metadata`, a.metadata, b.metadata));
  if (typeDiff === undefined) {
    diffs.push(...diffValues(at, ours.columns[index] ?? [], theirs.columns[index] ?? [], b.nullable));
  }
  return diffs;
}

/** Describes how two Arrow types differ in anything Grafana reads, or undefined when they agree. */
function diffType(actual: DataType, expected: DataType): string | undefined {
  if (actual.typeId === Type.Dictionary) {
    return `${String(actual)} (Grafana rejects dictionaries), expected ${describeArrowType(expected)}`;
  }
  const a = describeArrowType(actual);
  const b = describeArrowType(expected);
  return actual.typeId !== expected.typeId || a !== b ? `${a}, expected ${b}` : undefined;
}

function diffMetadata(at: string, actual: Map<string, string>, expected: Map<string, string>): string[] {
  const diffs: string[] = [];
  for (const key of new Set([...expected.keys(), ...actual.keys()])) {
    const a = actual.get(key);
    const b = expected.get(key);
    if (a === undefined || b === undefined) {
      diffs.push(a === undefined ? `${at}: missing key "${key}"` : `${at}: unexpected key "${key}" = ${a}`);
    } else if (JSON_METADATA_KEYS.has(key) ? !jsonEqual(a, b) : a !== b) {
      diffs.push(`${at}: "${key}" = ${a}, expected ${b}`);
    }
  }
  return diffs;
}

function jsonEqual(a: string, b: string): boolean {
  try {
    return isDeepStrictEqual(JSON.parse(a), JSON.parse(b));
  } catch {
    return a === b;
  }
}

function diffValues(at: string, ours: readonly Data[], theirs: readonly Data[], nullable: boolean): string[] {
  const a = readRawColumn(ours);
  const b = readRawColumn(theirs);
  const diffs: string[] = [];
  const rows = Math.min(a.values.length, b.values.length);
  for (let row = 0; row < rows && diffs.length < MAX_VALUE_DIFFS_PER_FIELD; row++) {
    const validA = a.valid[row]!;
    const validB = b.valid[row]!;
    if (validA !== validB) {
      diffs.push(`${at} row ${row}: ${validA ? 'a value' : 'null'}, expected ${validB ? 'a value' : 'null'}`);
    } else if ((validB || !nullable) && !sameValue(a.values[row]!, b.values[row]!)) {
      // A null's stored bytes only matter where Grafana reads them: in non-nullable fields.
      diffs.push(`${at} row ${row}: ${show(a.values[row]!)}, expected ${show(b.values[row]!)}`);
    }
  }
  return diffs;
}

function sameValue(a: RawValue, b: RawValue): boolean {
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    return Buffer.compare(a, b) === 0;
  }
  return Object.is(a, b); // NaN equals NaN, and -0 differs from 0
}

function show(value: RawValue): string {
  if (value instanceof Uint8Array) {
    return JSON.stringify(new TextDecoder().decode(value));
  }
  return typeof value === 'bigint' ? `${value}n` : String(value);
}

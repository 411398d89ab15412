/**
 * Test support: the Go SDK's reference files (tests/fixtures/grafana-sdk, with their origin in its README) and a converter from Grafana frame JSON to our frame model, so a golden frame can be rebuilt,
 * re-encoded and compared with what the Go side wrote.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Field, Frame, FrameMeta, NumberStorage } from '../frame';
import { parseExactJson } from './exactJson';

/** The repository root, found from this file's location (src/backend/frames/testing). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** The folder of the Go SDK reference files. */
export const GOLDEN_DIR = path.resolve(REPO_ROOT, 'tests/fixtures/grafana-sdk');

/** Bytes of a reference file. */
export function readGoldenBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(path.join(GOLDEN_DIR, name)));
}

/** A reference JSON/JSONC file parsed exactly (int64 as bigint); `//` comment lines of .jsonc files are dropped. */
export function readGoldenJson(name: string): unknown {
  const text = readFileSync(path.join(GOLDEN_DIR, name), 'utf8');
  return parseExactJson(stripLineComments(text));
}

/** Drops whole-line `//` comments (the .jsonc goldens start with a comment block). */
export function stripLineComments(text: string): string {
  return text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('//'))
    .join('\n');
}

/** Grafana frame JSON as the Go SDK writes it. */
export interface FrameJsonDocument {
  schema?: {
    name?: string;
    refId?: string;
    meta?: Record<string, unknown>;
    fields: Array<{
      name?: string;
      type: string;
      typeInfo: { frame: string; nullable?: boolean };
      labels?: Record<string, string>;
      config?: object;
    }>;
  };
  data?: {
    values: unknown[][];
    entities?: Array<{ NaN?: number[]; Inf?: number[]; NegInf?: number[] } | null>;
    nanos?: Array<number[] | null>;
  };
}

const STORAGES = new Set([
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
]);
const INSPECT_NAMES = ['', 'meta', 'error', 'data', 'stats'];

/** Builds our frame from Grafana frame JSON: types from `typeInfo.frame`, NaN/Inf from `entities`, ns from `nanos`. */
export function frameFromFrameJson(document: FrameJsonDocument): Frame {
  const schema = document.schema;
  if (schema === undefined) {
    throw new Error('frame JSON without a schema');
  }
  const frame: Frame = { fields: schema.fields.map((field, index) => fieldFromJson(field, index, document)) };
  if (schema.name) {
    frame.name = schema.name;
  }
  if (schema.refId) {
    frame.refId = schema.refId;
  }
  if (schema.meta !== undefined) {
    frame.meta = metaFromJson(schema.meta);
  }
  return frame;
}

function fieldFromJson(
  field: NonNullable<FrameJsonDocument['schema']>['fields'][number],
  index: number,
  document: FrameJsonDocument
): Field {
  const values = [...(document.data?.values[index] ?? [])];
  const entities = document.data?.entities?.[index];
  for (const [key, value] of [
    ['NaN', NaN],
    ['Inf', Infinity],
    ['NegInf', -Infinity],
  ] as const) {
    entities?.[key]?.forEach((row) => (values[row] = value));
  }
  const base = {
    name: field.name ?? '',
    nullable: field.typeInfo.nullable === true,
    ...(field.labels !== undefined && { labels: field.labels }),
    ...(field.config !== undefined && { config: field.config }),
  };
  const goType = field.typeInfo.frame;
  switch (goType) {
    case 'time.Time': {
      const nanos = document.data?.nanos?.[index];
      return { ...base, type: 'time', values: values as Array<number | null>, ...(nanos ? { nanos } : {}) };
    }
    case 'string':
      return { ...base, type: 'string', values: values as Array<string | null> };
    case 'bool':
      return { ...base, type: 'boolean', values: values as Array<boolean | null> };
    case 'json.RawMessage':
      return { ...base, type: 'json', values: values as never[] };
    case 'enum':
      return { ...base, type: 'enum', values: values as Array<number | null> };
    default: {
      if (!STORAGES.has(goType)) {
        throw new Error(`unknown Go type ${goType}`);
      }
      const storage = goType as NumberStorage;
      // As Go reads them: JSON numbers into float32 are rounded to float32; int64/uint64 as bigint, which is
      // also what our decoder gives, so frames compare equal.
      const wide = storage === 'int64' || storage === 'uint64';
      const read = (v: unknown) =>
        wide ? BigInt(v as number | bigint) : storage === 'float32' ? Math.fround(v as number) : (v as number);
      const numbers = values.map((v) => (v === null ? null : read(v)));
      return { ...base, type: 'number', storage, values: numbers };
    }
  }
}

function metaFromJson(meta: Record<string, unknown>): FrameMeta {
  const notices = meta.notices as Array<{ inspect?: number }> | undefined;
  if (notices === undefined) {
    return meta as FrameMeta;
  }
  const named = notices.map(({ inspect, ...rest }) => (inspect ? { ...rest, inspect: INSPECT_NAMES[inspect] } : rest));
  return { ...meta, notices: named } as unknown as FrameMeta;
}

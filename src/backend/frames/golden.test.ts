/**
 * Golden agreement with Grafana's Go side: the Go SDK's data/testdata/all_types.golden.arrow and .json (copies in
 * tests/fixtures/grafana-sdk). We rebuild the same frame in our model, encode it, and require
 * that the Arrow file and the frame JSON agree with what the Go SDK wrote — types, nullability, metadata and every
 * value — and that the comparison itself catches a wrong encoding.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  Binary,
  Field as ArrowField,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimestampMillisecond,
  makeData,
  tableFromIPC,
  tableToIPC,
  vectorFromArray,
  type Data,
} from 'apache-arrow';
import { diffArrowFiles } from './arrowDiff';
import { fromArrowIpc, toArrowIpc } from './arrowIpc';
import { enumField, numberField, stringField, timeField } from './builders';
import { checkFrame } from './frame';
import { toFrameJson } from './frameJson';
import { parseExactJson } from './testing/exactJson';
import { frameFromFrameJson, readGoldenBytes, readGoldenJson, type FrameJsonDocument } from './testing/goldenFiles';

const goldenArrow = readGoldenBytes('all_types.golden.arrow');
const goldenJson = readGoldenJson('all_types.golden.json') as FrameJsonDocument;
const frame = checkFrame(frameFromFrameJson(goldenJson));
const ours = toArrowIpc(frame);

describe('all_types golden from grafana-plugin-sdk-go', () => {
  test('the golden frame has every field type, nulls, NaN/Inf and nanosecond times', () => {
    assert.equal(frame.fields.length, 35);
    const types = new Set(frame.fields.map((field) => (field.type === 'number' ? field.storage : field.type)));
    assert.equal(types.size, 15);
  });

  test('toArrowIpc writes what the Go SDK writes: types, nullability, metadata and every value', () => {
    assert.deepEqual(diffArrowFiles(ours, goldenArrow), []);
  });

  test('fromArrowIpc reads the Go file into the same frame', () => {
    assert.deepEqual(fromArrowIpc(goldenArrow), frameFromFrameJson(goldenJson));
  });

  test('toFrameJson writes the Go JSON: equal value by value (int64 exact) and key by key in the same order', () => {
    const json = parseExactJson(toFrameJson(frame));
    const golden = readGoldenJson('all_types.golden.json');
    assert.deepEqual(json, golden);
    assert.deepEqual(keyOrder(json), keyOrder(golden));
  });

  test('fields built by hand with the builders equal the golden fields', () => {
    const byName = (name: string) => frame.fields.find((field) => field.name === name);
    const ns = [0, 0, 0, 740991, 775807];
    assert.deepEqual(
      timeField('timestamps', [0, 1568039445000, 1568039450000, 9007199254, 9223372036854], {
        nanos: ns,
        config: { interval: 1000 },
      }),
      byName('timestamps')
    );
    assert.deepEqual(
      stringField(
        'nullable_string_values',
        ['Grafana', '❤️', null, '🦥', 'update your unicode/font if no sloth, is 2019.'],
        {
          labels: { aLabelKey: 'aLabelValue', bLabelKey: 'bLabelValue' },
          config: (byName('nullable_string_values')?.config ?? {}) as never,
        }
      ),
      byName('nullable_string_values')
    );
    const int64 = [-(2n ** 63n), -9007199254740991n, 1n, 9007199254740991n, 2n ** 63n - 1n];
    assert.deepEqual(numberField('int64_values', int64, { storage: 'int64' }), byName('int64_values'));
    assert.deepEqual(enumField('enum', [1, 2, 2, 1, 1], ['', 'ONE', 'TWO', 'THREE']), byName('enum'));
  });
});

describe('the golden comparison catches wrong encodings', () => {
  const timestampIndex = frame.fields.findIndex((field) => field.name === 'timestamps');

  test('stream format instead of file format', () => {
    const stream = tableToIPC(tableFromIPC(ours), 'stream');
    assert.match(diffArrowFiles(stream, goldenArrow).join('\n'), /not an Arrow IPC file/);
  });

  test('a TimestampMillisecond column (what Date inference produces)', () => {
    const ns = tableFromIPC(ours).getChildAt(timestampIndex)!.data[0]!.values as BigInt64Array;
    const ms = makeData({ type: new TimestampMillisecond(), length: ns.length, data: ns.map((v) => v / 1_000_000n) });
    const diffs = diffArrowFiles(replaceColumn(ours, timestampIndex, new TimestampMillisecond(), ms), goldenArrow);
    assert.match(
      diffs.join('\n'),
      /"timestamps": type Timestamp\(unit MILLISECOND.*expected Timestamp\(unit NANOSECOND/
    );
  });

  test('a dictionary-encoded string column (what string inference produces)', () => {
    const strings = vectorFromArray(['Go Min', 'JS Min (for >= 64)', '0 / nil / misc', 'JS Max (for >= 64)', 'Go Max']);
    const diffs = diffArrowFiles(replaceColumn(ours, 0, strings.type, strings.data[0]!), goldenArrow);
    assert.match(diffs.join('\n'), /field 0 "string_values": type Dictionary.*Grafana rejects dictionaries/);
  });

  test('a time one nanosecond off, a lost null, and JSON bytes as Binary that differ', () => {
    const table = tableFromIPC(ours);
    const ns = (table.getChildAt(timestampIndex)!.data[0]!.values as BigInt64Array).slice();
    ns[4] = ns[4]! - 1n;
    const shifted = makeData({ type: table.schema.fields[timestampIndex]!.type, length: ns.length, data: ns });
    assert.match(
      diffArrowFiles(replaceColumn(ours, timestampIndex, undefined, shifted), goldenArrow).join('\n'),
      /row 4: 9223372036854775806n, expected 9223372036854775807n/
    );

    const jsonIndex = frame.fields.findIndex((field) => field.name === 'json');
    const texts = ['{"a":1}', '[1,2,3]', '{"b":2}', '[{"c":3},{"d":4}]', '{"e":{"f":6}}'];
    const binary = vectorFromArray(
      texts.map((text) => new TextEncoder().encode(text)),
      new Binary()
    );
    assert.match(
      diffArrowFiles(replaceColumn(ours, jsonIndex, undefined, binary.data[0]!), goldenArrow).join('\n'),
      /row 4: .*expected/
    );
  });

  test('wrong nullability and metadata', () => {
    const table = tableFromIPC(ours);
    const fields = table.schema.fields.map((field, i) =>
      i === 1
        ? new ArrowField(field.name, field.type, false, new Map([...field.metadata, ['labels', '{"aLabelKey":"x"}']]))
        : field
    );
    const schema = new Schema(fields, new Map([...table.schema.metadata, ['refId', 'B']]));
    const batch = new RecordBatch(
      schema,
      makeData({ type: new Struct(fields), length: table.numRows, children: table.batches[0]!.data.children })
    );
    const diffs = diffArrowFiles(tableToIPC(new Table(schema, [batch]), 'file'), goldenArrow).join('\n');
    assert.match(diffs, /schema metadata: "refId" = B, expected A/);
    assert.match(diffs, /field 1 "nullable_string_values": nullable false, expected true/);
    assert.match(diffs, /field 1 "nullable_string_values" metadata: "labels"/);
  });
});

/** Re-encodes `bytes` with column `index` replaced (and its type, when given). */
function replaceColumn(
  bytes: Uint8Array,
  index: number,
  type: ArrowField['type'] | undefined,
  column: Data
): Uint8Array {
  const table = tableFromIPC(bytes);
  const fields = table.schema.fields.map((field, i) =>
    i === index ? new ArrowField(field.name, type ?? field.type, field.nullable, field.metadata) : field
  );
  const schema = new Schema(fields, table.schema.metadata);
  const children = table.batches[0]!.data.children.map((child, i) => (i === index ? column : child));
  const data = makeData({ type: new Struct(fields), length: table.numRows, children });
  // Keep our schema: the RecordBatch constructor merges the two fields named "timestamps" (see arrowIpc.ts).
  const batch = Object.assign(new RecordBatch(schema, data), { schema, data });
  return tableToIPC(new Table(schema, [batch]), 'file');
}

/** The key order of every object in a JSON value, depth first, so two documents can be compared on order alone. */
function keyOrder(value: unknown, path = '$'): string[] {
  if (Array.isArray(value)) {
    return value.flatMap((item, i) => keyOrder(item, `${path}[${i}]`));
  }
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value);
    return [
      `${path}: ${keys.join(',')}`,
      ...keys.flatMap((key) => keyOrder((value as Record<string, unknown>)[key], `${path}.${key}`)),
    ];
  }
  return [];
}

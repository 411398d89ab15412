/**
 * checkFrame: every frame Grafana's Go reader would reject (or silently misread) is refused here, with a message
 * that names the frame, field and row.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { toArrowIpc } from './arrowIpc';
import { boolField, enumField, jsonField, makeFrame, numberField, stringField, timeField } from './builders';
import { FrameError, checkFrame, type Field, type FieldConfig, type Frame, type FrameMeta } from './frame';

const time = timeField('time', [1000, 2000, 3000]);
const value = numberField('value', [1, 2, 3]);

/** Asserts that checkFrame throws a FrameError whose message matches. */
function rejects(frame: unknown, message: RegExp): void {
  assert.throws(
    () => checkFrame(frame as Frame),
    (error: Error) => {
      assert.ok(error instanceof FrameError, `expected a FrameError, got ${error.name}: ${error.message}`);
      assert.match(error.message, message);
      return true;
    }
  );
}

const withMeta = (meta: unknown) => makeFrame([time, value], { name: 'f', meta: meta as FrameMeta });
const withConfig = (config: unknown) =>
  makeFrame([numberField('v', [1], { config: config as FieldConfig })], { name: 'f' });

describe('builders', () => {
  test('a field is nullable exactly when a value is null, unless told', () => {
    assert.equal(stringField('s', ['a', 'b']).nullable, false);
    assert.equal(stringField('s', ['a', null]).nullable, true);
    assert.equal(stringField('s', ['a'], { nullable: true }).nullable, true);
    assert.equal(numberField('n', new Float64Array(3)).nullable, false);
  });

  test('they build the plain model, so frames can also be written by hand', () => {
    assert.deepEqual(numberField('n', [1], { storage: 'int32', labels: { a: 'b' } }), {
      type: 'number',
      name: 'n',
      values: [1],
      nullable: false,
      storage: 'int32',
      labels: { a: 'b' },
    });
    assert.deepEqual(enumField('e', [0], ['ok'], { config: { unit: 'x' } }).config, {
      unit: 'x',
      type: { enum: { text: ['ok'] } },
    });
    assert.deepEqual(makeFrame([time], { refId: 'A' }), { refId: 'A', fields: [time] });
  });
});

describe('checkFrame accepts', () => {
  test('every field type, and returns a frozen copy', () => {
    const frame = makeFrame(
      [
        time,
        value,
        stringField('s', ['a', null, 'c']),
        boolField('b', [true, false, null]),
        jsonField('j', [{}, [], null]),
        enumField('e', [0, 1, 0], ['a', 'b']),
      ],
      {
        name: 'all',
        refId: 'A',
        meta: {
          type: 'timeseries-multi',
          typeVersion: [0, 1],
          notices: [{ severity: 'info', text: 'hi', inspect: 'data' }],
        },
      }
    );
    const checked = checkFrame(frame);
    assert.notEqual(checked, frame);
    assert.deepEqual(checked, frame);
    assert.ok(Object.isFrozen(checked) && Object.isFrozen(checked.fields) && Object.isFrozen(checked.fields[0]));
  });

  test('a frame without fields, and fields without rows', () => {
    checkFrame(makeFrame([]));
    checkFrame(makeFrame([timeField('t', []), numberField('v', [])]));
  });

  test('the extreme values of each storage', () => {
    checkFrame(
      makeFrame([
        numberField('i8', [-128, 127], { storage: 'int8' }),
        numberField('u16', [0, 65535], { storage: 'uint16' }),
        numberField('i64', [-(2n ** 63n), 2n ** 63n - 1n], { storage: 'int64' }),
        numberField('u64', [0, 2n ** 64n - 1n], { storage: 'uint64' }),
        numberField('f32', [3.4028234663852886e38, -Infinity], { storage: 'float32' }),
        timeField('t', [-9223372036855, 9223372036854], { nanos: [224192, 775807] }),
      ])
    );
  });
});

describe('checkFrame rejects', () => {
  test('fields of different lengths, naming both', () => {
    rejects(
      makeFrame([time, numberField('value', [1, 2])], { name: 'cpu' }),
      /frame "cpu" field 1 "value" has 2 values but field 0 "time" has 3/
    );
  });

  test('a null in a non-nullable field (Go would read it as 1970 / 0 / "")', () => {
    rejects(
      makeFrame([timeField('time', [1, null, 3], { nullable: false })]),
      /field 0 "time" row 1: null in a non-nullable field/
    );
    rejects(
      makeFrame([stringField('s', [undefined as never], { nullable: false })]),
      /row 0: null in a non-nullable field/
    );
  });

  test('values that do not fit the declared type', () => {
    const cases: Array<[Field, RegExp]> = [
      [numberField('n', [200], { storage: 'int8' }), /row 0: expected an integer -128..127 for int8, got 200/],
      [numberField('n', [1.5], { storage: 'int32' }), /expected an integer .* for int32, got 1.5/],
      [numberField('n', [2 ** 63], { storage: 'int64' }), /for int64, got 9223372036854776000/],
      [numberField('n', [-1n], { storage: 'uint64' }), /for uint64, got -1n/],
      [numberField('n', [1e39], { storage: 'float32' }), /within float32 range/],
      [numberField('n', [1n]), /expected a number for float64, got 1n/],
      [stringField('s', [1 as never]), /expected a string, got 1/],
      [boolField('b', ['true' as never]), /expected a boolean, got "true"/],
      [enumField('e', [65536], []), /expected an enum index 0..65535/],
      [jsonField('j', [{ n: 1n } as never]), /a bigint cannot be written as JSON/],
      [jsonField('j', [[NaN]]), /NaN cannot be written as JSON/],
    ];
    for (const [field, message] of cases) {
      rejects(makeFrame([field]), message);
    }
  });

  test('times that are not integer ms, bad nanos, or beyond int64 nanoseconds', () => {
    rejects(
      makeFrame([timeField('t', [1.5])]),
      /expected integer epoch milliseconds, got 1.5 \(put sub-millisecond parts in nanos\)/
    );
    rejects(makeFrame([timeField('t', [1], { nanos: [1_000_000] })]), /nanos must be an integer from 0 to 999999/);
    rejects(makeFrame([timeField('t', [1, 2], { nanos: [0] })]), /nanos has 1 entries for 2 rows/);
    rejects(makeFrame([timeField('t', [9223372036854], { nanos: [775808] })]), /does not fit int64 nanoseconds/);
    rejects(makeFrame([timeField('t', [9223372036855])]), /does not fit int64 nanoseconds/);
  });

  test('label values that are not strings', () => {
    rejects(
      makeFrame([numberField('v', [1], { labels: { host: 1 as never } })]),
      /field 0 "v" labels: value of "host" must be a string, got 1/
    );
  });

  test('decimals that are not an integer from 0 to 65535', () => {
    for (const decimals of [1.5, -1, 65536, '2']) {
      rejects(withConfig({ decimals }), /config.decimals must be an integer from 0 to 65535/);
    }
    checkFrame(withConfig({ decimals: 0 }));
    checkFrame(withConfig({ decimals: 65535 }));
  });

  test('config Grafana cannot decode: regex mappings, unknown keys, a non-object custom', () => {
    rejects(
      withConfig({ mappings: [{ type: 'regex', options: { pattern: 'x', result: {} } }] }),
      /mappings\[0\].type must be "value", "range" or "special"/
    );
    rejects(withConfig({ displayname: 'x' }), /config: unknown key "displayname"/);
    rejects(withConfig({ custom: [1] }), /config.custom must be an object/);
    rejects(withConfig({ min: '0' }), /config.min must be a number or null/);
    rejects(withConfig({ links: [{ url: 'x', internal: { timeRange: { from: 'now-1h', to: 'now' } } }] }), /RFC 3339/);
  });

  test('notice severities other than info, warning and error', () => {
    rejects(
      withMeta({ notices: [{ severity: 'warn', text: 'x' }] }),
      /meta.notices\[0\].severity must be "info", "warning" or "error", got "warn"/
    );
    rejects(withMeta({ notices: [{ severity: 'info' }] }), /notices\[0\].text must be a string/);
  });

  test('a typeVersion that is not two non-negative integers', () => {
    for (const typeVersion of ['0.1', [0], [0, -1], [0.5, 1], [0, 1, 2]]) {
      rejects(withMeta({ typeVersion }), /meta.typeVersion must be two non-negative integers/);
    }
  });

  test('meta keys Grafana would drop, such as the American spelling of preferredVisualisationType', () => {
    rejects(withMeta({ preferredVisualizationType: 'logs' }), /meta: unknown key "preferredVisualizationType"/);
    rejects(withMeta({ preferredVisualisationType: 'log' }), /preferredVisualisationType must be one of/);
    rejects(withMeta({ type: 'timeseries' }), /meta.type must be one of/);
    rejects(withMeta({ stats: [{ displayName: 'rows', value: NaN }] }), /stats\[0\].value must be a finite number/);
    rejects(withMeta({ uniqueRowIdFields: [2] }), /uniqueRowIdFields\[0\] must be the index of a field \(0..1\)/);
    rejects(withMeta({ custom: { at: new Date() } }), /meta.custom.at: a Date is not plain JSON/);
  });

  test('misspelt or misplaced field keys and unknown types', () => {
    rejects(makeFrame([{ ...value, lables: { a: 'b' } } as Field]), /field 0 "value": unknown key "lables"/);
    rejects(
      makeFrame([{ ...stringField('s', ['a']), storage: 'int8' } as Field]),
      /storage "int8" is not valid for a string field/
    );
    rejects(makeFrame([{ ...value, type: 'float' } as unknown as Field]), /type must be one of/);
    rejects(makeFrame([{ ...value, values: 'abc' } as unknown as Field]), /values must be an array/);
  });
});

test('only a checked frame can be encoded (a compile-time guarantee)', () => {
  const unchecked = makeFrame([time]);
  // @ts-expect-error: toArrowIpc takes a CheckedFrame, which only checkFrame returns
  assert.ok(toArrowIpc(unchecked).length > 0);
});

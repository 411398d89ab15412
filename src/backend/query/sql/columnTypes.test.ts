import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { columnTypeOf, toJsonValue, toText } from './columnTypes';

describe('column type registry', () => {
  const cases: Array<{ oid: number; pg: unknown; type: string; storage?: string; value: unknown }> = [
    { oid: 16, pg: true, type: 'boolean', value: true },
    { oid: 20, pg: '9223372036854775807', type: 'number', storage: 'int64', value: 9223372036854775807n },
    { oid: 21, pg: 7, type: 'number', storage: 'int16', value: 7 },
    { oid: 23, pg: -7, type: 'number', storage: 'int32', value: -7 },
    { oid: 700, pg: 1.5, type: 'number', storage: 'float32', value: 1.5 },
    { oid: 701, pg: 2.5, type: 'number', storage: 'float64', value: 2.5 },
    { oid: 1700, pg: '1.25', type: 'number', storage: 'float64', value: 1.25 },
    { oid: 1700, pg: 'NaN', type: 'number', storage: 'float64', value: Number.NaN },
    { oid: 25, pg: 'x', type: 'string', value: 'x' },
    { oid: 1043, pg: 'y', type: 'string', value: 'y' },
    { oid: 1042, pg: 'q  ', type: 'string', value: 'q  ' },
    { oid: 19, pg: 'n', type: 'string', value: 'n' },
    {
      oid: 1184,
      pg: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)),
      type: 'time',
      value: Date.UTC(2026, 0, 2, 3, 4, 5, 678),
    },
    { oid: 1184, pg: Number.POSITIVE_INFINITY, type: 'time', value: null },
    { oid: 1082, pg: new Date(2026, 0, 2), type: 'time', value: Date.UTC(2026, 0, 2) },
    { oid: 1114, pg: new Date(2026, 0, 2, 3, 4, 5, 6), type: 'time', value: Date.UTC(2026, 0, 2, 3, 4, 5, 6) },
    { oid: 3802, pg: { a: [1, 'b', null] }, type: 'json', value: { a: [1, 'b', null] } },
    { oid: 1007, pg: [1, 2], type: 'json', value: [1, 2] },
    { oid: 1185, pg: [new Date(0)], type: 'json', value: ['1970-01-01T00:00:00.000Z'] },
    {
      oid: 2950,
      pg: '2147dec9-ff96-4697-9e92-a050c5fb307e',
      type: 'string',
      value: '2147dec9-ff96-4697-9e92-a050c5fb307e',
    },
    { oid: 17, pg: Buffer.from([1, 2]), type: 'string', value: '\\x0102' },
    { oid: 1186, pg: { days: 1, hours: 2 }, type: 'string', value: '1 day 02:00:00' },
    {
      oid: 1186,
      pg: { years: 1, months: 2, days: 3, hours: 4, minutes: 5, seconds: 6, milliseconds: 789.5 },
      type: 'string',
      value: '1 year 2 mons 3 days 04:05:06.7895',
    },
    { oid: 1186, pg: { days: 7 }, type: 'string', value: '7 days' },
    { oid: 1186, pg: {}, type: 'string', value: '00:00:00' },
    { oid: 1186, pg: { minutes: -1 }, type: 'string', value: '-00:01:00' },
    { oid: 20000, pg: { toPostgres: () => 'custom' }, type: 'string', value: 'custom' },
    { oid: 600, pg: { x: 1, y: 2 }, type: 'string', value: '{"x":1,"y":2}' },
    { oid: 25, pg: null, type: 'string', value: null },
  ];
  for (const { oid, pg, type, storage, value } of cases) {
    it(`${columnTypeOf(oid).pgType} ${JSON.stringify(String(pg)).slice(0, 30)}`, () => {
      const columnType = columnTypeOf(oid);
      assert.equal(columnType.type, type);
      assert.equal(columnType.storage, storage);
      assert.deepEqual(columnType.convert(pg), value);
    });
  }

  it('turns anything into plain JSON and text', () => {
    assert.deepEqual(toJsonValue({ d: new Date(Number.NaN), n: Number.POSITIVE_INFINITY, b: 5n }), {
      d: null,
      n: null,
      b: '5',
    });
    assert.equal(toText(undefined), null);
    assert.equal(toText(12), '12');
  });
});

/**
 * toFrameJson: Grafana's frame JSON (what streaming packets carry), checked against the Go SDK's .jsonc goldens and
 * on the cases JSON cannot express directly (NaN/Inf, sub-millisecond times, 64-bit integers).
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fromArrowIpc, toArrowIpc } from './arrowIpc';
import { jsonField, makeFrame, numberField, stringField, timeField } from './builders';
import { checkFrame } from './frame';
import { toFrameJson } from './frameJson';
import { goFloat32, goFloat64, goString } from './goJson';
import { parseExactJson } from './testing/exactJson';
import { GOLDEN_DIR, frameFromFrameJson, readGoldenJson, type FrameJsonDocument } from './testing/goldenFiles';

describe('the Go SDK .jsonc goldens (QueryData responses as frame JSON)', () => {
  const files = readdirSync(GOLDEN_DIR).filter((name) => name.endsWith('.jsonc'));

  test('are all found', () => {
    assert.ok(files.length >= 7, `found ${files.join(', ')}`);
  });

  for (const name of files) {
    test(name, () => {
      const response = readGoldenJson(name) as { frames: FrameJsonDocument[] };
      for (const golden of response.frames) {
        const frame = checkFrame(frameFromFrameJson(golden));
        const written = parseExactJson(toFrameJson(frame));
        assert.deepEqual(written, golden);
        assert.deepEqual(JSON.stringify(Object.keys(written as object)), JSON.stringify(Object.keys(golden)));
        // The same frame through Arrow and back writes the same JSON.
        assert.deepEqual(parseExactJson(toFrameJson(checkFrame(fromArrowIpc(toArrowIpc(frame))))), golden);
      }
    });
  }
});

describe('toFrameJson', () => {
  test('writes NaN and ±Inf as null and lists them in entities, in Go key order', () => {
    const frame = checkFrame(
      makeFrame([
        numberField('f64', [NaN, Infinity, null, -Infinity, 1.5]),
        stringField('s', ['a', 'b', 'c', 'd', 'e']),
        numberField('f32', [-Infinity, 0.1, 1, NaN, NaN], { storage: 'float32' }),
      ])
    );
    assert.equal(
      toFrameJson(frame, 'data'),
      '{"data":{"values":[[null,null,null,null,1.5],["a","b","c","d","e"],[null,0.1,1,null,null]],' +
        '"entities":[{"NaN":[0],"Inf":[1],"NegInf":[3]},null,{"NaN":[3,4],"NegInf":[0]}]}}'
    );
  });

  test('writes times as epoch ms with sub-ms parts in nanos (0 for null rows), only when there are any', () => {
    const withNanos = checkFrame(
      makeFrame([timeField('t', [1, null, 3], { nanos: [5, 0, 999999] }), timeField('u', [1, 2, 3])])
    );
    assert.equal(
      toFrameJson(withNanos, 'data'),
      '{"data":{"values":[[1,null,3],[1,2,3]],"nanos":[[5,0,999999],null]}}'
    );
    const noNanos = checkFrame(makeFrame([timeField('t', [1], { nanos: [0] })]));
    assert.equal(toFrameJson(noNanos, 'data'), '{"data":{"values":[[1]]}}');
  });

  test('writes int64 and uint64 with every digit', () => {
    const frame = checkFrame(
      makeFrame([
        numberField('i', [-(2n ** 63n), 7], { storage: 'int64' }),
        numberField('u', [2n ** 64n - 1n, 0], { storage: 'uint64' }),
      ])
    );
    assert.equal(toFrameJson(frame, 'data'), '{"data":{"values":[[-9223372036854775808,7],[18446744073709551615,0]]}}');
  });

  test('writes schema only or data only, and leaves out empty names', () => {
    const frame = checkFrame(makeFrame([stringField('', ['x'])], { refId: 'A' }));
    assert.equal(
      toFrameJson(frame, 'schema'),
      '{"schema":{"refId":"A","fields":[{"type":"string","typeInfo":{"frame":"string"}}]}}'
    );
    assert.equal(toFrameJson(frame, 'data'), '{"data":{"values":[["x"]]}}');
    assert.equal(
      toFrameJson(frame),
      '{"schema":{"refId":"A","fields":[{"type":"string","typeInfo":{"frame":"string"}}]},"data":{"values":[["x"]]}}'
    );
  });

  test('writes meta and config in Go struct order, typeVersion always, inspect as Go’s integer, labels sorted', () => {
    const frame = checkFrame(
      makeFrame(
        [
          numberField('v', [1], {
            labels: { z: '1', a: '2' },
            config: {
              custom: { b: 1, a: { d: 1, c: 2 } },
              unit: 'ms',
              displayNameFromDS: 'x',
              min: NaN,
              thresholds: {
                mode: 'absolute',
                steps: [
                  { value: null, color: 'green' },
                  { value: 0, color: 'red' },
                ],
              },
              mappings: [{ type: 'special', options: { match: 'null', result: { text: 'none' } } }],
            },
          }),
        ],
        {
          meta: {
            executedQueryString: 'q',
            notices: [{ text: 'n', severity: 'warning', inspect: 'stats' }],
            channel: 'ds/uid/path',
            type: 'numeric-multi',
          },
        }
      )
    );
    const schema = toFrameJson(frame, 'schema');
    assert.match(
      schema,
      /"meta":\{"type":"numeric-multi","typeVersion":\[0,0\],"notices":\[\{"severity":"warning","text":"n","inspect":4\}\],"channel":"ds\/uid\/path","executedQueryString":"q"\}/
    );
    assert.match(schema, /"labels":\{"a":"2","z":"1"\}/);
    assert.match(
      schema,
      /"config":\{"displayNameFromDS":"x","unit":"ms","min":null,"mappings":\[\{"type":"special","options":\{"match":"null","result":\{"text":"none"\}\}\}\],"thresholds":\{"mode":"absolute","steps":\[\{"value":null,"color":"green"\},\{"color":"red"\}\]\},"custom":\{"a":\{"c":2,"d":1\},"b":1\}\}/
    );
  });

  test('escapes strings as Go does and writes JSON cells raw', () => {
    const frame = checkFrame(
      makeFrame([stringField('<b>', ['a&b', '\u2028']), jsonField('j', [{ html: '<i>' }, null])])
    );
    assert.equal(
      toFrameJson(frame),
      '{"schema":{"fields":[{"name":"\\u003cb\\u003e","type":"string","typeInfo":{"frame":"string"}},' +
        '{"name":"j","type":"other","typeInfo":{"frame":"json.RawMessage","nullable":true}}]},' +
        '"data":{"values":[["a\\u0026b","\\u2028"],[{"html":"<i>"},null]]}}'
    );
  });
});

describe('Go number and string formatting', () => {
  test('float64 as Go writes it', () => {
    assert.deepEqual(
      [0, -0, 1, 1.5, 1e21, 1e20, 1e-6, 1e-7, 5e-324, 1.7976931348623157e308, -9007199254740991].map(goFloat64),
      [
        '0',
        '-0',
        '1',
        '1.5',
        '1e+21',
        '100000000000000000000',
        '0.000001',
        '1e-7',
        '5e-324',
        '1.7976931348623157e+308',
        '-9007199254740991',
      ]
    );
  });

  test('float32 as its shortest round-trip decimal', () => {
    const f32 = (x: number) => goFloat32(Math.fround(x));
    assert.deepEqual([1.401298464324817e-45, 3.4028234663852886e38, 0.1, 16777217, 1e-6].map(f32), [
      '1e-45',
      '3.4028235e+38',
      '0.1',
      '16777216',
      '0.000001',
    ]);
  });

  test('strings with Go’s HTML-safe escapes', () => {
    assert.equal(goString('<a href="x">&</a>\u2029'), '"\\u003ca href=\\"x\\"\\u003e\\u0026\\u003c/a\\u003e\\u2029"');
  });
});

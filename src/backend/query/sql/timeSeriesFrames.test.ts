import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { QueryError } from '../../errors';
import type { CheckedFrame } from '../../frames/frame';
import { columnTypeOf } from './columnTypes';
import type { TypedColumn } from './tableFrame';
import { epochToMs, timeSeriesFrames } from './timeSeriesFrames';

const M = 60_000;
const col = (name: string, oid: number, values: unknown[]): TypedColumn => ({
  name,
  columnType: columnTypeOf(oid),
  values,
});
const time = (values: number[]) => col('time', 1184, values);
const window = { fromMs: 0, toMs: 5 * M };

function points(frame: CheckedFrame): Array<[number, unknown]> {
  const [t, v] = frame.fields;
  return Array.from(t!.values as number[], (ms, i) => [ms, (v!.values as unknown[])[i]]);
}

describe('timeSeriesFrames', () => {
  it('turns long rows into one timeseries-multi frame per value column and label set, sorted by time', () => {
    const frames = timeSeriesFrames(
      [
        time([2 * M, 0, 0, 2 * M]),
        col('mode', 25, ['a', 'a', null, null]),
        col('jobs', 20, ['3', '1', '5', '6']),
        col('ok', 16, [true, false, true, true]),
      ],
      window,
      { executedQueryString: 'q' }
    );
    assert.deepEqual(
      frames.map((f) => [f.fields[1]!.name, f.fields[1]!.labels, points(f)]),
      [
        [
          'jobs',
          { mode: 'a' },
          [
            [0, 1],
            [2 * M, 3],
          ],
        ],
        [
          'ok',
          { mode: 'a' },
          [
            [0, 0],
            [2 * M, 1],
          ],
        ],
        [
          'jobs',
          { mode: '(none)' },
          [
            [0, 5],
            [2 * M, 6],
          ],
        ],
        [
          'ok',
          { mode: '(none)' },
          [
            [0, 1],
            [2 * M, 1],
          ],
        ],
      ]
    );
    assert.deepEqual(frames[0]!.meta, { executedQueryString: 'q', type: 'timeseries-multi', typeVersion: [0, 1] });
    assert.deepEqual(frames[1]!.meta, { type: 'timeseries-multi', typeVersion: [0, 1] });
  });

  it('fills missing buckets of the range: a number, NULL, or the previous value', () => {
    const columns = [time([M, 3 * M]), col('v', 701, [1, 3])];
    const fill = (f: object) => points(timeSeriesFrames(columns, window, {}, { intervalMs: M, fill: f as never })[0]!);
    assert.deepEqual(fill({ mode: 'value', value: 0 }), [
      [0, 0],
      [M, 1],
      [2 * M, 0],
      [3 * M, 3],
      [4 * M, 0],
      [5 * M, 0],
    ]);
    assert.deepEqual(fill({ mode: 'null' }), [
      [0, null],
      [M, 1],
      [2 * M, null],
      [3 * M, 3],
      [4 * M, null],
      [5 * M, null],
    ]);
    assert.deepEqual(fill({ mode: 'previous' }), [
      [0, null],
      [M, 1],
      [2 * M, 1],
      [3 * M, 3],
      [4 * M, 3],
      [5 * M, 3],
    ]);
  });

  it('names the series after `metric` in the legacy three-column shape', () => {
    const [frame] = timeSeriesFrames([time([0]), col('metric', 25, ['cpu']), col('value', 701, [1])], window, {});
    assert.equal(frame!.fields[1]!.config?.displayNameFromDS, 'cpu');
    assert.deepEqual(frame!.fields[1]!.labels, { metric: 'cpu' });
  });

  it('reads a numeric time column as epoch s, ms, µs or ns', () => {
    assert.deepEqual(
      [1_763_629_200, 1_763_629_200_000, 1_763_629_200_000_000, 1_763_629_200_000_000_000].map(epochToMs),
      Array(4).fill(1_763_629_200_000)
    );
    const [frame] = timeSeriesFrames([col('time', 701, [1_763_629_200]), col('v', 23, [1])], window, {});
    assert.deepEqual(points(frame!), [[1_763_629_200_000, 1]]);
  });

  it('returns one empty typed frame for no rows', () => {
    const frames = timeSeriesFrames([time([]), col('v', 701, [])], window, { executedQueryString: 'q' });
    assert.equal(frames.length, 1);
    assert.deepEqual(frames[0]!.fields, []);
    assert.equal(frames[0]!.meta?.type, 'timeseries-multi');
  });

  const errors: Array<[string, TypedColumn[], RegExp]> = [
    ['no time column', [col('v', 701, [1])], /needs a time column/],
    ['no value column', [time([0]), col('mode', 25, ['a'])], /at least one numeric column/],
    ['a json column', [time([0]), col('v', 701, [1]), col('j', 3802, [{}])], /column "j" is jsonb/],
    ['NULL time', [time([null as never]), col('v', 701, [1])], /NULL in row 1/],
    ['duplicate time in a series', [time([0, 0]), col('v', 701, [1, 2])], /same time 1970-01-01T00:00:00.000Z/],
  ];
  for (const [name, columns, message] of errors) {
    it(`rejects ${name}`, () => {
      assert.throws(
        () => timeSeriesFrames(columns, window, {}),
        (e: unknown) => e instanceof QueryError && e.status === 400 && message.test(e.message)
      );
    });
  }

  it('refuses a fill that would create too many points', () => {
    assert.throws(
      () =>
        timeSeriesFrames(
          [time([0]), col('v', 701, [1])],
          { fromMs: 0, toMs: 10 ** 12 },
          {},
          { intervalMs: 1, fill: { mode: 'null' } }
        ),
      /too many/
    );
  });
});

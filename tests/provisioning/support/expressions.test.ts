/**
 * The alert evaluator's own tests: every table is taken from Grafana's test tables or documented behaviour (the
 * source is named above each table), so that the copy in exprValues/exprMath/exprCommands cannot drift from
 * Grafana's server-side expressions unnoticed. Rule-level outcomes (ngalert) are in ruleOutcome.test.ts.
 *
 * deepStrictEqual compares NaN equal to NaN, like the cmp.Comparer Grafana's tests use.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { classicCondition, reduce, threshold } from './exprCommands';
import { math, union } from './exprMath';
import { framesToValues, type ExprValue, type Labels, type NodeResult } from './exprValues';
import type { CheckedFrame } from '../../../src/backend/frames/frame';

const NaN_ = Number.NaN;
const num = (value: number | null, labels: Labels = {}): ExprValue => ({ kind: 'number', labels, value });
const scalar = (value: number | null): ExprValue => ({ kind: 'scalar', value });
/** A series with points at 5 s, 10 s, … (makeSeries in Grafana's tests). */
const series = (values: Array<number | null>, labels: Labels = {}): ExprValue => ({
  kind: 'series',
  labels,
  points: values.map((v, i) => [(i + 1) * 5_000, v]),
});
const NO_DATA: ExprValue = { kind: 'nodata' };
const results = (...values: ExprValue[]): NodeResult => ({ values });

// pkg/expr/mathexp/reduce_test.go: aSeries (2, 1), seriesWithNil (2, nil), seriesEmpty, seriesNonNumbers
const A_SERIES = [2, 1];
const WITH_NIL = [2, null];
const EMPTY: number[] = [];
const NON_NUMBERS = [NaN_, -Infinity, Infinity, null];

function reduced(points: Array<number | null>, reducer: string, settings?: Record<string, unknown>) {
  const out = reduce(results(series(points)), { reducer, ...(settings ? { settings } : {}) }, 'B');
  return out.values.map((v) => (v.kind === 'number' ? v.value : v.kind));
}

describe('reduce (mathexp/reduce_test.go)', () => {
  // TestSeriesReduce (strict: no mode); median and count-with-nil from reduce.go's Median and Count
  const strict: Array<[string, Array<number | null>, number | null]> = [
    ['sum', A_SERIES, 3],
    ['sum', WITH_NIL, NaN_],
    ['sum', EMPTY, 0],
    ['mean', A_SERIES, 1.5],
    ['mean', WITH_NIL, NaN_],
    ['mean', EMPTY, NaN_],
    ['min', WITH_NIL, NaN_],
    ['min', EMPTY, NaN_],
    ['max', WITH_NIL, NaN_],
    ['max', EMPTY, NaN_],
    ['count', EMPTY, 0],
    ['count', WITH_NIL, 2],
    ['last', EMPTY, NaN_],
    ['last', WITH_NIL, null], // "last null series": a trailing null is null, hence NoData downstream
    ['median', [3, 1, 2], 2],
    ['median', [4, 1, 3, 2], 2.5],
    ['median', WITH_NIL, NaN_],
    ['max', [1, Infinity], Infinity], // strict mode keeps ±Inf
    ['sum', [Infinity, -Infinity], NaN_],
  ];
  for (const [reducer, points, want] of strict) {
    test(`strict ${reducer}(${JSON.stringify(points)}) = ${want}`, () => {
      assert.deepEqual(reduced(points, reducer), [want]);
    });
  }

  // TestSeriesReduceDropNN; "last" rows from DropNonNumber.MapInput
  const dropNN: Array<[string, Array<number | null>, number | null]> = [
    ['sum', A_SERIES, 3],
    ['sum', WITH_NIL, 2],
    ['sum', EMPTY, 0],
    ['mean', WITH_NIL, 2],
    ['mean', EMPTY, null],
    ['mean', NON_NUMBERS, null],
    ['count', EMPTY, 0],
    ['count', WITH_NIL, 1],
    ['last', WITH_NIL, 2],
    ['last', [1, Infinity], 1],
    ['last', NON_NUMBERS, null],
    ['max', [1, Infinity, -Infinity, NaN_], 1],
  ];
  for (const [reducer, points, want] of dropNN) {
    test(`dropNN ${reducer}(${JSON.stringify(points)}) = ${want}`, () => {
      assert.deepEqual(reduced(points, reducer, { mode: 'dropNN' }), [want]);
    });
  }

  // TestSeriesReduceReplaceNN, with replaceWithValue 0.5 instead of a random number
  const replaceNN: Array<[string, Array<number | null>, number]> = [
    ['sum', A_SERIES, 3],
    ['sum', WITH_NIL, 2.5],
    ['sum', EMPTY, 0],
    ['mean', WITH_NIL, 1.25],
    ['mean', EMPTY, 0.5],
    ['mean', NON_NUMBERS, 0.5],
    ['count', EMPTY, 0],
    ['count', WITH_NIL, 2],
    ['last', WITH_NIL, 0.5],
    ['max', [1, Infinity], 1],
  ];
  for (const [reducer, points, want] of replaceNN) {
    test(`replaceNN(0.5) ${reducer}(${JSON.stringify(points)}) = ${want}`, () => {
      assert.deepEqual(reduced(points, reducer, { mode: 'replaceNN', replaceWithValue: 0.5 }), [want]);
    });
  }

  test('numbers pass through; dropNN drops a null or non-finite number, replaceNN replaces it (commands.go)', () => {
    const input = results(num(1, { a: '1' }), num(null, { a: '2' }), num(Infinity, { a: '3' }), NO_DATA);
    assert.deepEqual(reduce(input, { reducer: 'last' }, 'B').values, input.values);
    assert.deepEqual(reduce(input, { reducer: 'last', settings: { mode: 'dropNN' } }, 'B').values, [
      num(1, { a: '1' }),
      NO_DATA,
    ]);
    assert.deepEqual(
      reduce(input, { reducer: 'last', settings: { mode: 'replaceNN', replaceWithValue: 0 } }, 'B').values,
      [num(1, { a: '1' }), num(0, { a: '2' }), num(0, { a: '3' }), NO_DATA]
    );
  });

  test('labels are kept; unknown reducers and modes are errors, "strict" included (the UI sends "")', () => {
    assert.deepEqual(reduce(results(series([2, 1], { host: 'a' })), { reducer: 'MEAN' }, 'B').values, [
      num(1.5, { host: 'a' }),
    ]);
    assert.throws(() => reduce(results(series([1])), { reducer: 'foo' }, 'B'), /reduction foo not implemented/);
    assert.throws(() => reduce(results(series([1])), { reducer: 'last', settings: { mode: 'strict' } }, 'B'), /strict/);
    assert.throws(() => reduce(results(series([1])), { reducer: 'last', settings: { mode: 'replaceNN' } }, 'B'));
    assert.throws(() => reduce(results(scalar(1)), { reducer: 'last' }, 'B'), /can only reduce type series/);
  });
});

const run = (expression: string, vars: Record<string, ExprValue[]> = {}) =>
  math(expression, Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, results(...v)]))).values;

describe('math (mathexp/exp_nan_null_val_test.go, exp_test.go)', () => {
  // TestNaN
  const nanCases: Array<[string, Record<string, ExprValue[]>, ExprValue[]]> = [
    ['! $A', { A: [num(NaN_)] }, [num(NaN_)]],
    ['-$A', { A: [num(NaN_)] }, [num(NaN_)]],
    ['1 * $A', { A: [num(NaN_)] }, [num(NaN_)]],
    ['1 || $A', { A: [num(NaN_)] }, [num(1)]],
    ['1 - $A', { A: [series([2, NaN_])] }, [series([-1, NaN_])]],
    ['$A == $B', { A: [series([2, NaN_])], B: [num(0)] }, [series([0, NaN_])]],
    ['$A + $B', { A: [series([2, NaN_])], B: [num(NaN_)] }, [series([NaN_, NaN_])]],
  ];
  // TestNullValues
  const nullCases: Array<[string, Record<string, ExprValue[]>, ExprValue[]]> = [
    ['! null()', {}, [scalar(null)]],
    ['null() + null()', {}, [scalar(null)]],
    ['1 + null()', {}, [scalar(null)]],
    ['- $A', { A: [series([1, null])] }, [series([-1, null])]],
    ['$A - $A', { A: [series([1, null])] }, [series([0, null])]],
    ['$A - 1', { A: [series([1, null])] }, [series([0, null])]],
    ['! $A', { A: [num(null)] }, [num(null)]],
    ['$A + $A', { A: [num(null)] }, [num(null)]],
    ['$A * $B', { A: [num(null)], B: [num(1)] }, [num(null)]],
    ['$A * $B', { A: [num(1)], B: [series([1, null])] }, [series([1, null])]],
    ['$A * $B', { A: [num(null)], B: [series([1, null])] }, [series([null, null])]],
  ];
  // binaryOp's short circuits and IEEE division (exp.go), parse.go's grammar, Go's math.Pow and math.Round,
  // funcs.go's perFloat
  const goFloatCases: Array<[string, Record<string, ExprValue[]>, ExprValue[]]> = [
    ['$A / 0', { A: [num(1)] }, [num(Infinity)]],
    ['$A / 0', { A: [num(-1)] }, [num(-Infinity)]],
    ['$A / 0', { A: [num(0)] }, [num(NaN_)]],
    ['$A / 0 > 1000', { A: [num(1)] }, [num(1)]],
    ['$A > 0.2 && $B >= 5', { A: [num(NaN_)], B: [num(10)] }, [num(NaN_)]],
    ['0 && nan()', {}, [scalar(0)]],
    ['nan() || 0', {}, [scalar(1)]],
    ['0 || nan()', {}, [scalar(NaN_)]],
    ['1 && nan()', {}, [scalar(NaN_)]],
    ['nan() == nan()', {}, [scalar(NaN_)]],
    ['inf() > 1e308', {}, [scalar(1)]],
    ['inf() - inf()', {}, [scalar(NaN_)]],
    ['1 ** inf()', {}, [scalar(1)]],
    ['-2 ** 2', {}, [scalar(4)]], // parse.go: unary binds tighter than **
    ['2 ** 3 ** 2', {}, [scalar(64)]], // and ** is left-associative
    ['-7 % 3', {}, [scalar(-1)]],
    ['round(-2.5)', {}, [scalar(-3)]],
    ['abs($A)', { A: [num(null)] }, [num(NaN_)]],
    ['is_null($A)', { A: [num(null)] }, [num(1)]],
    ['is_number($A)', { A: [num(Infinity)] }, [num(0)]],
    ['is_nan($A)', { A: [series([NaN_, 1, null])] }, [series([1, 0, NaN_])]],
    ['is_inf(infn())', {}, [scalar(1)]],
  ];
  for (const [expression, vars, want] of [...nanCases, ...nullCases, ...goFloatCases]) {
    test(`${expression} with ${JSON.stringify(vars)}`, () => {
      assert.deepEqual(run(expression, vars), want);
    });
  }

  // TestNoData: every unary and binary operation on NoData is NoData
  for (const expression of ['abs($A)', 'is_null($A)', 'round($A)', '!$A', '-$A', '$A + $B', '$A / $B', '$A && $B']) {
    test(`${expression} with A = NoData is NoData`, () => {
      assert.deepEqual(run(expression, { A: [NO_DATA], B: [series([2])] }), [NO_DATA]);
      assert.deepEqual(run(expression, { A: [NO_DATA], B: [NO_DATA] }), [NO_DATA]);
    });
  }

  test('number op number keeps the union labels; unmatched items drop out (exp_test.go)', () => {
    const a = [num(1, { mode: 'x' }), num(2, { mode: 'y' })];
    const b = [num(10, { mode: 'y' }), num(20, { mode: 'z' })];
    assert.deepEqual(run('$A + $B', { A: a, B: b }), [num(12, { mode: 'y' })]);
    assert.deepEqual(run('$A * 2', { A: a }), [num(2, { mode: 'x' }), num(4, { mode: 'y' })]);
    assert.deepEqual(run('$A + $B', { A: [num(1, { a: '1' })], B: [] }), []);
  });

  test('series op series pairs points by time and drops the rest (biSeriesSeries)', () => {
    const a: ExprValue = {
      kind: 'series',
      labels: {},
      points: [
        [1, 1],
        [2, 2],
        [3, 3],
      ],
    };
    const b: ExprValue = {
      kind: 'series',
      labels: {},
      points: [
        [2, 10],
        [3, null],
        [4, 40],
      ],
    };
    assert.deepEqual(run('$A + $B', { A: [a], B: [b] }), [
      {
        kind: 'series',
        labels: {},
        points: [
          [2, 12],
          [3, null],
        ],
      },
    ]);
  });
});

describe('label joins (mathexp/union_test.go)', () => {
  const s = (labels: Labels) => series([1], labels);
  const cases: Array<[string, ExprValue[], ExprValue[], Labels[]]> = [
    ['equal tags single union', [s({ id: '1' })], [s({ id: '1' })], [{ id: '1' }]],
    ['equal keys, other values, one item each: one union without labels', [s({ id: '1' })], [s({ id: '2' })], [{}]],
    ['equal keys, other values, two items: no union', [s({ id: '1' }), s({ id: '3' })], [s({ id: '2' })], []],
    ['empty results', [], [], []],
    ['empty and data', [s({ id: '1' })], [], []],
    ['data and no data', [s({ id: '1' })], [NO_DATA], [{}]],
    ['incompatible tags of different length', [s({ ID: '1' }), s({ ID: '3' })], [s({ id: '1', fish: 'red' })], []],
    ['A subset of B takes B', [s({ id: '1' })], [s({ id: '1', fish: 'herring' })], [{ id: '1', fish: 'herring' }]],
    ['B subset of A takes A', [s({ id: '1', fish: 'herring' })], [s({ id: '1' })], [{ id: '1', fish: 'herring' }]],
    [
      'single A subset of many B',
      [s({ id: '1' })],
      [s({ id: '1', fish: 'herring' }), s({ id: '1', fish: 'red snapper' })],
      [
        { id: '1', fish: 'herring' },
        { id: '1', fish: 'red snapper' },
      ],
    ],
    [
      'A of two label sizes against B: three unions',
      [s({ id: '1' }), s({ id: '1', fish: 'herring' })],
      [s({ id: '1', fish: 'herring' }), s({ id: '1', fish: 'red snapper' })],
      [
        { id: '1', fish: 'herring' },
        { id: '1', fish: 'red snapper' },
        { id: '1', fish: 'herring' },
      ],
    ],
    ['no data and anything: one no-data union', [NO_DATA], [s({ id: '1' }), s({ id: '1', fish: 'h' })], [{}]],
  ];
  for (const [name, a, b, labels] of cases) {
    test(name, () => {
      assert.deepEqual(
        union(a, b).map((u) => u.labels),
        labels
      );
    });
  }
});

describe('threshold (threshold.go)', () => {
  const cases: Array<[string, number[], number, 0 | 1]> = [
    ['gt', [5], 5, 0],
    ['gt', [5], 5.1, 1],
    ['lt', [5], 4.9, 1],
    ['eq', [5], 5, 1],
    ['ne', [5], 5, 0],
    ['gte', [5], 5, 1],
    ['lte', [5], 5.1, 0],
    ['within_range', [1, 5], 1, 0],
    ['within_range', [1, 5], 3, 1],
    ['outside_range', [1, 5], 5, 0],
    ['outside_range', [1, 5], 6, 1],
    ['within_range_included', [1, 5], 5, 1],
    ['outside_range_included', [1, 5], 1, 1],
    ['gt', [0], Infinity, 1],
    ['gt', [0], NaN_, 0], // NaN compares false: the threshold is 0, not NaN
    ['lt', [0], NaN_, 0],
    ['outside_range', [1, 5], NaN_, 0],
  ];
  const model = (type: string, params: number[]) => ({
    expression: 'A',
    conditions: [{ evaluator: { type, params } }],
  });
  for (const [type, params, value, want] of cases) {
    test(`${type} ${JSON.stringify(params)} of ${value} is ${want}`, () => {
      assert.deepEqual(threshold(results(num(value, { a: '1' })), model(type, params)).values, [num(want, { a: '1' })]);
    });
  }

  test('null stays null (NoData for the instance), NoData stays NoData, series map point by point', () => {
    const out = threshold(results(num(null), NO_DATA, series([1, 9, null]), scalar(9)), model('gt', [5]));
    assert.deepEqual(out.values, [num(null), NO_DATA, series([0, 1, null]), scalar(1)]);
  });

  test('exactly one condition with enough parameters', () => {
    assert.throws(() => threshold(results(num(1)), { expression: 'A', conditions: [] }), /exactly one condition/);
    assert.throws(() => threshold(results(num(1)), model('within_range', [1])), /need 2/);
    assert.throws(() => threshold(results(num(1)), model('between', [1])), /between/);
  });
});

describe('classic conditions (classic/classic_test.go TestConditionsCmd)', () => {
  const condition = (ref: string, reducer: string, type: string, params: number[], operator = 'and') => ({
    evaluator: { type, params },
    operator: { type: operator },
    query: { params: [ref] },
    reducer: { type: reducer },
  });
  const cases: Array<[string, Array<ReturnType<typeof condition>>, Record<string, ExprValue[]>, number | null]> = [
    ['not met', [condition('A', 'min', 'gt', [2])], { A: [series([1, 5])] }, 0],
    ['met', [condition('A', 'avg', 'gt', [2])], { A: [series([1, 5])] }, 1],
    ['ranged diff not met', [condition('A', 'diff', 'within_range', [2, 4])], { A: [series([1, 5])] }, 0],
    ['ranged diff met', [condition('A', 'diff', 'within_range', [0, 10])], { A: [series([1, 5])] }, 1],
    ['no data query is No Data', [condition('A', 'min', 'gt', [1])], { A: [NO_DATA] }, null],
    ['no values is No Data', [condition('A', 'min', 'gt', [1])], { A: [] }, null],
    ['series without points is No Data', [condition('A', 'min', 'gt', [1])], { A: [series([])] }, null],
    ['no data meets no_value', [condition('A', 'min', 'no_value', [])], { A: [NO_DATA] }, 1],
    ['no values meet no_value', [condition('A', 'min', 'no_value', [])], { A: [] }, 1],
    ['one series no data, the other fires', [condition('A', 'min', 'gt', [1])], { A: [series([]), series([2])] }, 1],
    ['instant numbers', [condition('A', 'avg', 'gt', [1])], { A: [num(5), num(10), num(15)] }, 1],
    [
      'and, first No Data: normal',
      [condition('A', 'min', 'gt', [1]), condition('B', 'min', 'gt', [1])],
      { A: [NO_DATA], B: [series([5])] },
      0,
    ],
    [
      'or, first No Data: No Data',
      [condition('A', 'min', 'gt', [1], 'or'), condition('B', 'min', 'gt', [1], 'or')],
      { A: [NO_DATA], B: [series([5])] },
      null,
    ],
    [
      'or, right hand side met',
      [condition('A', 'max', 'gt', [10]), condition('A', 'min', 'gt', [0], 'or')],
      { A: [series([1, 5])] },
      1,
    ],
    // classic/reduce.go skips null and NaN (unlike the reduce expression)
    ['classic last skips a trailing null', [condition('A', 'last', 'gt', [1])], { A: [series([5, null])] }, 1],
    ['classic avg of nulls is No Data', [condition('A', 'avg', 'gt', [1])], { A: [series([null, NaN_])] }, null],
  ];
  for (const [name, conditions, vars, want] of cases) {
    test(name, () => {
      const out = classicCondition(
        { conditions },
        Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, results(...v)]))
      );
      assert.deepEqual(out.values, [num(want)]);
    });
  }
});

describe('frames to values (converter.go, dataplane.go)', () => {
  const frame = (type: string, fields: unknown[]) => ({ name: 'x', meta: { type, typeVersion: [0, 1] }, fields });
  const numberField = (values: Array<number | null>, labels?: Labels) => ({
    name: 'v',
    type: 'number',
    labels,
    values,
  });

  test('no frames, or frames without fields, are NoData', () => {
    assert.deepEqual(framesToValues('A', []).values, [NO_DATA]);
    assert.deepEqual(framesToValues('A', [frame('numeric-multi', [])] as unknown as CheckedFrame[]).values, [NO_DATA]);
  });

  test('numeric frames give Numbers with the field labels; a null stays null', () => {
    const frames = [
      frame('numeric-multi', [numberField([3], { mode: 'a' })]),
      frame('numeric-multi', [numberField([null], { mode: 'b' })]),
    ] as unknown as CheckedFrame[];
    assert.deepEqual(framesToValues('A', frames).values, [num(3, { mode: 'a' }), num(null, { mode: 'b' })]);
  });

  test('time series frames give Series with nulls kept; other frame types are an error', () => {
    const ts = frame('timeseries-multi', [
      { name: 'time', type: 'time', values: [5_000, 10_000] },
      numberField([1, null], { w: '1' }),
    ]);
    assert.deepEqual(framesToValues('A', [ts] as unknown as CheckedFrame[]).values, [series([1, null], { w: '1' })]);
    assert.throws(
      () => framesToValues('A', [frame('table', [numberField([1])])] as unknown as CheckedFrame[]),
      /must be a wide series/
    );
  });
});

/**
 * Saved-model tolerance of the planner (#12), without a database: thousands of saved-query shapes of every query
 * type (tests/support/savedQueryShapes.ts). A tolerated shape plans exactly as the model it means; a broken one is a
 * 400 whose message names the offending field. tests/contract/savedModels.test.ts sends such shapes through the
 * built executable.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { namesField, savedQueryShapes, VALID_MODELS } from '../../../tests/support/savedQueryShapes';
import { QueryError } from '../errors';
import type { DataQuery } from '../plugin/types';
import { planQuery } from './plan';

const SEED = 20_261_203;
const CASES = 4_000;
const RANGE = { fromMs: Date.UTC(2026, 10, 20, 9), toMs: Date.UTC(2026, 10, 20, 12) };

/** A DataQuery as Grafana sends it: the JSON, and its queryType beside it when that is a string. */
function dataQuery(json: Record<string, unknown>): DataQuery {
  return {
    refId: 'A',
    queryType: typeof json.queryType === 'string' ? json.queryType : '',
    maxDataPoints: 1_000,
    intervalMs: 60_000,
    timeRange: RANGE,
    json: Buffer.from(JSON.stringify({ refId: 'A', ...json })),
  };
}

function planError(json: Record<string, unknown>): QueryError {
  try {
    planQuery(dataQuery(json));
  } catch (error) {
    assert.ok(error instanceof QueryError, `a QueryError, not ${String(error)}`);
    return error;
  }
  assert.fail('the query was accepted');
}

describe('saved query models', () => {
  it('plans every valid model', () => {
    for (const [queryType, model] of Object.entries(VALID_MODELS)) {
      assert.equal(planQuery(dataQuery(model)).kind, queryType);
    }
  });

  it('reads the model of the report (live: null, legend: null, …) as if those fields were unset', () => {
    const saved = { ...VALID_MODELS.metrics, filters: null, live: null, legend: null, format: null, version: null };
    const unset = { queryType: 'metrics', metric: 'job.completed', aggregation: 'count', groupBy: ['mode'] };
    assert.deepEqual(planQuery(dataQuery(saved)), planQuery(dataQuery(unset)));
  });

  it(`runs tolerated shapes as the model they mean and names the field of broken ones (${CASES} shapes, seed ${SEED})`, () => {
    const outcomes = { tolerated: 0, broken: 0 };
    for (const [index, shape] of savedQueryShapes(SEED, CASES).entries()) {
      const context = `shape ${index} (${shape.queryType}: ${shape.label}) ${JSON.stringify(shape.saved)}`;
      if (shape.canonical) {
        let plan;
        try {
          plan = planQuery(dataQuery(shape.saved));
        } catch (error) {
          assert.fail(`${context}: rejected: ${String(error)}`);
        }
        assert.deepEqual(plan, planQuery(dataQuery(shape.canonical)), context);
        outcomes.tolerated++;
      } else {
        const error = planError(shape.saved);
        assert.equal(error.status, 400, context);
        assert.ok(namesField(error.message, shape.offendingField!), `${context}: "${error.message}"`);
        outcomes.broken++;
      }
    }
    assert.ok(outcomes.tolerated > CASES / 3 && outcomes.broken > CASES / 5, JSON.stringify(outcomes));
  });
});

/**
 * GET dimensions/<dimension>/values?from=<ms>&to=<ms>&search=<text>&limit=<n>: the values the query editor
 * suggests for a filter, most frequent first. The dimension must be one of the contract's DIMENSIONS; from/to
 * default to the last 24 hours; limit defaults to 100 (at most 1000).
 */
import { DIMENSIONS, type Dimension } from '../../../contract/query';
import type { DimensionValuesResponse } from '../../../contract/resources';
import { withReadOnlySession } from '../../db/session';
import { MAX_RANGE_MS } from '../../query/plan';
import { dimensionValuesSql, MAX_DIMENSION_VALUES } from '../../query/variables/dimensionValuesSql';
import type { Instance } from '../instances';
import type { ResourceResponse } from '../types';
import { BadRequest, intParam, json, textParam } from './http';

const DAY_MS = 86_400_000;
/** Latest epoch ms accepted (year 9999). */
const MAX_EPOCH_MS = 253_402_300_799_999;

function dimensionOf(segment: string): Dimension {
  const dimension = (DIMENSIONS as readonly string[]).find((d) => d === segment);
  if (!dimension) {
    throw new BadRequest(`unknown dimension "${segment.slice(0, 60)}" — use one of: ${DIMENSIONS.join(', ')}`);
  }
  return dimension as Dimension;
}

/** Answers the dimension values route. */
export async function dimensionValues(
  instance: Instance,
  segment: string,
  query: URLSearchParams,
  signal: AbortSignal
): Promise<ResourceResponse> {
  const dimension = dimensionOf(segment);
  const toMs = intParam(query, 'to', 0, MAX_EPOCH_MS, Date.now());
  const fromMs = intParam(query, 'from', 0, MAX_EPOCH_MS, toMs - DAY_MS);
  if (fromMs >= toMs) {
    throw new BadRequest('from must be before to');
  }
  if (toMs - fromMs > MAX_RANGE_MS) {
    throw new BadRequest('the time range is longer than 5 years');
  }
  const search = textParam(query, 'search', 200);
  const limit = intParam(query, 'limit', 1, MAX_DIMENSION_VALUES, 100);
  const statement = dimensionValuesSql({ dimension, fromMs, toMs, search, limit });
  const result = await withReadOnlySession(
    instance.pool,
    instance.settings,
    (session) => session.query<{ value: string }>(statement.text, statement.values),
    { signal }
  );
  const body: DimensionValuesResponse = { dimension, values: result.rows.map((row) => row.value) };
  return json(200, body);
}

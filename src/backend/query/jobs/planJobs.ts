/** Validates a jobs listing: the checks the schema cannot express, each failing with a message naming the field. */
import {
  DEFAULT_JOB_ROWS,
  defaultJobSort,
  JOB_DIMENSIONS,
  QUERY_LIMITS,
  type Dimension,
} from '../../../contract/query';
import { QueryError } from '../../errors';
import type { JobsPlan, QueryModel, TimeWindow } from '../plan';

/** Builds the plan of a jobs listing from the parsed model. */
export function planJobs(refId: string, model: QueryModel, window: TimeWindow): JobsPlan {
  const limit = model.limit ?? DEFAULT_JOB_ROWS;
  if (limit > QUERY_LIMITS.jobRows) {
    throw QueryError.badQuery(
      `[query] limit: a jobs listing returns at most ${QUERY_LIMITS.jobRows} jobs, got ${limit} — lower the limit or narrow the filters`
    );
  }
  model.filters.forEach((filter, index) => {
    if (!(JOB_DIMENSIONS as readonly Dimension[]).includes(filter.key)) {
      throw QueryError.badQuery(
        `[query] filters.${index}.key: jobs cannot be filtered by "${filter.key}" — use one of: ${JOB_DIMENSIONS.join(', ')}`
      );
    }
  });
  const jobWindow = model.jobWindow ?? 'finished';
  return {
    kind: 'jobs',
    refId,
    filters: model.filters,
    conditions: model.jobConditions ?? [],
    jobWindow,
    sortBy: model.sortBy ?? defaultJobSort(jobWindow),
    sortDesc: model.sortDesc ?? true,
    limit,
    window,
  };
}

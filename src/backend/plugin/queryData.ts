/**
 * QueryData: every query is planned and run on its own, so a bad query fails alone (its refId gets a 400 with a
 * clear message) and never touches the others.
 */
import { QueryError, SettingsError } from '../errors';
import type { Logger } from '../log';
import { executePlan } from '../query/execute';
import { planQuery } from '../query/plan';
import { isLive, liveAnswer } from './streams/liveAnswer';
import type { InstanceManager } from './instances';
import type { DataQuery, DataResponse, QueryDataRequest } from './types';

function asQueryError(error: unknown): QueryError {
  if (error instanceof QueryError) {
    return error;
  }
  if (error instanceof SettingsError) {
    return new QueryError(error.message, 400, 'downstream', { cause: error });
  }
  return QueryError.internal(
    `[plugin] unexpected failure: ${error instanceof Error ? error.message : String(error)}`,
    error
  );
}

/** Runs every query of the request; the map has one entry per refId. */
export async function queryData(
  instances: InstanceManager,
  request: QueryDataRequest,
  signal: AbortSignal,
  log: Logger
): Promise<Map<string, DataResponse>> {
  const responses = new Map<string, DataResponse>();
  let instance: ReturnType<InstanceManager['get']> | undefined;
  let instanceError: QueryError | undefined;
  try {
    instance = instances.get(request.context);
  } catch (error) {
    instanceError = asQueryError(error);
  }

  const runOne = async (query: DataQuery): Promise<DataResponse> => {
    try {
      if (!instance) {
        throw instanceError ?? QueryError.internal('[plugin] no datasource instance');
      }
      const plan = planQuery(query);
      const uid = request.context.datasource?.uid;
      if (isLive(plan) && uid) {
        return { frames: await liveAnswer(plan, instance, query, { uid, scope: instance.key }, signal) };
      }
      return { frames: await executePlan(plan, instance, signal) };
    } catch (error) {
      const queryError = asQueryError(error);
      if (queryError.source === 'plugin') {
        log.error('query failed', { refId: query.refId, error: queryError.message, cause: queryError.cause });
      } else {
        log.debug('query rejected', { refId: query.refId, error: queryError.message });
      }
      return { frames: [], error: queryError };
    }
  };

  const results = await Promise.all(request.queries.map(runOne));
  request.queries.forEach((query, i) => responses.set(query.refId, results[i]!));
  return responses;
}

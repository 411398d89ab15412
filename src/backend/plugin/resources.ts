/**
 * Resource calls (GET /api/datasources/uid/<uid>/resources/<path>): what the editors and the app's pages need from
 * the backend. One route per file under resources/; this file only routes. Everything is GET and read-only: other
 * methods get 405, unknown paths 404, bad input 400, all with a JSON `{ error }` body. A call for another plugin is
 * 404; routes that read the ledger need the request's datasource settings (400 without them).
 */
import type { InstanceManager } from './instances';
import { DATASOURCE_PLUGIN_ID } from './pluginContext';
import { dimensionValues } from './resources/dimensionValues';
import { errorResponse, json, pathParam } from './resources/http';
import { jobDetail } from './resources/jobDetail';
import { metricsCatalog } from './resources/metricsCatalog';
import { sqlSchema } from './resources/sqlSchema';
import type { ResourceRequest, ResourceResponse } from './types';

const DIMENSION_VALUES = /^dimensions\/([^/]+)\/values$/;
const JOB = /^jobs\/(.+)$/;

/** Routes one resource call. */
export async function callResource(
  instances: InstanceManager,
  request: ResourceRequest,
  signal: AbortSignal
): Promise<ResourceResponse> {
  if (request.method !== 'GET') {
    return json(
      405,
      { error: `method ${request.method.slice(0, 20)} is not allowed; resources are read-only (GET)` },
      { Allow: 'GET' }
    );
  }
  if (request.context.pluginId !== '' && request.context.pluginId !== DATASOURCE_PLUGIN_ID) {
    return json(404, { error: `no resource at "${request.path.slice(0, 200)}" for this plugin` });
  }
  const path = request.path.replace(/\/+$/, '');
  try {
    if (path === 'metrics') {
      return metricsCatalog();
    }
    const dimension = DIMENSION_VALUES.exec(path);
    if (dimension) {
      return await dimensionValues(
        instances.get(request.context),
        pathParam(dimension[1]!, 'dimension', 60),
        request.query,
        signal
      );
    }
    if (path === 'sql/schema') {
      return await sqlSchema(instances.get(request.context), signal);
    }
    const job = JOB.exec(path);
    if (job) {
      return await jobDetail(instances.get(request.context), pathParam(job[1]!, 'job id', 200), signal);
    }
    return json(404, { error: `no resource at "${request.path.slice(0, 200)}"` });
  } catch (error) {
    return errorResponse(error);
  }
}

/**
 * Grafana Live handlers: SubscribeStream validates the channel path (it must name a query this datasource can run)
 * and returns the current frame as initial data; RunStream attaches to the path's shared worker until Grafana cancels
 * it; PublishStream is refused (the ledger is written by workers only). Every stream request must carry this
 * plugin's datasource context (pluginContext.ts), and a path names a query only for the datasource that created it.
 */
import { ProtocolError, QueryError } from '../../errors';
import { toFrameJson } from '../../frames/frameJson';
import type { Logger } from '../../log';
import { executePlan } from '../../query/execute';
import { planQuery } from '../../query/plan';
import { instanceKey, type Instance, type InstanceManager } from '../instances';
import { isForThisPlugin } from '../pluginContext';
import type { StreamDecision, StreamRequest, StreamSender } from '../types';
import { liveMetricFrame } from './liveFrames';
import { queryAt, specOf, type LiveSpec } from './liveSpec';
import { StreamHub } from './streamHub';
import type { StreamPositions } from './streamPositions';

function hubOf(instance: Instance, positions: StreamPositions): StreamHub {
  return instance.companion(
    'streams',
    () =>
      new StreamHub(
        { pool: instance.pool, settings: instance.settings, uid: instance.uid, name: instance.name },
        instance.log,
        instance.key,
        positions
      )
  );
}

function resolve(
  instances: InstanceManager,
  request: StreamRequest
): { instance: Instance; spec: LiveSpec } | undefined {
  if (!isForThisPlugin(request.context)) {
    return undefined;
  }
  const spec = specOf(request.path, instanceKey(request.context)!);
  if (!spec) {
    return undefined;
  }
  try {
    planQuery(queryAt(spec, Date.now())); // the path must name a valid query
    return { instance: instances.get(request.context), spec };
  } catch {
    return undefined;
  }
}

/** SubscribeStream */
export async function subscribeStream(
  instances: InstanceManager,
  request: StreamRequest,
  log: Logger
): Promise<StreamDecision> {
  const resolved = resolve(instances, request);
  if (!resolved) {
    return { status: 'NOT_FOUND' };
  }
  try {
    const plan = planQuery(queryAt(resolved.spec, Date.now()));
    const frames = await executePlan(
      plan,
      resolved.instance,
      AbortSignal.timeout(resolved.instance.settings.statementTimeoutMs)
    );
    if (plan.kind === 'logs') {
      // The QueryData answer already holds the current lines; repeating them would duplicate them in the tail.
      return { status: 'OK', data: frames[0] ? toFrameJson(frames[0], 'schema') : undefined };
    }
    const frame = liveMetricFrame(frames, plan.kind === 'metrics' ? plan.metric.id : 'live');
    return { status: 'OK', data: toFrameJson(frame, 'all') };
  } catch (error) {
    // The stream can still start; RunStream retries the computation.
    log.warn('live stream initial data unavailable', {
      path: request.path,
      error: error instanceof QueryError ? error.message : String(error),
    });
    return { status: 'OK' };
  }
}

/** RunStream: serves packets until Grafana cancels the call. */
export async function runStream(
  instances: InstanceManager,
  positions: StreamPositions,
  request: StreamRequest,
  send: StreamSender,
  signal: AbortSignal
): Promise<void> {
  const resolved = resolve(instances, request);
  if (!resolved) {
    throw new ProtocolError(`unknown live stream path "${request.path.slice(0, 200)}"`);
  }
  await hubOf(resolved.instance, positions).run(request.path, resolved.spec, send, signal);
}

/** PublishStream: clients may not publish to ledger channels. */
export async function publishStream(): Promise<StreamDecision> {
  return { status: 'PERMISSION_DENIED' };
}

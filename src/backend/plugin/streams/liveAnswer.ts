/**
 * QueryData's answer to a live query: the current data as one frame whose `meta.channel` makes Grafana subscribe
 * (`ds/<uid>/<path>`); the path names the query so SubscribeStream/RunStream can compute it again. A logs path also
 * names the ledger position the answer covers, where the tail takes over.
 */
import type { CheckedFrame } from '../../frames/frame';
import { executePlan, type ExecutionTarget } from '../../query/execute';
import { runLogsWithHead } from '../../query/logs/runLogs';
import { savedQueryOf, type QueryPlan } from '../../query/plan';
import type { DataQuery } from '../types';
import { liveMetricFrame, onChannel } from './liveFrames';
import { liveSpecOf, pathOf } from './liveSpec';

/** Whether a plan asks for a live stream we serve (metrics and logs). */
export function isLive(plan: QueryPlan): boolean {
  return (plan.kind === 'metrics' || plan.kind === 'logs') && plan.live;
}

/** Runs a live query and turns its frames into its streaming head frame. `scope` is `<orgId>/<uid>`. */
export async function liveAnswer(
  plan: QueryPlan,
  target: ExecutionTarget,
  query: DataQuery,
  datasource: { uid: string; scope: string },
  signal: AbortSignal
): Promise<CheckedFrame[]> {
  // The saved query as planned (nulls unset, numbers read), so the channel path names the same query.
  const model = savedQueryOf(query);
  if (plan.kind === 'logs') {
    const { frames, headSeq } = await runLogsWithHead(plan, target, signal);
    const channel = `ds/${datasource.uid}/${pathOf(liveSpecOf(query, model, headSeq), datasource.scope)}`;
    // New lines are appended to the ones already shown.
    return frames.slice(0, 1).map((frame) => onChannel(frame, channel, 'append'));
  }
  const frames = await executePlan(plan, target, signal);
  const channel = `ds/${datasource.uid}/${pathOf(liveSpecOf(query, model), datasource.scope)}`;
  const name = plan.kind === 'metrics' ? plan.metric.id : 'live';
  return [onChannel(liveMetricFrame(frames, name), channel, 'replace')];
}

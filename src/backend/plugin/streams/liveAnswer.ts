/**
 * QueryData's answer to a live query: the current data as one frame whose `meta.channel` makes Grafana subscribe
 * (`ds/<uid>/<path>`); the path names the query so SubscribeStream/RunStream can compute it again.
 */
import type { CheckedFrame } from '../../frames/frame';
import type { QueryPlan } from '../../query/plan';
import type { DataQuery } from '../types';
import { liveMetricFrame, onChannel } from './liveFrames';
import { liveSpecOf, pathOf } from './liveSpec';

/** Whether a plan asks for a live stream we serve (metrics and logs). */
export function isLive(plan: QueryPlan): boolean {
  return (plan.kind === 'metrics' || plan.kind === 'logs') && plan.live;
}

/** Turns a live query's frames into its streaming head frame. */
export function liveAnswer(
  plan: QueryPlan,
  frames: CheckedFrame[],
  query: DataQuery,
  datasourceUid: string
): CheckedFrame[] {
  const model = JSON.parse(Buffer.from(query.json).toString('utf8') || '{}') as Record<string, unknown>;
  const spec = liveSpecOf(query, model);
  const channel = `ds/${datasourceUid}/${pathOf(spec)}`;
  if (plan.kind === 'logs') {
    // New lines are appended to the ones already shown.
    return frames.slice(0, 1).map((frame) => onChannel(frame, channel, 'append'));
  }
  const name = plan.kind === 'metrics' ? plan.metric.id : 'live';
  return [onChannel(liveMetricFrame(frames, name), channel, 'replace')];
}

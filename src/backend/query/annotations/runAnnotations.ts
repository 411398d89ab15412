/** Runs an annotations plan: point events and incident regions of the chosen sources, one frame. */
import type { AnnotationSource } from '../../../contract/query';
import { withReadOnlySession, type Session } from '../../db/session';
import type { CheckedFrame, Notice } from '../../frames/frame';
import type { ExecutionTarget } from '../execute';
import { toEventRow, type EventRow, type RawEventRow } from '../logs/eventRow';
import { bodyOf } from '../logs/eventText';
import type { AnnotationsPlan } from '../plan';
import type { Sql } from '../sql';
import { annotationFrame, type Annotation } from './annotationFrame';
import { failureBucketsSql, heartbeatGapsSql, MAX_ANNOTATIONS, pointEventsSql } from './annotationsSql';
import { describeFailureIncident, describeHeartbeatGap, mergeFailureBuckets } from './incidents';

const POINT_SOURCES: readonly AnnotationSource[] = ['escalation', 'job.failed', 'budget.exceeded'];

const TITLES: Readonly<Record<string, (e: EventRow) => string>> = {
  escalation: (e) => `Escalation: ${e.name ?? 'escalated'}`,
  'job.failed': (e) => `Job failed: ${e.name ?? 'error'}`,
  'budget.exceeded': (e) => `Budget exceeded${e.jobId ? `: ${e.jobId}` : ''}`,
};

function pointAnnotation(e: EventRow): Annotation {
  const tags = [e.kind];
  for (const [key, value] of [
    ['mode', e.mode],
    ['worker', e.workerId],
    ['job', e.jobId],
  ] as const) {
    if (value) {
      tags.push(`${key}:${value}`);
    }
  }
  return { timeMs: e.ms, timeEndMs: null, title: TITLES[e.kind]?.(e) ?? e.kind, text: bodyOf(e), tags };
}

async function rows<R extends object>(session: Session, statement: Sql, notices: Notice[], what: string): Promise<R[]> {
  const result = await session.query<R & Record<string, unknown>>(statement.text, statement.values);
  if (result.rows.length > MAX_ANNOTATIONS) {
    notices.push({
      severity: 'warning',
      text: `More than ${MAX_ANNOTATIONS} ${what}; showing the first ${MAX_ANNOTATIONS} — narrow the time range or add filters.`,
    });
  }
  return result.rows.slice(0, MAX_ANNOTATIONS);
}

/** Executes one annotations plan. */
export async function runAnnotations(
  plan: AnnotationsPlan,
  target: ExecutionTarget,
  signal: AbortSignal
): Promise<CheckedFrame[]> {
  const notices: Notice[] = [];
  const kinds = plan.sources.filter((source) => POINT_SOURCES.includes(source));
  const annotations = await withReadOnlySession(
    target.pool,
    target.settings,
    async (session) => {
      const found: Annotation[] = [];
      if (kinds.length > 0) {
        const events = await rows<RawEventRow>(
          session,
          pointEventsSql(kinds, plan.window, plan.filters),
          notices,
          'events'
        );
        found.push(...events.map((row) => pointAnnotation(toEventRow(row))));
      }
      if (plan.sources.includes('incident')) {
        const buckets = await rows<{ start_ms: number; failed: number; finished: number }>(
          session,
          failureBucketsSql(plan.window, plan.filters),
          notices,
          'failure buckets'
        );
        for (const incident of mergeFailureBuckets(
          buckets.map((b) => ({ startMs: b.start_ms, failed: b.failed, finished: b.finished }))
        )) {
          found.push({
            timeMs: incident.startMs,
            timeEndMs: incident.endMs,
            ...describeFailureIncident(incident),
            tags: ['incident', 'failure-rate'],
          });
        }
        const gaps = await rows<{
          worker_id: string;
          start_ms: number;
          end_ms: number;
          job_id: string | null;
          open: boolean;
        }>(session, heartbeatGapsSql(plan.window, plan.filters), notices, 'heartbeat gaps');
        for (const row of gaps) {
          const gap = {
            workerId: row.worker_id,
            startMs: row.start_ms,
            endMs: row.end_ms,
            jobId: row.job_id,
            open: row.open,
          };
          found.push({
            timeMs: gap.startMs,
            timeEndMs: gap.endMs,
            ...describeHeartbeatGap(gap),
            tags: ['incident', 'heartbeat-gap', `worker:${gap.workerId}`],
          });
        }
      }
      return found;
    },
    { signal }
  );
  return [annotationFrame(annotations, notices)];
}

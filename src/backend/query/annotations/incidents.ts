/**
 * Incidents: periods when something was wrong, shown as annotation regions.
 * - Failure-rate incidents: 5-minute buckets (epoch-aligned) in which more than 20% of finished jobs failed and at
 *   least 3 failed (the "failure rate > 20% in 5 min" alert), merged when consecutive.
 * - Heartbeat gaps: a worker silent for more than 1 minute between two heartbeats, or silent until the end of the
 *   range (or now) after a heartbeat that said it was running a job (the "worker heartbeat missing" alert).
 */
import { formatDuration } from '../logs/eventRow';

/** Bucket width of failure-rate incidents. */
export const INCIDENT_BUCKET_MS = 5 * 60_000;
/** A bucket is bad above this failure rate… */
export const INCIDENT_FAILURE_RATE = 0.2;
/** …with at least this many failures. */
export const INCIDENT_MIN_FAILURES = 3;
/** A silence longer than this is a heartbeat gap. */
export const HEARTBEAT_GAP_MS = 60_000;

/** One bad bucket as the SQL returns it. */
export interface FailureBucket {
  startMs: number;
  failed: number;
  finished: number;
}

/** A merged failure-rate incident. */
export interface FailureIncident {
  startMs: number;
  endMs: number;
  failed: number;
  finished: number;
}

/** Merges consecutive bad buckets (sorted by start) into incidents. */
export function mergeFailureBuckets(
  buckets: readonly FailureBucket[],
  bucketMs = INCIDENT_BUCKET_MS
): FailureIncident[] {
  const incidents: FailureIncident[] = [];
  for (const bucket of buckets) {
    const last = incidents[incidents.length - 1];
    if (last && last.endMs === bucket.startMs) {
      last.endMs += bucketMs;
      last.failed += bucket.failed;
      last.finished += bucket.finished;
    } else {
      incidents.push({
        startMs: bucket.startMs,
        endMs: bucket.startMs + bucketMs,
        failed: bucket.failed,
        finished: bucket.finished,
      });
    }
  }
  return incidents;
}

/** A heartbeat gap as the SQL returns it. */
export interface HeartbeatGap {
  workerId: string;
  startMs: number;
  endMs: number;
  jobId: string | null;
  /** Still silent at the end of the range. */
  open: boolean;
}

const clock = (ms: number) => new Date(ms).toISOString().slice(11, 19);

/** Title and text of a failure-rate incident. */
export function describeFailureIncident(incident: FailureIncident): { title: string; text: string } {
  const rate = Math.round((incident.failed / incident.finished) * 100);
  return {
    title: `Incident: job failure rate ${rate}%`,
    text: `${incident.failed} of ${incident.finished} finished jobs failed between ${clock(incident.startMs)} and ${clock(incident.endMs)} UTC (5-minute buckets with a failure rate over ${INCIDENT_FAILURE_RATE * 100}% and at least ${INCIDENT_MIN_FAILURES} failures).`,
  };
}

/** Title and text of a heartbeat gap. */
export function describeHeartbeatGap(gap: HeartbeatGap): { title: string; text: string } {
  const job = gap.jobId ? ` while running ${gap.jobId}` : '';
  const silence = formatDuration(gap.endMs - gap.startMs);
  return {
    title: `Incident: worker ${gap.workerId} silent`,
    text: gap.open
      ? `No heartbeat from worker ${gap.workerId} since ${clock(gap.startMs)} UTC (${silence})${job}; still silent at the end of the range.`
      : `No heartbeat from worker ${gap.workerId} for ${silence} (${clock(gap.startMs)} → ${clock(gap.endMs)} UTC)${job}.`,
  };
}

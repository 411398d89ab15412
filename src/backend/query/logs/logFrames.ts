/**
 * Events → one data-plane `log-lines` frame (v0.0), which Explore's logs view reads:
 *
 *   timestamp (time) · body (string) · severity (string) · id (string) · labels (json) · trace (string, nullable)
 *
 * `trace` is an extra field (Explore shows extra fields in the line's details) carrying the job id, or the trace id
 * for events without a job, with an internal data link that opens a traces query for it on this same datasource,
 * the way Loki's derived fields link log lines to traces.
 */
import { jsonField, makeFrame, stringField, timeField } from '../../frames/builders';
import { checkFrame, type CheckedFrame, type DataLink, type FrameMeta, type Notice } from '../../frames/frame';
import type { EventRow } from './eventRow';
import { bodyOf, labelsOf, severityOf, traceKeyOf } from './eventText';

/** The datasource a link points back to (from the request's plugin context). */
export interface LinkTarget {
  uid?: string;
  name?: string;
}

/** The internal link from a log line to the trace of its job (`${__value.raw}` is the `trace` field's value). */
export function traceLink(target: LinkTarget): DataLink | undefined {
  if (!target.uid) {
    return undefined;
  }
  return {
    title: 'Open trace',
    url: '',
    internal: {
      datasourceUid: target.uid,
      ...(target.name ? { datasourceName: target.name } : {}),
      query: { refId: 'trace', queryType: 'traces', traceId: '${__value.raw}' },
    },
  };
}

/** Builds the log-lines frame; `cutAt` is the limit when more events matched than were returned. */
export function logFrame(
  events: readonly EventRow[],
  executedSql: string,
  target: LinkTarget,
  cutAt?: number
): CheckedFrame {
  const notices: Notice[] = [];
  if (cutAt !== undefined) {
    notices.push({
      severity: 'warning',
      text: `Showing the newest ${cutAt} lines; more events match — narrow the time range, add filters or a search, or raise the line limit.`,
    });
  }
  const meta: FrameMeta = {
    type: 'log-lines',
    typeVersion: [0, 0],
    // Grafana before the data plane parser read `labels` only from frames marked like this.
    custom: { frameType: 'LabeledTimeValues' },
    ...(notices.length > 0 ? { notices } : {}),
    preferredVisualisationType: 'logs',
    executedQueryString: executedSql,
  };
  const link = traceLink(target);
  const frame = makeFrame(
    [
      timeField(
        'timestamp',
        events.map((e) => e.ms),
        { nanos: events.map((e) => e.nanos) }
      ),
      stringField('body', events.map(bodyOf)),
      stringField('severity', events.map(severityOf)),
      stringField(
        'id',
        events.map((e) => e.seq)
      ),
      jsonField('labels', events.map(labelsOf), { nullable: false }),
      stringField('trace', events.map(traceKeyOf), {
        nullable: true,
        config: { displayName: 'Trace', ...(link ? { links: [link] } : {}) },
      }),
    ],
    { name: 'logs', meta }
  );
  return checkFrame(frame);
}

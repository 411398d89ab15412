/** A logs frame (Grafana's log-lines data frame) as lines for the job page. */
import { FieldType, type DataFrame } from '@grafana/data';

import { fieldValues, findField } from '../../data/frameValues';

/** One event line. */
export interface LogLine {
  time: number;
  body: string;
  level?: string;
  labels?: Record<string, unknown>;
}

/** Reads a log-lines frame: the time field, the body, optional severity and labels. */
export function logLinesFromFrame(frame: DataFrame): LogLine[] {
  const timeField = findField(frame, 'timestamp', 'time') ?? frame.fields.find((f) => f.type === FieldType.time);
  const bodyField =
    findField(frame, 'body', 'line', 'message') ?? frame.fields.find((f) => f.type === FieldType.string);
  if (!timeField || !bodyField) {
    return [];
  }
  const times = fieldValues(timeField);
  const bodies = fieldValues(bodyField);
  const levels = fieldValues(findField(frame, 'severity', 'level') ?? { ...bodyField, values: [] });
  const labels = fieldValues(findField(frame, 'labels', 'attributes') ?? { ...bodyField, values: [] });
  return times.map((time, i) => ({
    time: typeof time === 'number' ? time : Date.parse(String(time)),
    body: String(bodies[i] ?? ''),
    level: levels[i] ? String(levels[i]) : undefined,
    labels: typeof labels[i] === 'object' && labels[i] !== null ? (labels[i] as Record<string, unknown>) : undefined,
  }));
}

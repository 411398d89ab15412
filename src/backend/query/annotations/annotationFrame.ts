/**
 * Annotations → the frame Grafana's standard annotation support reads (getAnnotationsFromData maps fields by
 * name): `time` (time), `timeEnd` (time, nullable: set for regions), `title`, `text` (strings) and `tags` (json
 * array of strings; a non-string value is used as it is, so tags may contain commas).
 */
import { jsonField, makeFrame, stringField, timeField } from '../../frames/builders';
import { checkFrame, type CheckedFrame, type Notice } from '../../frames/frame';

/** One annotation (a point when `timeEndMs` is null, a region otherwise). */
export interface Annotation {
  timeMs: number;
  timeEndMs: number | null;
  title: string;
  text: string;
  tags: string[];
}

/** Builds the annotations frame, sorted by time. */
export function annotationFrame(annotations: readonly Annotation[], notices: Notice[] = []): CheckedFrame {
  const sorted = [...annotations].sort((a, b) => a.timeMs - b.timeMs);
  return checkFrame(
    makeFrame(
      [
        timeField(
          'time',
          sorted.map((a) => Math.round(a.timeMs))
        ),
        timeField(
          'timeEnd',
          sorted.map((a) => (a.timeEndMs === null ? null : Math.round(a.timeEndMs))),
          { nullable: true }
        ),
        stringField(
          'title',
          sorted.map((a) => a.title)
        ),
        stringField(
          'text',
          sorted.map((a) => a.text)
        ),
        jsonField(
          'tags',
          sorted.map((a) => a.tags),
          { nullable: false }
        ),
      ],
      { name: 'annotations', meta: notices.length > 0 ? { notices } : undefined }
    )
  );
}

import React from 'react';
import { FieldType, getFieldDisplayName, toDataFrame, type DataFrame } from '@grafana/data';
import { Alert, Stack, Text } from '@grafana/ui';

import { QueryResultTable } from '../../../../src/app/components/QueryResultTable';
import { fieldValues } from '../../../../src/app/data/frameValues';

/** Time series as one row per series (name, points, total, last value), instants as series and value; others as they are. */
function panelView(frames: DataFrame[]): DataFrame | undefined {
  const isSeries =
    frames.length > 0 && frames.every((f) => f.fields.length === 2 && f.fields[0]?.type === FieldType.time);
  const isInstant =
    frames.length > 0 &&
    frames.every((f) => f.fields.length === 1 && f.fields[0]?.type === FieldType.number && f.length === 1);
  if (isInstant) {
    return toDataFrame({
      fields: [
        {
          name: 'series',
          type: FieldType.string,
          values: frames.map((f) => getFieldDisplayName(f.fields[0]!, f, frames)),
        },
        { name: 'value', type: FieldType.number, values: frames.map((f) => fieldValues(f.fields[0]!)[0]) },
      ],
    });
  }
  if (!isSeries) {
    return frames[0];
  }
  const rows = frames.map((frame) => {
    const values = fieldValues(frame.fields[1]!).map(Number);
    return {
      series: getFieldDisplayName(frame.fields[1]!, frame, frames),
      points: values.length,
      total: values.reduce((a, b) => a + (b || 0), 0),
      last: values[values.length - 1],
    };
  });
  return toDataFrame({
    fields: [
      { name: 'series', type: FieldType.string, values: rows.map((r) => r.series) },
      { name: 'points', type: FieldType.number, values: rows.map((r) => r.points) },
      { name: 'total', type: FieldType.number, values: rows.map((r) => r.total) },
      { name: 'last', type: FieldType.number, values: rows.map((r) => r.last) },
    ],
  });
}

/** What a panel would receive: each frame's name, fields and rows, or the error. */
export function FramesView({
  frames,
  error,
  loading,
  runs = 0,
}: {
  frames: DataFrame[];
  error?: string;
  loading: boolean;
  runs?: number;
}) {
  const view = panelView(frames);
  return (
    <div
      data-testid="harness-result"
      data-state={loading ? 'loading' : error ? 'error' : 'done'}
      data-frames={frames.length}
      data-runs={runs}
    >
      {error ? (
        <Alert severity="error" title="Query error">
          {error}
        </Alert>
      ) : (
        <Stack direction="column" gap={1}>
          <Text variant="bodySmall" color="secondary">
            {loading
              ? 'Running…'
              : `${frames.length} frame(s): ${frames
                  .slice(0, 4)
                  .map(
                    (f) => `${f.name ?? f.refId ?? '?'} (${f.length} rows; ${f.fields.map((x) => x.name).join(', ')})`
                  )
                  .join(' · ')}${frames.length > 4 ? ' · …' : ''}`}
          </Text>
          {view && <QueryResultTable frame={view} pageSize={5} />}
        </Stack>
      )}
    </div>
  );
}

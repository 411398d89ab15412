import React, { useMemo } from 'react';
import { css } from '@emotion/css';
import { dateTimeFormat, type GrafanaTheme2 } from '@grafana/data';
import { Alert, LoadingPlaceholder, Stack, Text, useStyles2 } from '@grafana/ui';

import type { LedgerDataSource } from '../../../datasource/LedgerDataSource';
import type { LedgerQuery } from '../../../datasource/types';
import { testIds } from '../../../testIds';
import type { TimeWindow } from '../../data/runLedgerQuery';
import { useLedgerQuery } from '../../data/useLedgerQuery';
import { logLinesFromFrame } from './logLines';

const EVENT_LIMIT = 500;

/** The job's ledger events as log lines, oldest first. */
export function JobEvents({
  datasource,
  jobId,
  timeWindow,
}: {
  datasource: LedgerDataSource;
  jobId: string;
  timeWindow: TimeWindow;
}) {
  const styles = useStyles2(getStyles);
  const query: LedgerQuery = useMemo(
    () => ({
      refId: 'events',
      queryType: 'logs',
      filters: [{ key: 'job', operator: '=', value: jobId }],
      limit: EVENT_LIMIT,
    }),
    [jobId]
  );
  const state = useLedgerQuery(datasource, [query], () => timeWindow);
  const lines = useMemo(
    () => (state.frames ?? []).flatMap(logLinesFromFrame).sort((a, b) => a.time - b.time),
    [state.frames]
  );

  let body: React.ReactNode;
  if (state.loading) {
    body = <LoadingPlaceholder text="Loading events…" />;
  } else if (state.error) {
    body = (
      <Alert severity="warning" title="No events">
        {state.error}
      </Alert>
    );
  } else if (lines.length === 0) {
    body = <Text color="secondary">No events for this job in its time range.</Text>;
  } else {
    body = (
      <div className={styles.lines}>
        {lines.map((line, index) => (
          <div key={index} className={styles.line} data-testid={testIds.job.logLine}>
            <span className={styles.time}>{dateTimeFormat(line.time, { format: 'HH:mm:ss.SSS' })}</span>
            <span className={line.level === 'error' ? styles.error : undefined}>{line.body}</span>
          </div>
        ))}
      </div>
    );
  }
  return (
    <div data-testid={testIds.job.logs}>
      <Stack direction="column" gap={1}>
        <Text element="h3">Events</Text>
        {body}
      </Stack>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  lines: css({
    fontFamily: theme.typography.fontFamilyMonospace,
    fontSize: theme.typography.bodySmall.fontSize,
    maxHeight: 420,
    overflowY: 'auto',
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(1),
  }),
  line: css({ display: 'flex', gap: theme.spacing(2), padding: theme.spacing(0.25, 0), whiteSpace: 'pre-wrap' }),
  time: css({ color: theme.colors.text.secondary, flexShrink: 0 }),
  error: css({ color: theme.colors.error.text }),
});

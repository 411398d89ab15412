import React, { useMemo } from 'react';
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, LinkButton, LoadingPlaceholder, Stack, Text, Tooltip, useStyles2 } from '@grafana/ui';

import type { LedgerDataSource } from '../../../datasource/LedgerDataSource';
import type { LedgerQuery } from '../../../datasource/types';
import { testIds } from '../../../testIds';
import type { TimeWindow } from '../../data/runLedgerQuery';
import { useLedgerQuery } from '../../data/useLedgerQuery';
import { formatValue } from '../Overview/StatTile';
import { orderSpans, spansFromFrame, traceBounds } from './traceSpans';

interface Props {
  datasource: LedgerDataSource;
  jobId: string;
  timeWindow: TimeWindow;
}

/** Explore with this job's trace, where Grafana's own trace view renders it. */
export function exploreTraceUrl(datasource: LedgerDataSource, query: LedgerQuery, window: TimeWindow): string {
  const panes = {
    trace: {
      datasource: datasource.uid,
      queries: [{ ...query, datasource: { type: datasource.type, uid: datasource.uid } }],
      range: { from: String(window.from), to: String(window.to) },
    },
  };
  return `/explore?schemaVersion=1&panes=${encodeURIComponent(JSON.stringify(panes))}`;
}

/** The job's spans as an indented timeline (process-job → agent-loop → llm-call / tool-execution). */
export function JobTrace({ datasource, jobId, timeWindow }: Props) {
  const styles = useStyles2(getStyles);
  const query: LedgerQuery = useMemo(() => ({ refId: 'trace', queryType: 'traces', traceId: jobId }), [jobId]);
  const state = useLedgerQuery(datasource, [query], () => timeWindow);
  const spans = useMemo(() => orderSpans((state.frames ?? []).flatMap(spansFromFrame)), [state.frames]);

  let body: React.ReactNode;
  if (state.loading) {
    body = <LoadingPlaceholder text="Loading the trace…" />;
  } else if (state.error) {
    body = (
      <Alert severity="warning" title="No trace">
        {state.error}
      </Alert>
    );
  } else if (spans.length === 0) {
    body = <Text color="secondary">The ledger has no spans for this job.</Text>;
  } else {
    const { start, end } = traceBounds(spans);
    const total = end - start;
    body = (
      <div className={styles.table}>
        {spans.map((span) => (
          <div key={span.spanId} className={styles.row} data-testid={testIds.job.span}>
            <div className={styles.name} style={{ paddingLeft: `${span.depth * 16}px` }}>
              <Text truncate color={span.error ? 'error' : 'primary'}>
                {span.name}
              </Text>
              {span.service && (
                <Text variant="bodySmall" color="secondary">
                  {' '}
                  {span.service}
                </Text>
              )}
            </div>
            <div className={styles.track}>
              <Tooltip
                content={`${span.name}: ${formatValue(span.durationMs, 'ms')} from +${formatValue(span.startMs - start, 'ms')}`}
              >
                <div
                  className={cx(styles.bar, span.error && styles.errorBar)}
                  style={{
                    left: `${((span.startMs - start) / total) * 100}%`,
                    width: `max(2px, ${(span.durationMs / total) * 100}%)`,
                  }}
                />
              </Tooltip>
            </div>
            <Text variant="bodySmall" color="secondary">
              {formatValue(span.durationMs, 'ms')}
            </Text>
          </div>
        ))}
      </div>
    );
  }

  return (
    <div data-testid={testIds.job.trace}>
      <Stack direction="column" gap={1}>
        <Stack direction="row" justifyContent="space-between" alignItems="center">
          <Text element="h3">Trace</Text>
          <LinkButton
            size="sm"
            variant="secondary"
            icon="compass"
            href={exploreTraceUrl(datasource, query, timeWindow)}
          >
            Open in Explore
          </LinkButton>
        </Stack>
        {body}
      </Stack>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  table: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(0.5) }),
  row: css({
    display: 'grid',
    gridTemplateColumns: 'minmax(200px, 30%) 1fr 80px',
    alignItems: 'center',
    gap: theme.spacing(1),
  }),
  name: css({ overflow: 'hidden', whiteSpace: 'nowrap' }),
  track: css({
    position: 'relative',
    height: theme.spacing(2),
    background: theme.colors.background.secondary,
    borderRadius: theme.shape.radius.default,
  }),
  bar: css({
    position: 'absolute',
    top: 2,
    bottom: 2,
    background: theme.colors.primary.main,
    borderRadius: theme.shape.radius.default,
  }),
  errorBar: css({ background: theme.colors.error.main }),
});

import React from 'react';
import { dateTimeFormat } from '@grafana/data';
import { Badge, Grid, Stack, Text, type BadgeColor } from '@grafana/ui';

import type { JobDetailResponse } from '../../../contract/resources';
import { testIds } from '../../../testIds';
import { formatValue } from '../Overview/StatTile';

const STATUS_COLORS: Record<string, BadgeColor> = {
  queued: 'blue',
  running: 'orange',
  completed: 'green',
  failed: 'red',
};

const when = (iso: string | null) => (iso ? dateTimeFormat(iso, { format: 'YYYY-MM-DD HH:mm:ss' }) : '–');

function Item({ label, children }: { label: string; children: NonNullable<React.ReactNode> }) {
  return (
    <Stack direction="column" gap={0}>
      <Text variant="bodySmall" color="secondary">
        {label}
      </Text>
      <Text>{children}</Text>
    </Stack>
  );
}

/** State, timing, tokens and cost of one job. */
export function JobSummary({ detail }: { detail: JobDetailResponse }) {
  const { job, totals } = detail;
  const tokens = job.tokenCap
    ? `${formatValue(job.tokensUsed, 'short')} of ${formatValue(job.tokenCap, 'short')}`
    : formatValue(job.tokensUsed, 'short');
  return (
    <div data-testid={testIds.job.summary}>
      <Stack direction="column" gap={2}>
        <Stack direction="row" gap={1} alignItems="center">
          <span data-testid={testIds.job.status}>
            <Badge text={job.status} color={STATUS_COLORS[job.status] ?? 'darkgrey'} />
          </span>
          {job.errorType && <Text color="error">{job.errorType}</Text>}
          {job.tokenCap !== null && job.tokensUsed > job.tokenCap && (
            <Badge text="over token cap" color="red" icon="exclamation-triangle" />
          )}
        </Stack>
        <Grid gap={2} minColumnWidth={21}>
          <Item label="Mode">{job.mode ?? '–'}</Item>
          <Item label="Agent">{job.agent ?? '–'}</Item>
          <Item label="Worker">{job.workerId ?? '–'}</Item>
          <Item label="Attempts">{job.attempts}</Item>
          <Item label="Created">{when(job.createdAt)}</Item>
          <Item label="Claimed">{when(job.claimedAt)}</Item>
          <Item label="Finished">{when(job.finishedAt)}</Item>
          <Item label="Duration">{job.durationMs === null ? '–' : formatValue(job.durationMs, 'ms')}</Item>
          <Item label="Tokens">{tokens}</Item>
          <Item label="Cost">{formatValue(job.costUsd, 'currencyUSD')}</Item>
          <Item label="LLM / tool calls">
            {totals.llmCalls} / {totals.toolCalls}
          </Item>
          <Item label="Errors / escalations">
            {totals.errors} / {totals.escalations}
          </Item>
        </Grid>
      </Stack>
    </div>
  );
}

import React, { useState } from 'react';
import { PluginPage } from '@grafana/runtime';
import { Alert, Box, LoadingPlaceholder, Stack, Text } from '@grafana/ui';
import { useParams } from 'react-router-dom';

import type { LedgerDataSource } from '../../../datasource/LedgerDataSource';
import { testIds } from '../../../testIds';
import { DatasourceGate } from '../../components/DatasourceGate';
import type { TimeWindow } from '../../data/runLedgerQuery';
import { OpenJobForm } from '../Overview/OpenJobForm';
import { JobConversation } from './JobConversation';
import { JobEvents } from './JobEvents';
import { JobSummary } from './JobSummary';
import { JobTrace } from './JobTrace';
import { useJobDetail } from './useJobDetail';

const WEEK_MS = 7 * 86_400_000;

function JobDetail({ datasource, jobId }: { datasource: LedgerDataSource; jobId: string }) {
  const state = useJobDetail(datasource, jobId);
  // Without the job resource the trace and events still load, over the week before the page opened.
  const [lastWeek] = useState<TimeWindow>(() => {
    const now = Date.now();
    return { from: now - WEEK_MS, to: now };
  });
  if (state.status === 'loading') {
    return <LoadingPlaceholder text="Loading the job…" />;
  }
  const timeWindow = state.status === 'ready' ? state.detail.range : lastWeek;
  return (
    <Stack direction="column" gap={3}>
      {state.status === 'ready' ? (
        <JobSummary detail={state.detail} />
      ) : (
        <Alert severity="warning" title="Job details unavailable" data-testid={testIds.job.error}>
          {state.message}
        </Alert>
      )}
      <Box padding={2} borderColor="weak" borderStyle="solid">
        <JobTrace datasource={datasource} jobId={jobId} timeWindow={timeWindow} />
      </Box>
      <Box padding={2} borderColor="weak" borderStyle="solid">
        <JobEvents datasource={datasource} jobId={jobId} timeWindow={timeWindow} />
      </Box>
      {state.status === 'ready' && (
        <Box padding={2} borderColor="weak" borderStyle="solid">
          <JobConversation messages={state.detail.messages} />
        </Box>
      )}
    </Stack>
  );
}

/** One job: state, trace, events and conversation. Without an id: a form to enter one. */
export function JobPage() {
  const { jobId } = useParams<{ jobId: string }>();
  return (
    <PluginPage pageNav={{ text: jobId ? `Job ${jobId}` : 'Job' }}>
      <div data-testid={testIds.job.page}>
        {jobId ? (
          <DatasourceGate>
            {(datasource) => <JobDetail key={jobId} datasource={datasource} jobId={jobId} />}
          </DatasourceGate>
        ) : (
          <Stack direction="column" gap={1}>
            <Text>Enter a job id to see its state, trace, events and conversation.</Text>
            <OpenJobForm />
          </Stack>
        )}
      </div>
    </PluginPage>
  );
}

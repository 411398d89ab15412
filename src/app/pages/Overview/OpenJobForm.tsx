import React, { useState } from 'react';
import { locationService } from '@grafana/runtime';
import { Button, Input, Stack } from '@grafana/ui';

import { jobUrl } from '../../../constants';
import { testIds } from '../../../testIds';

/** Jump to one job by id. */
export function OpenJobForm({ initial = '' }: { initial?: string }) {
  const [jobId, setJobId] = useState(initial);
  const open = () => jobId.trim() && locationService.push(jobUrl(jobId.trim()));
  return (
    <form
      data-testid={testIds.job.search}
      onSubmit={(event) => {
        event.preventDefault();
        open();
      }}
    >
      <Stack direction="row" gap={1}>
        <Input
          data-testid={testIds.job.searchInput}
          aria-label="Job id"
          width={40}
          placeholder="Job id"
          value={jobId}
          onChange={(event) => setJobId(event.currentTarget.value)}
        />
        <Button type="submit" variant="secondary" icon="search" disabled={!jobId.trim()}>
          Open job
        </Button>
      </Stack>
    </form>
  );
}

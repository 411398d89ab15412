import React from 'react';
import { InlineField, InlineFieldRow, Input, Stack } from '@grafana/ui';

import { testIds } from '../../../testIds';
import { LABEL_WIDTH, type TypeEditorProps } from './editorProps';
import { QuerySummary } from './QuerySummary';

/** One job's trace: a job id or a trace id. */
export function TracesQueryEditor({ query, onChange }: TypeEditorProps) {
  return (
    <Stack direction="column" gap={0.5}>
      <InlineFieldRow>
        <InlineField
          label="Job or trace id"
          labelWidth={LABEL_WIDTH + 4}
          grow
          tooltip="A job id shows the trace of that job; a trace id works too. Template variables are allowed."
        >
          <Input
            data-testid={testIds.queryEditor.traceId}
            placeholder="job id, trace id or $job"
            value={query.traceId ?? ''}
            onChange={(event) => onChange({ ...query, traceId: event.currentTarget.value })}
            onBlur={() => onChange(query, true)}
            onKeyDown={(event) => event.key === 'Enter' && onChange(query, true)}
          />
        </InlineField>
      </InlineFieldRow>
      <QuerySummary query={query} />
    </Stack>
  );
}

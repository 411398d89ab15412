import React from 'react';
import { InlineField, InlineFieldRow, InlineSwitch, Input, Stack } from '@grafana/ui';

import { DIMENSIONS, QUERY_LIMITS } from '../../../contract/query';
import { testIds } from '../../../testIds';
import { FiltersField } from '../filters/FiltersField';
import { LABEL_WIDTH, type TypeEditorProps } from './editorProps';
import { LimitInput } from './LimitInput';
import { QuerySummary } from './QuerySummary';

const DEFAULT_LIMIT = 1000;

/** Ledger events as log lines: full-text search, filters, line limit and live tail. */
export function LogsQueryEditor({ query, datasource, range, onChange, alerting }: TypeEditorProps) {
  const ids = testIds.queryEditor;
  return (
    <Stack direction="column" gap={0.5}>
      <InlineFieldRow>
        <InlineField
          label="Search"
          labelWidth={LABEL_WIDTH}
          grow
          tooltip="Text to look for in the event body (name, status, payload)"
        >
          <Input
            data-testid={ids.logsSearch}
            placeholder="e.g. timeout"
            value={query.search ?? ''}
            onChange={(event) => onChange({ ...query, search: event.currentTarget.value || undefined })}
            onBlur={() => onChange(query, true)}
            onKeyDown={(event) => event.key === 'Enter' && onChange(query, true)}
          />
        </InlineField>
      </InlineFieldRow>
      <FiltersField
        filters={query.filters ?? []}
        dimensions={DIMENSIONS}
        onChange={(filters) => onChange({ ...query, filters }, true)}
        client={datasource}
        range={range}
        labelWidth={LABEL_WIDTH}
      />
      <InlineFieldRow>
        <InlineField
          label="Limit"
          labelWidth={LABEL_WIDTH}
          tooltip={`Newest lines first, at most ${QUERY_LIMITS.logLines.toLocaleString('en-US')}`}
        >
          <LimitInput
            query={query}
            max={QUERY_LIMITS.logLines}
            fallback={DEFAULT_LIMIT}
            testId={ids.logsLimit}
            onChange={onChange}
          />
        </InlineField>
        {!alerting && (
          <InlineField label="Live tail" tooltip="Stream new events as they are appended">
            <InlineSwitch
              data-testid={ids.live}
              value={Boolean(query.live)}
              onChange={(event) => onChange({ ...query, live: event.currentTarget.checked }, true)}
            />
          </InlineField>
        )}
      </InlineFieldRow>
      <QuerySummary query={query} />
    </Stack>
  );
}

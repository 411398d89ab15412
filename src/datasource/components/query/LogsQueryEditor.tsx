import React from 'react';
import { InlineField, InlineFieldRow, InlineSwitch, Input, Stack } from '@grafana/ui';

import { DIMENSIONS, QUERY_LIMITS } from '../../../contract/query';
import { testIds } from '../../../testIds';
import { FiltersEditor } from '../filters/FiltersEditor';
import { useDimensionSuggestions } from '../filters/useDimensionSuggestions';
import { LABEL_WIDTH, type TypeEditorProps } from './editorProps';
import { QuerySummary } from './QuerySummary';

const DEFAULT_LIMIT = 1000;

/** Ledger events as log lines: full-text search, filters, line limit and live tail. */
export function LogsQueryEditor({ query, datasource, range, onChange, alerting }: TypeEditorProps) {
  const ids = testIds.queryEditor;
  const suggestions = useDimensionSuggestions(datasource, range);
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
      <InlineFieldRow>
        <InlineField label="Filters" labelWidth={LABEL_WIDTH}>
          <FiltersEditor
            filters={query.filters ?? []}
            dimensions={DIMENSIONS}
            loadOptions={suggestions.loadOptions}
            suggestionsAvailable={suggestions.available}
            onChange={(filters) => onChange({ ...query, filters }, true)}
          />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        <InlineField
          label="Limit"
          labelWidth={LABEL_WIDTH}
          tooltip={`Newest lines first, at most ${QUERY_LIMITS.logLines.toLocaleString('en-US')}`}
        >
          <Input
            data-testid={ids.logsLimit}
            type="number"
            width={12}
            min={1}
            max={QUERY_LIMITS.logLines}
            placeholder={String(DEFAULT_LIMIT)}
            value={query.limit ?? ''}
            onChange={(event) => {
              const limit = Number(event.currentTarget.value);
              onChange({
                ...query,
                limit: Number.isInteger(limit) && limit > 0 ? Math.min(limit, QUERY_LIMITS.logLines) : undefined,
              });
            }}
            onBlur={() => onChange(query, true)}
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

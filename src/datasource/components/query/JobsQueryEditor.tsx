import React from 'react';
import { Combobox, InlineField, InlineFieldRow, RadioButtonGroup, Stack } from '@grafana/ui';

import {
  DEFAULT_JOB_ROWS,
  defaultJobSort,
  JOB_DIMENSIONS,
  QUERY_LIMITS,
  type JobSortField,
  type JobWindow,
} from '../../../contract/query';
import { testIds } from '../../../testIds';
import { FiltersField } from '../filters/FiltersField';
import { JobConditionsEditor } from '../jobs/JobConditionsEditor';
import { JOB_WINDOW_OPTIONS, SORT_FIELD_OPTIONS } from '../jobs/jobFields';
import { LABEL_WIDTH, type TypeEditorProps } from './editorProps';
import { LimitInput } from './LimitInput';
import { QuerySummary } from './QuerySummary';

const DIRECTION_OPTIONS = [
  { value: true, label: 'Descending', icon: 'arrow-down' as const },
  { value: false, label: 'Ascending', icon: 'arrow-up' as const },
];

/**
 * The jobs listing: which jobs (by the time range), dimension filters, conditions on numbers (duration, tokens,
 * cost, …), sort and limit. One row per job, each linking to its page and trace.
 */
export function JobsQueryEditor({ query, datasource, range, onChange }: TypeEditorProps) {
  const ids = testIds.jobsEditor;
  const jobWindow = query.jobWindow ?? 'finished';
  return (
    <Stack direction="column" gap={0.5}>
      <InlineFieldRow>
        <InlineField label="Jobs" labelWidth={LABEL_WIDTH} tooltip="Which jobs the dashboard's time range selects">
          <div data-testid={ids.window}>
            <RadioButtonGroup<JobWindow>
              options={JOB_WINDOW_OPTIONS}
              value={jobWindow}
              onChange={(next) => onChange({ ...query, jobWindow: next }, true)}
            />
          </div>
        </InlineField>
      </InlineFieldRow>
      <FiltersField
        filters={query.filters ?? []}
        dimensions={JOB_DIMENSIONS}
        onChange={(filters) => onChange({ ...query, filters }, true)}
        client={datasource}
        range={range}
        labelWidth={LABEL_WIDTH}
      />
      <InlineFieldRow>
        <InlineField
          label="Where"
          labelWidth={LABEL_WIDTH}
          tooltip="Conditions on numbers, all of which must hold. A job without the value (no duration while it runs, no cap) never matches."
        >
          <JobConditionsEditor
            conditions={query.jobConditions ?? []}
            onChange={(jobConditions, run) => onChange({ ...query, jobConditions }, run)}
          />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        <InlineField label="Sort by" labelWidth={LABEL_WIDTH} tooltip="Jobs without the value come last either way">
          <Combobox<JobSortField>
            data-testid={ids.sortBy}
            width="auto"
            minWidth={16}
            options={SORT_FIELD_OPTIONS}
            value={query.sortBy ?? defaultJobSort(jobWindow)}
            onChange={(option) => onChange({ ...query, sortBy: option.value }, true)}
          />
        </InlineField>
        <div data-testid={ids.sortDirection}>
          <RadioButtonGroup<boolean>
            options={DIRECTION_OPTIONS}
            value={query.sortDesc ?? true}
            onChange={(sortDesc) => onChange({ ...query, sortDesc }, true)}
          />
        </div>
        <InlineField label="Limit" tooltip={`Jobs listed, at most ${QUERY_LIMITS.jobRows.toLocaleString('en-US')}`}>
          <LimitInput
            query={query}
            max={QUERY_LIMITS.jobRows}
            fallback={DEFAULT_JOB_ROWS}
            testId={ids.limit}
            onChange={onChange}
          />
        </InlineField>
      </InlineFieldRow>
      <QuerySummary query={query} />
    </Stack>
  );
}

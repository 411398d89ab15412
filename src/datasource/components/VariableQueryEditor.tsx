import React, { useEffect } from 'react';
import type { QueryEditorProps } from '@grafana/data';
import { Combobox, InlineField, InlineFieldRow, Stack } from '@grafana/ui';

import { DIMENSIONS, type Dimension } from '../../contract/query';
import { testIds } from '../../testIds';
import type { LedgerDataSource } from '../LedgerDataSource';
import { migrateLedgerQuery } from '../query/migrateLedgerQuery';
import type { LedgerJsonData, LedgerQuery } from '../types';
import { FiltersField } from './filters/FiltersField';
import { LABEL_WIDTH } from './query/editorProps';
import { QuerySummary } from './query/QuerySummary';

const DIMENSION_HELP: Partial<Record<Dimension, string>> = {
  mode: 'agent modes, e.g. mechanic, genius',
  worker: 'worker ids',
  tool: 'tool names, e.g. read_file',
  model: 'LLM models',
  job: 'job ids (recent first)',
};

/** A template variable lists the values of one dimension, optionally narrowed by filters. */
export function VariableQueryEditor({
  query: saved,
  onChange,
  datasource,
  range,
}: QueryEditorProps<LedgerDataSource, LedgerQuery, LedgerJsonData, LedgerQuery>) {
  const query = migrateLedgerQuery(saved);
  const variableQuery: LedgerQuery = { ...query, queryType: 'variables' };

  useEffect(() => {
    // A new variable starts on "mode" so its preview shows values at once; a saved one is stored as the model
    // means it (nulls unset).
    if (query.queryType !== 'variables' || !query.dimension || query !== saved) {
      onChange({
        ...query,
        queryType: 'variables',
        dimension: query.dimension ?? 'mode',
        filters: query.filters ?? [],
      });
    }
  }, [query, saved, onChange]);

  return (
    <div data-testid={testIds.variableEditor.container}>
      <Stack direction="column" gap={0.5}>
        <InlineFieldRow>
          <InlineField
            label="Dimension"
            labelWidth={LABEL_WIDTH}
            tooltip="The variable's options are the values this dimension takes in the time range"
          >
            <Combobox<Dimension>
              data-testid={testIds.variableEditor.dimension}
              width={30}
              options={DIMENSIONS.map((dimension) => ({
                value: dimension,
                label: dimension,
                description: DIMENSION_HELP[dimension],
              }))}
              value={variableQuery.dimension ?? null}
              onChange={(option) =>
                onChange({
                  ...variableQuery,
                  dimension: option.value,
                  filters: (variableQuery.filters ?? []).filter((f) => f.key !== option.value),
                })
              }
            />
          </InlineField>
        </InlineFieldRow>
        <FiltersField
          filters={variableQuery.filters ?? []}
          dimensions={DIMENSIONS.filter((dimension) => dimension !== variableQuery.dimension)}
          onChange={(filters) => onChange({ ...variableQuery, filters })}
          client={datasource}
          range={range}
          labelWidth={LABEL_WIDTH}
          tooltip="Only values seen together with these, e.g. workers of mode $mode"
        />
        <QuerySummary query={variableQuery} />
      </Stack>
    </div>
  );
}

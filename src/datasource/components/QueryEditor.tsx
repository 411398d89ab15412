import React, { useCallback, useEffect } from 'react';
import { CoreApp, type SelectableValue } from '@grafana/data';
import { RadioButtonGroup, Stack } from '@grafana/ui';

import { EDITOR_QUERY_TYPES, type QueryType } from '../../contract/query';
import { testIds } from '../../testIds';
import { migrateLedgerQuery } from '../query/migrateLedgerQuery';
import type { LedgerQuery } from '../types';
import type { LedgerQueryEditorProps, TypeEditorProps } from './query/editorProps';
import { JobsQueryEditor } from './query/JobsQueryEditor';
import { LogsQueryEditor } from './query/LogsQueryEditor';
import { MetricsQueryEditor } from './query/MetricsQueryEditor';
import { SqlQueryEditor } from './query/SqlQueryEditor';
import { switchQueryType } from './query/switchQueryType';
import { TracesQueryEditor } from './query/TracesQueryEditor';

const TYPE_LABELS: Record<(typeof EDITOR_QUERY_TYPES)[number], string> = {
  metrics: 'Metrics',
  jobs: 'Jobs',
  logs: 'Logs',
  traces: 'Traces',
  sql: 'SQL',
};
const TYPE_OPTIONS: Array<SelectableValue<QueryType>> = EDITOR_QUERY_TYPES.map((type) => ({
  value: type,
  label: TYPE_LABELS[type],
}));

const EDITORS: Partial<Record<QueryType, React.ComponentType<TypeEditorProps>>> = {
  metrics: MetricsQueryEditor,
  jobs: JobsQueryEditor,
  logs: LogsQueryEditor,
  traces: TracesQueryEditor,
  sql: SqlQueryEditor,
};

/** The panel / Explore / alert-rule query editor: a type switch, then that type's editor. */
export function QueryEditor(props: LedgerQueryEditorProps) {
  const { datasource, range, app, onChange, onRunQuery } = props;
  // The editors see the saved query as the model means it (nulls unset, old versions upgraded), and it is stored
  // that way once, so the next save keeps the current shape.
  const saved = props.query;
  const query = migrateLedgerQuery(saved);
  useEffect(() => {
    if (query !== saved) {
      onChange(query);
    }
  }, [query, saved, onChange]);

  const change = useCallback(
    (next: LedgerQuery, run = false) => {
      onChange(next);
      if (run) {
        onRunQuery();
      }
    },
    [onChange, onRunQuery]
  );

  const queryType = query.queryType ?? 'metrics';
  const Editor = EDITORS[queryType] ?? MetricsQueryEditor;
  const alerting = app === CoreApp.UnifiedAlerting || app === CoreApp.CloudAlerting;
  return (
    <div data-testid={testIds.queryEditor.container}>
      <Stack direction="column" gap={1}>
        <div data-testid={testIds.queryEditor.queryType}>
          <RadioButtonGroup<QueryType>
            size="sm"
            options={TYPE_OPTIONS}
            value={queryType}
            onChange={(type) => change(switchQueryType(query, type), true)}
          />
        </div>
        <Editor
          query={{ ...query, queryType }}
          datasource={datasource}
          range={range}
          onChange={change}
          compact={app === CoreApp.Explore}
          alerting={alerting}
        />
      </Stack>
    </div>
  );
}

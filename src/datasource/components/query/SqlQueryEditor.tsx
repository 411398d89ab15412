import React, { useEffect, useRef } from 'react';
import type { SelectableValue } from '@grafana/data';
import { getTemplateSrv } from '@grafana/runtime';
import { CodeEditor, InlineField, InlineFieldRow, RadioButtonGroup, Stack, type monacoTypes } from '@grafana/ui';

import type { SqlFormat } from '../../../contract/query';
import { testIds } from '../../../testIds';
import { registerSqlCompletion } from '../sql/registerSqlCompletion';
import type { SqlCompletionSource } from '../sql/sqlCompletions';
import { macrosOf } from '../sql/sqlMacros';
import { SqlReference } from '../sql/SqlReference';
import { useSqlSchema } from '../sql/useSqlSchema';
import { LABEL_WIDTH, type TypeEditorProps } from './editorProps';

const FORMAT_OPTIONS: Array<SelectableValue<SqlFormat>> = [
  { value: 'table', label: 'Table' },
  { value: 'timeseries', label: 'Time series', description: 'Needs a "time" column; text columns become labels' },
];

/** Raw SQL with Grafana's macros, completed from the ledger's schema. Ctrl/Cmd+Enter runs it. */
export function SqlQueryEditor({ query, datasource, onChange, compact }: TypeEditorProps) {
  const schema = useSqlSchema(datasource);
  const macros = macrosOf(schema);
  // The completion provider and the run shortcut outlive renders: they read the latest values through refs.
  const source = useRef<SqlCompletionSource>({ tables: [], macros, variables: [] });
  const latest = useRef({ query, onChange });
  useEffect(() => {
    source.current = {
      tables: schema?.tables ?? [],
      macros,
      variables: getTemplateSrv()
        .getVariables()
        .map((variable) => variable.name),
    };
    latest.current = { query, onChange };
  });
  const disposable = useRef<monacoTypes.IDisposable | undefined>(undefined);
  useEffect(() => () => disposable.current?.dispose(), []);

  const rawSql = query.rawSql ?? '';
  return (
    <Stack direction="column" gap={0.5}>
      <div data-testid={testIds.queryEditor.sqlEditor}>
        <CodeEditor
          language="sql"
          value={rawSql}
          height={compact ? 140 : 200}
          showLineNumbers
          showMiniMap={false}
          onBlur={(value) => onChange({ ...latest.current.query, rawSql: value }, true)}
          onEditorDidMount={(editor, monaco) => {
            const model = editor.getModel();
            if (model) {
              disposable.current?.dispose();
              disposable.current = registerSqlCompletion(monaco, model.id, () => source.current);
            }
            editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () =>
              latest.current.onChange({ ...latest.current.query, rawSql: editor.getValue() }, true)
            );
          }}
        />
      </div>
      <InlineFieldRow>
        <InlineField label="Format" labelWidth={LABEL_WIDTH}>
          <div data-testid={testIds.queryEditor.sqlFormat}>
            <RadioButtonGroup<SqlFormat>
              options={FORMAT_OPTIONS}
              value={query.sqlFormat ?? 'table'}
              onChange={(sqlFormat) => onChange({ ...query, rawSql, sqlFormat }, true)}
            />
          </div>
        </InlineField>
      </InlineFieldRow>
      <SqlReference macros={macros} schema={schema} />
    </Stack>
  );
}

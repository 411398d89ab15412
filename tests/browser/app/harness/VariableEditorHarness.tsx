/** Grafana's query-variable page around our variable editor: the editor, then a preview of the values. */
import React, { useEffect, useState } from 'react';
import { CustomVariableSupport, FieldType, type DataFrame } from '@grafana/data';
import { Box, Stack, Tag, Text } from '@grafana/ui';
import { lastValueFrom } from 'rxjs';

import { fieldValues } from '../../../../src/app/data/frameValues';
import type { LedgerDataSource } from '../../../../src/datasource/LedgerDataSource';
import type { LedgerQuery } from '../../../../src/datasource/types';
import { harnessTimeRange, panelRequest } from './panelRequest';
import { useHostDatasource } from './useHostDatasource';

function valuesOf(frames: DataFrame[]): string[] {
  return frames.flatMap((frame) => {
    const text = frame.fields.find((f) => f.name === 'text') ?? frame.fields.find((f) => f.type === FieldType.string);
    return text ? fieldValues(text).map(String) : [];
  });
}

function Harness({ datasource }: { datasource: LedgerDataSource }) {
  const support = datasource.variables as CustomVariableSupport<LedgerDataSource, LedgerQuery>;
  const Editor = support.editor;
  const [query, setQuery] = useState<LedgerQuery>({ refId: 'variable' });
  const [preview, setPreview] = useState<{ values: string[]; error?: string }>();
  const [timeRange] = useState(harnessTimeRange);

  useEffect(() => {
    if (!query.dimension) {
      return;
    }
    lastValueFrom(support.query(panelRequest([query]))).then((response) =>
      setPreview({
        values: valuesOf(response.data as DataFrame[]),
        error: response.errors?.[0]?.message ?? response.error?.message,
      })
    );
  }, [support, query]);

  return (
    <Stack direction="column" gap={2}>
      <Editor datasource={datasource} query={query} onChange={setQuery} onRunQuery={() => {}} range={timeRange} />
      <div data-testid="harness-variable-values" data-state={preview ? (preview.error ? 'error' : 'done') : 'loading'}>
        <Text weight="medium">Preview of values</Text>
        {preview?.error ? (
          <Text color="error">{preview.error}</Text>
        ) : (
          <Stack direction="row" gap={1} wrap="wrap">
            {(preview?.values ?? []).map((value) => (
              <Tag key={value} name={value} colorIndex={7} />
            ))}
          </Stack>
        )}
      </div>
    </Stack>
  );
}

export function VariableEditorHarness() {
  const datasource = useHostDatasource();
  return (
    <Box padding={3} data-testid="harness">
      <Stack direction="column" gap={2}>
        <Text element="h2">Variable: query options</Text>
        {datasource && <Harness datasource={datasource} />}
      </Stack>
    </Box>
  );
}

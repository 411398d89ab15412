/** Grafana's annotation settings around our annotation editor: the editor, then the events the query yields. */
import React, { useEffect, useState } from 'react';
import { type AnnotationQuery, type DataFrame } from '@grafana/data';
import { Box, Stack, Text } from '@grafana/ui';
import { lastValueFrom } from 'rxjs';

import type { LedgerDataSource } from '../../../../src/datasource/LedgerDataSource';
import type { LedgerQuery } from '../../../../src/datasource/types';
import { FramesView } from './FramesView';
import { harnessTimeRange, panelRequest } from './panelRequest';
import { useHostDatasource } from './useHostDatasource';

function Harness({ datasource }: { datasource: LedgerDataSource }) {
  const support = datasource.annotations;
  const Editor = support.QueryEditor!;
  const [annotation, setAnnotation] = useState<AnnotationQuery<LedgerQuery>>(() => ({
    name: 'Ledger events',
    enable: true,
    iconColor: 'red',
    datasource: { uid: datasource.uid, type: datasource.type },
    target: { refId: 'Anno', ...support.getDefaultQuery?.() },
  }));
  const [result, setResult] = useState<{ frames: DataFrame[]; error?: string; loading: boolean }>({
    frames: [],
    loading: true,
  });
  const [timeRange] = useState(harnessTimeRange);

  useEffect(() => {
    const target = support.prepareQuery?.(annotation);
    if (!target) {
      return;
    }
    lastValueFrom(datasource.query(panelRequest([target]))).then((response) =>
      setResult({
        frames: response.data as DataFrame[],
        error: response.errors?.[0]?.message ?? response.error?.message,
        loading: false,
      })
    );
  }, [datasource, support, annotation]);

  return (
    <Stack direction="column" gap={2}>
      <Editor
        datasource={datasource}
        query={annotation.target!}
        annotation={annotation}
        onAnnotationChange={setAnnotation}
        onChange={(target) => setAnnotation({ ...annotation, target })}
        onRunQuery={() => {}}
        range={timeRange}
      />
      <Box padding={2} borderColor="weak" borderStyle="solid">
        <FramesView {...result} />
      </Box>
    </Stack>
  );
}

export function AnnotationEditorHarness() {
  const datasource = useHostDatasource();
  return (
    <Box padding={3} data-testid="harness">
      <Stack direction="column" gap={2}>
        <Text element="h2">Annotation: Ledger events</Text>
        {datasource && <Harness datasource={datasource} />}
      </Stack>
    </Box>
  );
}
